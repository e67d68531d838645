package io.ticketlab.analysis.keypoints;

/**
 * The class of one detected keypoint, from its keypoint similarity ks with every person of the
 * image (original and left/right-flipped): let m be the largest ks and a the candidate that gives
 * it (the matched GT, its flip, or another person).
 */
public enum KeypointError {
  /** m &gt; 0.85 on the matched GT. */
  GOOD("good"),
  /** 0.5 ≤ m &lt; 0.85 on the matched GT: a small localisation error. */
  JITTER("jitter"),
  /** m ≥ 0.5 on the matched GT's flip: left and right confused. */
  INVERSION("inversion"),
  /** m ≥ 0.5 on another person (original or flipped). */
  SWAP("swap"),
  /** m &lt; 0.5: the keypoint is nowhere near a person's keypoint. */
  MISS("miss");

  private final String jsonName;

  KeypointError(String jsonName) {
    this.jsonName = jsonName;
  }

  /** coco-analyze's name ({@code "good"}, {@code "jitter"}, ...). */
  public String jsonName() {
    return jsonName;
  }
}
