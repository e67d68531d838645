package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RoIAlign over FPN levels, as torchvision 0.14's {@code MultiScaleRoIAlign}: each box is pooled
 * from the level chosen by {@link LevelMapper} (canonical scale 224, level 4), with RoIAlign
 * {@code aligned = false}. The scale of each map is inferred from its height and the largest
 * image height, {@code 2^round(log2(featureHeight / imageHeight))}, and the level range from the
 * first and last map.
 *
 * <p>All levels are pooled by one gather over a table that stacks the maps (no engine op per
 * level or per RoI); gradients flow to every map. Unlike torchvision, which fixes scales at its
 * first call, scales are inferred on every call (the same for inputs of one model). Immutable.
 */
public final class MultiScaleRoiAlign {
  /** torchvision's FPN feature names. */
  public static final List<String> FPN_LEVELS = List.of("0", "1", "2", "3");

  private final List<String> featmapNames;
  private final int outputHeight;
  private final int outputWidth;
  private final int samplingRatio;
  private final int canonicalScale;
  private final int canonicalLevel;
  private final double fixedScale;

  public MultiScaleRoiAlign(
      List<String> featmapNames,
      int outputHeight,
      int outputWidth,
      int samplingRatio,
      int canonicalScale,
      int canonicalLevel) {
    if (featmapNames.isEmpty()) {
      throw new IllegalArgumentException("MultiScaleRoiAlign needs at least one feature map name");
    }
    if (outputHeight <= 0 || outputWidth <= 0) {
      throw new IllegalArgumentException(
          "MultiScaleRoiAlign output size must be positive: " + outputHeight + "×" + outputWidth);
    }
    this.featmapNames = List.copyOf(featmapNames);
    this.outputHeight = outputHeight;
    this.outputWidth = outputWidth;
    this.samplingRatio = samplingRatio;
    this.canonicalScale = canonicalScale;
    this.canonicalLevel = canonicalLevel;
    this.fixedScale = 0;
  }

  private MultiScaleRoiAlign(String featmapName, int outputSize, int samplingRatio, double scale) {
    if (outputSize <= 0 || !(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException(
          "single-level RoIAlign needs a positive output size and a scale in (0, 1], got " + outputSize + ", " + scale);
    }
    this.featmapNames = List.of(featmapName);
    this.outputHeight = outputSize;
    this.outputWidth = outputSize;
    this.samplingRatio = samplingRatio;
    this.canonicalScale = 224;
    this.canonicalLevel = 4;
    this.fixedScale = scale;
  }

  /**
   * RoIAlign of one map at a known {@code scale} (e.g. 1/16 for a C4 model), square output. The
   * scale is not inferred: torchvision's inference ({@link #inferScale}) gives 1/16 for a stride-16
   * map only while the padding to a multiple of 32 adds less than √2 to the image height (images
   * taller than 75 pixels), which small test images are not.
   */
  public static MultiScaleRoiAlign singleLevel(String featmapName, int outputSize, int samplingRatio, double scale) {
    return new MultiScaleRoiAlign(featmapName, outputSize, samplingRatio, scale);
  }

  /** torchvision's pooler on maps '0'..'3': square output, canonical scale 224 and level 4. */
  public static MultiScaleRoiAlign of(int outputSize, int samplingRatio) {
    return new MultiScaleRoiAlign(FPN_LEVELS, outputSize, outputSize, samplingRatio, 224, 4);
  }

  /** The Faster R-CNN box head's pooler: 7×7, sampling ratio 2. */
  public static MultiScaleRoiAlign boxHead() {
    return of(7, 2);
  }

  /** The Mask / Keypoint R-CNN heads' pooler: 14×14, sampling ratio 2. */
  public static MultiScaleRoiAlign maskHead() {
    return of(14, 2);
  }

  public List<String> featmapNames() {
    return featmapNames;
  }

  public int outputHeight() {
    return outputHeight;
  }

  public int outputWidth() {
    return outputWidth;
  }

  /** torchvision's {@code _infer_scale}: {@code 2^round(log2(featureSize / imageSize))}, float32 log. */
  public static double inferScale(long featureSize, long imageSize) {
    float approx = (float) ((double) featureSize / (double) imageSize);
    float log2 = (float) (Math.log(approx) / Math.log(2.0));
    return Math.pow(2.0, Math.rint(log2));
  }

  /**
   * Pools the boxes of every image given as Java arrays (4 floats a box, resized pixels); no box at
   * all gives an empty [0, C, h, w].
   */
  public NDArray poolBoxes(Map<String, NDArray> features, List<float[]> boxes, List<int[]> imageSizes) {
    NDArray any = features.values().iterator().next();
    NDManager m = any.getManager();
    int total = 0;
    List<NDArray> arrays = new ArrayList<>();
    for (float[] b : boxes) {
      total += b.length / 4;
      arrays.add(m.create(b, new Shape(b.length / 4, 4)));
    }
    if (total == 0) {
      return m.zeros(new Shape(0, any.getShape().get(1), outputHeight, outputWidth), any.getDataType(), any.getDevice());
    }
    return apply(features, arrays, imageSizes);
  }

  /**
   * Pools the boxes of every image.
   *
   * @param features maps by name, in the order torchvision would see them (use an ordered map);
   *     those not in {@link #featmapNames()} are ignored; all [N, C, H_l, W_l] with the same C
   * @param boxes per image, [K_i, 4] boxes (x1, y1, x2, y2) in the resized image's pixels
   * @param imageSizes per image, {height, width} after resizing (before padding)
   * @return [ΣK_i, C, outputHeight, outputWidth], RoIs in image order
   */
  public NDArray apply(Map<String, NDArray> features, List<NDArray> boxes, List<int[]> imageSizes) {
    List<NDArray> maps = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : features.entrySet()) {
      if (featmapNames.contains(e.getKey())) {
        maps.add(e.getValue());
      }
    }
    if (maps.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the feature maps " + featmapNames + " is among " + features.keySet());
    }
    if (imageSizes.isEmpty()) {
      throw new IllegalArgumentException("images list should not be empty");
    }
    int maxHeight = 0;
    for (int[] size : imageSizes) {
      maxHeight = Math.max(maxHeight, size[0]);
    }
    int levels = maps.size();
    float[] scales = new float[levels];
    int[] heights = new int[levels];
    int[] widths = new int[levels];
    long[] rowOffset = new long[levels];
    long rows = 0;
    long channels = maps.get(0).getShape().get(1);
    long batch = maps.get(0).getShape().get(0);
    for (int l = 0; l < levels; l++) {
      Shape s = maps.get(l).getShape();
      if (s.dimension() != 4 || s.get(1) != channels || s.get(0) != batch) {
        throw new IllegalArgumentException(
            "feature maps must be [N, C, H, W] with the same N and C; map " + l + " is " + s);
      }
      heights[l] = (int) s.get(2);
      widths[l] = (int) s.get(3);
      scales[l] = (float) (fixedScale > 0 ? fixedScale : inferScale(heights[l], maxHeight));
      rowOffset[l] = rows;
      rows += s.get(0) * s.get(2) * s.get(3);
    }
    int kMin = (int) -(Math.log(scales[0]) / Math.log(2.0));
    int kMax = (int) -(Math.log(scales[levels - 1]) / Math.log(2.0));

    if (boxes.size() != batch) {
      throw new IllegalArgumentException(
          "got boxes for " + boxes.size() + " images but feature maps for " + batch);
    }
    List<float[]> perImage = new ArrayList<>();
    int k = 0;
    for (NDArray b : boxes) {
      Shape s = b.getShape();
      if (s.dimension() != 2 || s.get(1) != 4) {
        throw new IllegalArgumentException("boxes must be [K, 4] (x1, y1, x2, y2), got " + s);
      }
      float[] v = b.getDataType() == DataType.FLOAT32 ? b.toFloatArray() : b.toType(DataType.FLOAT32, false).toFloatArray();
      perImage.add(v);
      k += v.length / 4;
    }
    float[] rois = new float[5 * k];
    float[] flat = new float[4 * k];
    int at = 0;
    for (int i = 0; i < perImage.size(); i++) {
      float[] v = perImage.get(i);
      for (int j = 0; j < v.length / 4; j++, at++) {
        rois[5 * at] = i;
        System.arraycopy(v, 4 * j, rois, 5 * at + 1, 4);
        System.arraycopy(v, 4 * j, flat, 4 * at, 4);
      }
    }
    int[] level =
        levels == 1
            ? new int[k]
            : new LevelMapper(kMin, kMax, canonicalScale, canonicalLevel, 1e-6f).levels(flat);
    SamplingPlan plan =
        SamplingPlan.build(
            rois, level, rowOffset, heights, widths, scales, outputHeight, outputWidth, samplingRatio, false);
    return plan.apply(maps);
  }
}
