package io.ticketlab.analysis.keypoints;

/**
 * The analysis of one detection (area range "all").
 *
 * @param resultIndex 0-based index in the results file
 * @param imageId its image
 * @param score its original score
 * @param optimalScore the rescored confidence (best OKS, then soft-NMS)
 * @param maxOks its best OKS with a non-ignored GT after the keypoint corrections
 * @param errors per keypoint, its class, or null where the detection was not matched (then the
 *     whole array is null) or the matched GT does not label that keypoint
 * @param correctedKeypoints the corrected {@code [x, y, v]} triplets, null when not matched
 */
public record KeypointDetectionErrors(
    int resultIndex,
    long imageId,
    double score,
    double optimalScore,
    double maxOks,
    KeypointError[] errors,
    double[] correctedKeypoints) {

  /** Whether the detection was matched to a GT with labelled keypoints and analysed. */
  public boolean analysed() {
    return errors != null;
  }
}
