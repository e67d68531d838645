package io.ticketlab.data.coco;

/**
 * Intersection over union of two axis-aligned boxes {@code [x, y, w, h]} (pixels), computed in
 * double precision in exactly pycocotools' order of operations so that results match bit for bit.
 * Against a crowd ground truth the union is the detection's own area (COCO's crowd semantics: a
 * crowd region can absorb any number of detections that lie inside it).
 */
public final class BoxIou {
  private BoxIou() {}

  /** IoU of {@code detection} with {@code groundTruth}; 0 when they do not overlap. */
  public static double iou(double[] detection, double[] groundTruth, boolean crowd) {
    return iou(
        detection[0], detection[1], detection[2], detection[3],
        groundTruth[0], groundTruth[1], groundTruth[2], groundTruth[3], crowd);
  }

  /** The same on unpacked coordinates (the evaluator's hot loop). */
  public static double iou(
      double dx, double dy, double dw, double dh,
      double gx, double gy, double gw, double gh,
      boolean crowd) {
    double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
    if (w <= 0) {
      return 0;
    }
    double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
    if (h <= 0) {
      return 0;
    }
    double intersection = w * h;
    double detectionArea = dw * dh;
    double union = crowd ? detectionArea : detectionArea + gw * gh - intersection;
    return intersection / union;
  }
}
