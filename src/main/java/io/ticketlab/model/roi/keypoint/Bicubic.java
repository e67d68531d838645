package io.ticketlab.model.roi.keypoint;

/**
 * PyTorch's bicubic resize ({@code F.interpolate(mode="bicubic", align_corners=False)} to a given
 * size, CPU float32) in plain Java: Keys' cubic convolution with {@code A = −0.75}, source index
 * {@code (in / out) · (o + 0.5) − 0.5} (no clamping; float32 as PyTorch), border pixels repeated
 * (indices clamped into the map), the four column weights applied first and then the four row
 * weights, in float32. PyTorch's float32 rounding is not reproduced bit for bit: on maps in [−1, 1]
 * the results differ by at most about 4e-6 (the exact real-number results agree to 1e-14). Used by
 * Keypoint R-CNN to resize heatmaps to the size of their box.
 */
public final class Bicubic {
  private static final float A = -0.75f;

  private Bicubic() {}

  /**
   * Resizes {@code channels} maps of {@code inH × inW} (row-major, channel after channel) to
   * {@code outH × outW}.
   */
  public static float[] resize(float[] maps, int channels, int inH, int inW, int outH, int outW) {
    if (channels < 0 || inH < 1 || inW < 1 || outH < 1 || outW < 1 || maps.length != channels * inH * inW) {
      throw new IllegalArgumentException(
          "bicubic resize of " + maps.length + " values as " + channels + "×" + inH + "×" + inW + " to "
              + outH + "×" + outW);
    }
    int[] rowIndex = new int[4 * outH];
    float[] rowWeight = new float[4 * outH];
    taps(inH, outH, rowIndex, rowWeight);
    int[] colIndex = new int[4 * outW];
    float[] colWeight = new float[4 * outW];
    taps(inW, outW, colIndex, colWeight);
    float[] out = new float[channels * outH * outW];
    for (int c = 0; c < channels; c++) {
      int base = c * inH * inW;
      int outBase = c * outH * outW;
      for (int y = 0; y < outH; y++) {
        for (int x = 0; x < outW; x++) {
          float value = 0f;
          for (int j = 0; j < 4; j++) {
            int row = base + rowIndex[4 * y + j] * inW;
            float t = maps[row + colIndex[4 * x]] * colWeight[4 * x];
            for (int i = 1; i < 4; i++) {
              t += maps[row + colIndex[4 * x + i]] * colWeight[4 * x + i];
            }
            value = j == 0 ? t * rowWeight[4 * y] : value + t * rowWeight[4 * y + j];
          }
          out[outBase + y * outW + x] = value;
        }
      }
    }
    return out;
  }

  /** The four clamped source indices and cubic weights of each output position along one axis. */
  private static void taps(int in, int out, int[] index, float[] weight) {
    float scale = (float) in / (float) out;
    for (int o = 0; o < out; o++) {
      float real = scale * ((float) o + 0.5f) - 0.5f;
      int i0 = (int) Math.floor(real);
      float t = real - i0;
      weight[4 * o] = far(t + 1f);
      weight[4 * o + 1] = near(t);
      weight[4 * o + 2] = near(1f - t);
      weight[4 * o + 3] = far((1f - t) + 1f);
      for (int k = 0; k < 4; k++) {
        index[4 * o + k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
      }
    }
  }

  /** Cubic convolution for |x| ≤ 1. */
  private static float near(float x) {
    return ((A + 2f) * x - (A + 3f)) * x * x + 1f;
  }

  /** Cubic convolution for 1 < |x| < 2. */
  private static float far(float x) {
    return ((A * x - 5f * A) * x + 8f * A) * x - 4f * A;
  }
}
