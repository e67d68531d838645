package io.ticketlab.model.boxes;

/**
 * torchvision's {@code Matcher}: each prediction (column of an IoU matrix [gt, predictions]) gets
 * the index of its best ground-truth box, {@link #BELOW_LOW_THRESHOLD} when that IoU is below
 * {@code low}, {@link #BETWEEN_THRESHOLDS} when it is in {@code [low, high)}. With {@code
 * allowLowQualityMatches}, predictions that are the best match of some ground-truth box (ties
 * included) keep their match whatever its IoU. Ties in a column go to the first ground-truth box.
 *
 * @param high IoU at or above which a match is foreground
 * @param low IoU below which a prediction is background
 * @param allowLowQualityMatches keep every ground truth's best predictions matched
 */
public record Matcher(float high, float low, boolean allowLowQualityMatches) {
  /** Match value of a prediction whose best IoU is below {@code low}. */
  public static final int BELOW_LOW_THRESHOLD = -1;

  /** Match value of a prediction whose best IoU is in {@code [low, high)}. */
  public static final int BETWEEN_THRESHOLDS = -2;

  public Matcher {
    if (low > high) {
      throw new IllegalArgumentException("Matcher low threshold " + low + " > high " + high);
    }
  }

  /** The RPN's matcher: 0.7 / 0.3 with low-quality matches. */
  public static Matcher rpn() {
    return new Matcher(0.7f, 0.3f, true);
  }

  /**
   * Matches of the {@code numPredictions} columns of {@code quality} (row-major [gt,
   * predictions]).
   */
  public int[] match(float[] quality, int numPredictions) {
    if (numPredictions == 0 || quality.length % numPredictions != 0 || quality.length == 0) {
      throw new IllegalArgumentException(
          "No ground-truth boxes or predictions to match: quality matrix of "
              + quality.length
              + " values for "
              + numPredictions
              + " predictions");
    }
    int g = quality.length / numPredictions;
    int[] matches = new int[numPredictions];
    int[] all = new int[numPredictions];
    for (int p = 0; p < numPredictions; p++) {
      int best = 0;
      float bestValue = quality[p];
      for (int i = 1; i < g; i++) {
        float v = quality[i * numPredictions + p];
        if (v > bestValue || Float.isNaN(v) && !Float.isNaN(bestValue)) {
          bestValue = v;
          best = i;
        }
      }
      all[p] = best;
      if (bestValue < low) {
        matches[p] = BELOW_LOW_THRESHOLD;
      } else if (bestValue < high) {
        matches[p] = BETWEEN_THRESHOLDS;
      } else {
        matches[p] = best;
      }
    }
    if (allowLowQualityMatches) {
      for (int i = 0; i < g; i++) {
        float rowMax = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < numPredictions; p++) {
          rowMax = Math.max(rowMax, quality[i * numPredictions + p]);
        }
        for (int p = 0; p < numPredictions; p++) {
          if (quality[i * numPredictions + p] == rowMax) {
            matches[p] = all[p];
          }
        }
      }
    }
    return matches;
  }
}
