package io.ticketlab.model.roi;

/**
 * The FPN level of each box (Lin et al., FPN, eq. 1) as torchvision's {@code LevelMapper}:
 * {@code floor(canonicalLevel + log2(sqrt(area) / canonicalScale) + eps)} clamped to
 * {@code [kMin, kMax]}, in float32. Level indices returned are relative to {@code kMin}.
 *
 * @param kMin level of the finest feature map ({@code -log2(scale)}, 2 for a stride-4 map)
 * @param kMax level of the coarsest feature map
 * @param canonicalScale box size (pixels) mapped to {@code canonicalLevel}; 224 in torchvision
 * @param canonicalLevel 4 in torchvision
 * @param eps 1e-6 in torchvision
 */
public record LevelMapper(int kMin, int kMax, int canonicalScale, int canonicalLevel, float eps) {
  public LevelMapper {
    if (kMax < kMin) {
      throw new IllegalArgumentException("LevelMapper needs kMin <= kMax, got " + kMin + " > " + kMax);
    }
  }

  /** torchvision's defaults: canonical scale 224, level 4, eps 1e-6. */
  public static LevelMapper of(int kMin, int kMax) {
    return new LevelMapper(kMin, kMax, 224, 4, 1e-6f);
  }

  /**
   * Level index (0 = {@code kMin}) of each box (x1, y1, x2, y2 in image pixels, 4 floats each); −1
   * for a box whose area is not a number or negative (torchvision pools nothing for it).
   */
  public int[] levels(float[] boxes) {
    int[] out = new int[boxes.length / 4];
    for (int i = 0; i < out.length; i++) {
      float area = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
      float s = (float) Math.sqrt(area);
      float log2 = (float) (Math.log(s / (float) canonicalScale) / Math.log(2.0));
      float level = (float) Math.floor((canonicalLevel + log2) + eps);
      if (Float.isNaN(level)) {
        out[i] = -1;
        continue;
      }
      out[i] = (int) Math.min(Math.max(level, kMin), kMax) - kMin;
    }
    return out;
  }
}
