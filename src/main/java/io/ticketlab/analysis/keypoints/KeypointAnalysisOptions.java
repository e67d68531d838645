package io.ticketlab.analysis.keypoints;

/**
 * Variants of the keypoint analysis. {@link #cocoAnalyze()} reproduces coco-analyze exactly; the
 * two switches give the textbook behaviour instead of a documented quirk.
 *
 * @param textbookCorrections move a corrected keypoint by {@code sqrt(-ln t · 2 · area · (2σ)²)},
 *     so that its keypoint similarity is t itself (0.85 for jitter, 0.5 for miss) rather than
 *     coco-analyze's t^¼ (which comes from using σ² where OKS uses (2σ)²)
 * @param falseNegativeRowsInOrder report the false-negative step's AP at the OKS threshold where
 *     it was computed, rather than coco-analyze's reversed labels (its row-order bug)
 */
public record KeypointAnalysisOptions(boolean textbookCorrections, boolean falseNegativeRowsInOrder) {

  /** coco-analyze 9eb8a0a's behaviour, quirks included (the default). */
  public static KeypointAnalysisOptions cocoAnalyze() {
    return new KeypointAnalysisOptions(false, false);
  }

  /** Both quirks replaced by the textbook behaviour. */
  public static KeypointAnalysisOptions textbook() {
    return new KeypointAnalysisOptions(true, true);
  }
}
