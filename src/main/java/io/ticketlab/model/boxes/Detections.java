package io.ticketlab.model.boxes;

/**
 * The detections of one image, torchvision's output dict: boxes (x1, y1, x2, y2), scores, labels
 * (1..C), and for Mask R-CNN the mask probabilities, for Keypoint R-CNN the keypoints. Boxes are
 * in the pixels of the image they refer to: resized pixels inside the model, original pixels after
 * {@link GeneralizedRcnn#predict}.
 *
 * @param boxes D×4 floats, in descending score order
 * @param scores D scores
 * @param labels D labels ≥ 1
 * @param masks per detection, mask probabilities of {@code maskHeight × maskWidth} (before
 *     pasting: the predictor's M×M; after: the image size), or {@code null}
 * @param keypoints D×P×3 floats (x, y, 1) as torchvision returns them, or {@code null}
 * @param keypointScores D×P keypoint scores (heatmap maxima), or {@code null}
 */
public record Detections(
    float[] boxes,
    float[] scores,
    int[] labels,
    float[][] masks,
    int maskHeight,
    int maskWidth,
    float[] keypoints,
    float[] keypointScores,
    int numKeypoints) {

  public Detections {
    if (boxes.length != 4 * scores.length || labels.length != scores.length) {
      throw new IllegalArgumentException(
          "detections need 4 box coordinates, a score and a label each: " + boxes.length + ", "
              + scores.length + ", " + labels.length);
    }
  }

  /** Boxes, scores and labels only. */
  public static Detections boxes(float[] boxes, float[] scores, int[] labels) {
    return new Detections(boxes, scores, labels, null, 0, 0, null, null, 0);
  }

  public int count() {
    return scores.length;
  }

  /** The same detections with mask probabilities. */
  public Detections withMasks(float[][] newMasks, int height, int width) {
    return new Detections(boxes, scores, labels, newMasks, height, width, keypoints, keypointScores, numKeypoints);
  }

  /** The same detections with keypoints. */
  public Detections withKeypoints(float[] newKeypoints, float[] newScores, int count) {
    return new Detections(boxes, scores, labels, masks, maskHeight, maskWidth, newKeypoints, newScores, count);
  }

  /** The same detections with other boxes (e.g. mapped back to the original image). */
  public Detections withBoxes(float[] newBoxes) {
    return new Detections(newBoxes, scores, labels, masks, maskHeight, maskWidth, keypoints, keypointScores, numKeypoints);
  }
}
