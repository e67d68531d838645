package io.ticketlab.data.coco;

/**
 * One detection of a COCO results file: an image, a category, a confidence score and what was
 * detected, a box {@code [x, y, w, h]}, a mask (always stored compressed) and/or keypoint
 * triplets. Absent parts are null.
 */
public record CocoResult(
    long imageId, int categoryId, double score, double[] bbox, Rle segmentation, double[] keypoints) {

  /** A box detection. */
  public static CocoResult box(long imageId, int categoryId, double score, double[] bbox) {
    return new CocoResult(imageId, categoryId, score, bbox, null, null);
  }
}
