package io.ticketlab.analysis.tide;

/**
 * The settings of a TIDE analysis.
 *
 * @param mode boxes or masks
 * @param foregroundThreshold tidecv's {@code pos_threshold}: the IoU at which a detection is a
 *     true positive, and the upper bound of a LOC error (default 0.5)
 * @param backgroundThreshold tidecv's {@code background_threshold}: below or at it a detection is
 *     background (default 0.1)
 * @param maxDets detections kept per image, over all classes, highest scores first (100)
 * @param rangeThresholds IoU thresholds of {@code evaluate_range} (tidecv's {@code
 *     COCO_THRESHOLDS} 0.50..0.95); empty to skip it
 */
public record TideSettings(
    TideMode mode,
    double foregroundThreshold,
    double backgroundThreshold,
    int maxDets,
    double[] rangeThresholds) {

  /** tidecv's {@code TIDE.COCO_THRESHOLDS}, written as the Python literals. */
  public static final double[] COCO_THRESHOLDS = {
    0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95
  };

  public TideSettings {
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    if (!(foregroundThreshold > 0 && foregroundThreshold <= 1)) {
      throw new IllegalArgumentException(
          "foreground IoU threshold must be in (0, 1]: " + foregroundThreshold);
    }
    if (!(backgroundThreshold >= 0 && backgroundThreshold <= foregroundThreshold)) {
      throw new IllegalArgumentException("background IoU threshold must be in [0, foreground = "
          + foregroundThreshold + "]: " + backgroundThreshold);
    }
    if (maxDets < 1) {
      throw new IllegalArgumentException("maxDets must be positive: " + maxDets);
    }
    rangeThresholds = rangeThresholds == null ? new double[0] : rangeThresholds.clone();
  }

  /** tidecv's defaults: foreground IoU 0.5, background 0.1, 100 detections per image. */
  public static TideSettings defaults(TideMode mode) {
    return new TideSettings(mode, 0.5, 0.1, 100, COCO_THRESHOLDS);
  }

  public TideSettings withThresholds(double foreground, double background) {
    return new TideSettings(mode, foreground, background, maxDets, rangeThresholds);
  }

  public TideSettings withRangeThresholds(double... thresholds) {
    return new TideSettings(mode, foregroundThreshold, backgroundThreshold, maxDets, thresholds);
  }

  @Override
  public double[] rangeThresholds() {
    return rangeThresholds.clone();
  }
}
