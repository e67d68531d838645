package io.ticketlab.model.roi.mask;

import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.model.detector.Detections;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Mask R-CNN detections of one image as COCO results (what {@code ticketlab eval} reads), as
 * torchvision's reference {@code prepare_for_coco_segmentation}: per detection the box as {@code
 * [x, y, w, h]}, the score, the category and the pasted mask thresholded at 0.5 as RLE ({@link
 * MaskPaste#toRle}).
 */
public final class SegmentationResults {
  private SegmentationResults() {}

  /**
   * @param detections detections in original pixels with pasted masks of the image's size (the
   *     output of {@code GeneralizedRcnn.predict} for Mask R-CNN)
   * @param categoryId the COCO category id of each contiguous label
   */
  public static List<CocoResult> of(long imageId, Detections detections, IntUnaryOperator categoryId) {
    if (detections.masks() == null) {
      throw new IllegalArgumentException("detections of image " + imageId + " have no masks");
    }
    List<CocoResult> out = new ArrayList<>();
    float[] b = detections.boxes();
    for (int k = 0; k < detections.count(); k++) {
      double[] box = {b[4 * k], b[4 * k + 1], b[4 * k + 2] - b[4 * k], b[4 * k + 3] - b[4 * k + 1]};
      Rle rle = MaskPaste.toRle(detections.masks()[k], detections.maskHeight(), detections.maskWidth());
      out.add(
          new CocoResult(
              imageId, categoryId.applyAsInt(detections.labels()[k]), detections.scores()[k], box, rle, null));
    }
    return out;
  }
}
