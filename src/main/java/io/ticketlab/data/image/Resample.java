package io.ticketlab.data.image;

/**
 * Resizing with the arithmetic of PIL's {@code Image.resize} (the resample that torchvision's
 * {@code Resize} calls on PIL images), so that resized pixels equal PIL's.
 *
 * <p>What PIL does, and this class reproduces: the image is resampled separably, first along rows
 * (when the width changes), then along columns (when the height changes), with an 8-bit image in
 * between. Output sample {@code i} of an axis scaled by {@code s = in / out} is centred at {@code
 * (i + 0.5) s}; the filter is stretched by {@code max(s, 1)} (antialiasing when shrinking: every
 * input pixel under the widened filter contributes), its weights are normalised to sum 1 and then
 * rounded to fixed point with 22 fraction bits; each output value is the weighted sum plus one half,
 * shifted and clipped to 0–255. An axis whose size does not change is not resampled.
 */
public final class Resample {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double ONE = 1 << PRECISION_BITS;

  /** The interpolation filters of torchvision's {@code InterpolationMode} that PIL implements. */
  public enum Filter {
    /** Triangle filter, support 1 ({@code PIL.Image.BILINEAR}), torchvision's default. */
    BILINEAR(1.0),
    /** Keys cubic with {@code a = -0.5}, support 2 ({@code PIL.Image.BICUBIC}). */
    BICUBIC(2.0);

    private final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      double t = Math.abs(x);
      if (this == BILINEAR) {
        return t < 1.0 ? 1.0 - t : 0.0;
      }
      double a = -0.5;
      if (t < 1.0) {
        return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
      }
      if (t < 2.0) {
        return (((t - 5) * t + 8) * t - 4) * a;
      }
      return 0.0;
    }
  }

  private Resample() {}

  /** {@code img} resized to {@code width × height} with {@code filter}, as PIL's resize. */
  public static DecodedImage resize(DecodedImage img, int width, int height, Filter filter) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("Invalid output size: " + width + "x" + height);
    }
    DecodedImage out = img;
    if (width != img.width()) {
      out = horizontal(out, width, Axis.of(img.width(), width, filter));
    }
    if (height != img.height()) {
      out = vertical(out, height, Axis.of(img.height(), height, filter));
    }
    return out;
  }

  /** The fixed-point weights of one axis: for output {@code i}, inputs {@code first[i]…}. */
  private record Axis(int[] first, int[] count, int[] weights, int stride) {
    static Axis of(int in, int out, Filter filter) {
      double scale = (double) in / out;
      double stretch = Math.max(scale, 1.0);
      double support = filter.support * stretch;
      double inverse = 1.0 / stretch;
      int stride = (int) Math.ceil(support) * 2 + 1;
      int[] first = new int[out];
      int[] count = new int[out];
      int[] weights = new int[out * stride];
      double[] k = new double[stride];
      for (int i = 0; i < out; i++) {
        double center = (i + 0.5) * scale;
        int lo = Math.max((int) (center - support + 0.5), 0);
        int hi = Math.min((int) (center + support + 0.5), in);
        int n = hi - lo;
        double sum = 0;
        for (int j = 0; j < n; j++) {
          k[j] = filter.weight((j + lo - center + 0.5) * inverse);
          sum += k[j];
        }
        for (int j = 0; j < n; j++) {
          double w = sum == 0.0 ? k[j] : k[j] / sum;
          weights[i * stride + j] = w < 0 ? (int) (-0.5 + w * ONE) : (int) (0.5 + w * ONE);
        }
        first[i] = lo;
        count[i] = n;
      }
      return new Axis(first, count, weights, stride);
    }
  }

  private static DecodedImage horizontal(DecodedImage img, int outW, Axis axis) {
    int inW = img.width();
    int h = img.height();
    byte[] src = img.rgb();
    byte[] dst = new byte[3 * outW * h];
    int half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < h; y++) {
      int row = 3 * y * inW;
      int orow = 3 * y * outW;
      for (int x = 0; x < outW; x++) {
        int r = half;
        int g = half;
        int b = half;
        int s = row + 3 * axis.first[x];
        int k = x * axis.stride;
        for (int j = 0; j < axis.count[x]; j++, s += 3) {
          int w = axis.weights[k + j];
          r += (src[s] & 0xFF) * w;
          g += (src[s + 1] & 0xFF) * w;
          b += (src[s + 2] & 0xFF) * w;
        }
        int d = orow + 3 * x;
        dst[d] = clip8(r);
        dst[d + 1] = clip8(g);
        dst[d + 2] = clip8(b);
      }
    }
    return new DecodedImage(outW, h, dst);
  }

  private static DecodedImage vertical(DecodedImage img, int outH, Axis axis) {
    int w = img.width();
    int rowBytes = 3 * w;
    byte[] src = img.rgb();
    byte[] dst = new byte[rowBytes * outH];
    int half = 1 << (PRECISION_BITS - 1);
    int[] acc = new int[rowBytes];
    for (int y = 0; y < outH; y++) {
      java.util.Arrays.fill(acc, half);
      int k = y * axis.stride;
      for (int j = 0; j < axis.count[y]; j++) {
        int wgt = axis.weights[k + j];
        int s = (axis.first[y] + j) * rowBytes;
        for (int i = 0; i < rowBytes; i++) {
          acc[i] += (src[s + i] & 0xFF) * wgt;
        }
      }
      int d = y * rowBytes;
      for (int i = 0; i < rowBytes; i++) {
        dst[d + i] = clip8(acc[i]);
      }
    }
    return new DecodedImage(w, outH, dst);
  }

  private static byte clip8(int acc) {
    int v = acc >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }
}
