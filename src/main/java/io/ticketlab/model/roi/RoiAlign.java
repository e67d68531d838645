package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * RoIAlign (He et al., Mask R-CNN) with the semantics of {@code torchvision.ops.roi_align} 0.14:
 * each RoI is divided into {@code outputHeight × outputWidth} bins, each bin averages
 * {@code gridH × gridW} bilinear samples of the feature map.
 *
 * <ul>
 *   <li>{@code spatialScale}: feature-map pixels per image pixel (1/4 for a stride-4 map).
 *   <li>{@code samplingRatio}: samples per bin side; {@code ≤ 0} is adaptive,
 *       {@code ceil(roiSize / outputSize)} per RoI (torchvision's {@code -1}).
 *   <li>{@code aligned = false} (the detection default): no half-pixel offset, RoI sizes clamped to
 *       ≥ 1 feature pixel. {@code aligned = true}: boxes shifted by −0.5 pixel, no clamp.
 * </ul>
 *
 * <p>Computed as one batched gather over all RoIs (no engine op per RoI); differentiable with
 * respect to the features, not the boxes (as in torchvision). Immutable and thread-safe.
 */
public final class RoiAlign {
  private final int outputHeight;
  private final int outputWidth;
  private final float spatialScale;
  private final int samplingRatio;
  private final boolean aligned;

  public RoiAlign(
      int outputHeight, int outputWidth, double spatialScale, int samplingRatio, boolean aligned) {
    if (outputHeight <= 0 || outputWidth <= 0) {
      throw new IllegalArgumentException(
          "RoIAlign output size must be positive: " + outputHeight + "×" + outputWidth);
    }
    if (!(spatialScale > 0) || Double.isInfinite(spatialScale)) {
      throw new IllegalArgumentException("RoIAlign spatial scale must be positive: " + spatialScale);
    }
    this.outputHeight = outputHeight;
    this.outputWidth = outputWidth;
    this.spatialScale = (float) spatialScale;
    this.samplingRatio = samplingRatio;
    this.aligned = aligned;
  }

  /** torchvision's detection setting: square output, {@code aligned = false}. */
  public static RoiAlign of(int outputSize, double spatialScale, int samplingRatio) {
    return new RoiAlign(outputSize, outputSize, spatialScale, samplingRatio, false);
  }

  public int outputHeight() {
    return outputHeight;
  }

  public int outputWidth() {
    return outputWidth;
  }

  public double spatialScale() {
    return spatialScale;
  }

  public int samplingRatio() {
    return samplingRatio;
  }

  public boolean aligned() {
    return aligned;
  }

  /**
   * Pools {@code features} [N, C, H, W] over {@code rois} [K, 5] (batch index, x1, y1, x2, y2 in
   * image coordinates) into [K, C, outputHeight, outputWidth].
   */
  public NDArray apply(NDArray features, NDArray rois) {
    Shape fs = features.getShape();
    if (fs.dimension() != 4) {
      throw new IllegalArgumentException("RoIAlign features must be [N, C, H, W], got " + fs);
    }
    float[] r = roiValues(rois, fs.get(0));
    int k = r.length / 5;
    SamplingPlan plan =
        SamplingPlan.build(
            r,
            new int[k],
            new long[] {0},
            new int[] {(int) fs.get(2)},
            new int[] {(int) fs.get(3)},
            new float[] {spatialScale},
            outputHeight,
            outputWidth,
            samplingRatio,
            aligned);
    return plan.apply(List.of(features));
  }

  /** The [K, 5] RoIs as floats, checking shape and batch indices. */
  static float[] roiValues(NDArray rois, long batchSize) {
    Shape rs = rois.getShape();
    if (rs.dimension() != 2 || rs.get(1) != 5) {
      throw new IllegalArgumentException("RoIs must be [K, 5] (batch, x1, y1, x2, y2), got " + rs);
    }
    float[] r = rois.getDataType() == DataType.FLOAT32 ? rois.toFloatArray() : rois.toType(DataType.FLOAT32, false).toFloatArray();
    for (int i = 0; i < r.length; i += 5) {
      if (r[i] < 0 || r[i] >= batchSize || r[i] != (int) r[i]) {
        throw new IllegalArgumentException(
            "RoI " + i / 5 + " has batch index " + r[i] + " outside [0, " + batchSize + ")");
      }
    }
    return r;
  }
}
