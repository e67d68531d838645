package io.ticketlab.model.roi.mask;

/**
 * The training targets of the mask branch, torchvision 0.14's {@code project_masks_on_boxes}: the
 * binary ground-truth mask of each positive proposal's matched instance, cropped to the proposal
 * and resized to M×M by RoIAlign ({@code roi_align} on the float mask, spatial scale 1, adaptive
 * sampling ratio {@code ceil(boxSize / M)}, {@code aligned = false}). Values are in [0, 1]; the
 * loss uses them as soft targets. Pure Java, float32 arithmetic in the order of torchvision's CPU
 * kernel (sample positions, bilinear weights, sum of the samples of a bin divided by their count).
 */
public final class MaskTargets {
  private MaskTargets() {}

  /**
   * One M×M target.
   *
   * @param mask the instance mask, row-major {@code height × width}, non-zero = foreground
   * @param box the proposal (x1, y1, x2, y2) in the mask's pixels, from {@code boxes[4 * index]}
   * @return row-major M×M floats
   */
  public static float[] project(byte[] mask, int height, int width, float[] boxes, int index, int m) {
    if (mask.length != height * width) {
      throw new IllegalArgumentException("mask of " + mask.length + " pixels is not " + height + "×" + width);
    }
    if (m < 1) {
      throw new IllegalArgumentException("target size must be positive, got " + m);
    }
    float startW = boxes[4 * index];
    float startH = boxes[4 * index + 1];
    float roiW = Math.max(boxes[4 * index + 2] - startW, 1f);
    float roiH = Math.max(boxes[4 * index + 3] - startH, 1f);
    float binH = roiH / m;
    float binW = roiW / m;
    int gridH = (int) Math.ceil(roiH / m);
    int gridW = (int) Math.ceil(roiW / m);
    float count = Math.max(gridH * gridW, 1);
    Axis ys = Axis.of(startH, binH, gridH, m, height);
    Axis xs = Axis.of(startW, binW, gridW, m, width);
    float[] out = new float[m * m];
    for (int ph = 0; ph < m; ph++) {
      for (int pw = 0; pw < m; pw++) {
        float value = 0f;
        for (int iy = 0; iy < gridH; iy++) {
          int a = ph * gridH + iy;
          if (!ys.valid[a]) {
            continue;
          }
          int row0 = ys.low[a] * width;
          int row1 = ys.high[a] * width;
          float ly = ys.l[a];
          float hy = ys.h[a];
          for (int ix = 0; ix < gridW; ix++) {
            int b = pw * gridW + ix;
            if (!xs.valid[b]) {
              continue;
            }
            float lx = xs.l[b];
            float hx = xs.h[b];
            int x0 = xs.low[b];
            int x1 = xs.high[b];
            value +=
                hy * hx * (mask[row0 + x0] != 0 ? 1f : 0f)
                    + hy * lx * (mask[row0 + x1] != 0 ? 1f : 0f)
                    + ly * hx * (mask[row1 + x0] != 0 ? 1f : 0f)
                    + ly * lx * (mask[row1 + x1] != 0 ? 1f : 0f);
          }
        }
        out[ph * m + pw] = value / count;
      }
    }
    return out;
  }

  /** Bilinear sample positions along one axis: for bin p and sample i, entry {@code p * grid + i}. */
  private static final class Axis {
    final boolean[] valid;
    final int[] low;
    final int[] high;
    final float[] l;
    final float[] h;

    private Axis(int n) {
      valid = new boolean[n];
      low = new int[n];
      high = new int[n];
      l = new float[n];
      h = new float[n];
    }

    static Axis of(float start, float bin, int grid, int m, int size) {
      Axis a = new Axis(m * grid);
      for (int p = 0; p < m; p++) {
        for (int i = 0; i < grid; i++) {
          int at = p * grid + i;
          float v = start + p * bin + (i + .5f) * bin / grid;
          if (v < -1.0f || v > size) {
            continue;
          }
          a.valid[at] = true;
          if (v <= 0) {
            v = 0;
          }
          int lo = (int) v;
          int hi;
          if (lo >= size - 1) {
            lo = hi = size - 1;
            v = lo;
          } else {
            hi = lo + 1;
          }
          a.low[at] = lo;
          a.high[at] = hi;
          a.l[at] = v - lo;
          a.h[at] = 1f - a.l[at];
        }
      }
      return a;
    }
  }
}
