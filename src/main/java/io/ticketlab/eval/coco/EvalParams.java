package io.ticketlab.eval.coco;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The settings of a COCO evaluation, pycocotools' {@code Params}. Start from {@link
 * #defaults(IouType)} and change what you need with the {@code with...} methods.
 *
 * @param iouType boxes, masks or keypoints
 * @param categoryIds the categories to evaluate, or null for every category of the ground truth
 * @param imageIds the images to evaluate, or null for every image of the ground truth
 * @param iouThresholds IoU (OKS) thresholds; default 0.50:0.05:0.95 as numpy's linspace
 * @param recallThresholds recall grid of the interpolated precision; default 0:0.01:1
 * @param maxDets detection budgets per image (sorted ascending at use; the last one also cuts each
 *     image's detections before matching)
 * @param areaRanges object-size ranges; the first is normally {@link AreaRange#ALL}
 * @param useCategories false pools all categories into one (pycocotools' {@code useCats=0})
 * @param keypointSigmas per-category keypoint sigmas; categories not listed use COCO's person
 *     sigmas (which need 17 keypoints)
 * @param popBbox for segm, ignore the results' boxes so that their areas (hence area ranges) come
 *     from the masks, as detectron2 does before calling pycocotools; false (pycocotools' own
 *     loadRes) gives every result area w·h when the first result has a box
 */
public record EvalParams(
    IouType iouType,
    List<Integer> categoryIds,
    List<Long> imageIds,
    double[] iouThresholds,
    double[] recallThresholds,
    int[] maxDets,
    List<AreaRange> areaRanges,
    boolean useCategories,
    Map<Integer, double[]> keypointSigmas,
    boolean popBbox) {

  public EvalParams {
    if (iouType == null) {
      throw new IllegalArgumentException("iouType must not be null");
    }
    categoryIds = categoryIds == null ? null : List.copyOf(categoryIds);
    imageIds = imageIds == null ? null : List.copyOf(imageIds);
    iouThresholds = iouThresholds.clone();
    recallThresholds = recallThresholds.clone();
    maxDets = maxDets.clone();
    Arrays.sort(maxDets);
    if (maxDets.length == 0) {
      throw new IllegalArgumentException("maxDets must not be empty");
    }
    if (iouThresholds.length == 0 || iouThresholds.length > 32) {
      throw new IllegalArgumentException(
          "between 1 and 32 IoU thresholds are supported, got " + iouThresholds.length);
    }
    areaRanges = List.copyOf(areaRanges);
    keypointSigmas = keypointSigmas == null ? Map.of() : Map.copyOf(keypointSigmas);
  }

  /** pycocotools' defaults for an IoU type. */
  public static EvalParams defaults(IouType iouType) {
    boolean keypoints = iouType == IouType.KEYPOINTS;
    return new EvalParams(
        iouType,
        null,
        null,
        Thresholds.cocoIou(),
        Thresholds.cocoRecall(),
        keypoints ? new int[] {20} : new int[] {1, 10, 100},
        keypoints
            ? List.of(AreaRange.ALL, AreaRange.MEDIUM, AreaRange.LARGE)
            : List.of(AreaRange.ALL, AreaRange.SMALL, AreaRange.MEDIUM, AreaRange.LARGE),
        true,
        Map.of(),
        false);
  }

  public EvalParams withCategoryIds(List<Integer> ids) {
    return new EvalParams(iouType, ids, imageIds, iouThresholds, recallThresholds, maxDets,
        areaRanges, useCategories, keypointSigmas, popBbox);
  }

  public EvalParams withImageIds(List<Long> ids) {
    return new EvalParams(iouType, categoryIds, ids, iouThresholds, recallThresholds, maxDets,
        areaRanges, useCategories, keypointSigmas, popBbox);
  }

  public EvalParams withMaxDets(int... budgets) {
    return new EvalParams(iouType, categoryIds, imageIds, iouThresholds, recallThresholds, budgets,
        areaRanges, useCategories, keypointSigmas, popBbox);
  }

  public EvalParams withAreaRanges(List<AreaRange> ranges) {
    return new EvalParams(iouType, categoryIds, imageIds, iouThresholds, recallThresholds, maxDets,
        ranges, useCategories, keypointSigmas, popBbox);
  }

  public EvalParams withIouThresholds(double... thresholds) {
    return new EvalParams(iouType, categoryIds, imageIds, thresholds, recallThresholds, maxDets,
        areaRanges, useCategories, keypointSigmas, popBbox);
  }

  public EvalParams withUseCategories(boolean use) {
    return new EvalParams(iouType, categoryIds, imageIds, iouThresholds, recallThresholds, maxDets,
        areaRanges, use, keypointSigmas, popBbox);
  }

  public EvalParams withKeypointSigmas(Map<Integer, double[]> sigmas) {
    return new EvalParams(iouType, categoryIds, imageIds, iouThresholds, recallThresholds, maxDets,
        areaRanges, useCategories, sigmas, popBbox);
  }

  /** See {@link #popBbox()}. */
  public EvalParams withPopBbox(boolean pop) {
    return new EvalParams(iouType, categoryIds, imageIds, iouThresholds, recallThresholds, maxDets,
        areaRanges, useCategories, keypointSigmas, pop);
  }

  /** The largest detection budget. */
  public int maxDetsLast() {
    return maxDets[maxDets.length - 1];
  }

  @Override
  public double[] iouThresholds() {
    return iouThresholds.clone();
  }

  @Override
  public double[] recallThresholds() {
    return recallThresholds.clone();
  }

  @Override
  public int[] maxDets() {
    return maxDets.clone();
  }
}
