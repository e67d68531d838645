package io.ticketlab.analysis.keypoints;

/**
 * The steps of coco-analyze's cumulative analysis, in order: the baseline, then each correction
 * applied on top of the previous ones.
 */
public enum KeypointAnalysisStep {
  BASELINE("baseline", "baseline"),
  MISS("miss", "miss"),
  SWAP("swap", "swap"),
  INVERSION("inversion", "inversion"),
  JITTER("jitter", "jitter"),
  /** Every detection rescored by its best OKS, then Gaussian soft-NMS. */
  SCORE("score", "score"),
  /** Detections still unmatched at a threshold are ignored there. */
  BACKGROUND_FALSE_POSITIVE("bckgd_false_pos", "bkg"),
  /** Ground truths still unmatched are ignored. */
  FALSE_NEGATIVE("false_neg", "fn");

  private final String toolName;
  private final String shortName;

  KeypointAnalysisStep(String toolName, String shortName) {
    this.toolName = toolName;
    this.shortName = shortName;
  }

  /** coco-analyze's name ({@code "bckgd_false_pos"}, ...). */
  public String toolName() {
    return toolName;
  }

  /** The CLI's JSON key ({@code "bkg"}, {@code "fn"}, ...). */
  public String shortName() {
    return shortName;
  }
}
