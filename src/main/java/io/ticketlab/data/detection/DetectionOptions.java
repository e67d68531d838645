package io.ticketlab.data.detection;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link DetectionDataset} loads.
 *
 * @param mode {@link Mode#TRAIN} drops images without usable annotations (torchvision's {@code
 *     _coco_remove_images_without_annotations}); {@link Mode#EVAL} keeps every image
 * @param categoryIds the COCO category ids to use; empty means every category of the file
 * @param personOnly use only the categories that define keypoints (COCO's person), as Keypoint
 *     R-CNN does; combined with {@code categoryIds} by intersection
 * @param masks decode instance masks (Mask R-CNN)
 * @param keypoints load keypoints (Keypoint R-CNN); this also switches on the reference's
 *     "at least 10 labelled keypoints an image" rule for training
 * @param exifOrientation turn each image as its EXIF orientation says (PIL's {@code
 *     ImageOps.exif_transpose}), as a photo viewer shows it; off by default, as torchvision and
 *     PIL's {@code convert("RGB")} ignore the tag. The image's {@code width}/{@code height} in the
 *     annotations must then be the turned image's.
 */
public record DetectionOptions(
    Mode mode, Set<Integer> categoryIds, boolean personOnly, boolean masks, boolean keypoints,
    boolean exifOrientation) {

  /** Training drops images without usable annotations; evaluation and prediction keep all. */
  public enum Mode {
    TRAIN,
    EVAL
  }

  public DetectionOptions {
    Objects.requireNonNull(mode, "mode");
    categoryIds = categoryIds == null ? Set.of() : Set.copyOf(new TreeSet<>(categoryIds));
  }

  /** Boxes of every category, training mode (Faster R-CNN). */
  public static DetectionOptions training() {
    return new DetectionOptions(Mode.TRAIN, Set.of(), false, false, false, false);
  }

  /** Boxes of every category, every image kept (evaluation, prediction). */
  public static DetectionOptions evaluation() {
    return new DetectionOptions(Mode.EVAL, Set.of(), false, false, false, false);
  }

  /** The same options with instance masks decoded (Mask R-CNN). */
  public DetectionOptions withMasks() {
    return new DetectionOptions(mode, categoryIds, personOnly, true, keypoints, exifOrientation);
  }

  /** The same options with keypoints, restricted to keypoint categories (Keypoint R-CNN). */
  public DetectionOptions withPersonKeypoints() {
    return new DetectionOptions(mode, categoryIds, true, masks, true, exifOrientation);
  }

  /** The same options restricted to these COCO category ids. */
  public DetectionOptions withCategories(Set<Integer> ids) {
    return new DetectionOptions(mode, ids, personOnly, masks, keypoints, exifOrientation);
  }

  /** The same options in another mode. */
  public DetectionOptions withMode(Mode newMode) {
    return new DetectionOptions(newMode, categoryIds, personOnly, masks, keypoints, exifOrientation);
  }

  /** The same options with images turned as their EXIF orientation says (or not). */
  public DetectionOptions withExifOrientation(boolean turn) {
    return new DetectionOptions(mode, categoryIds, personOnly, masks, keypoints, turn);
  }
}
