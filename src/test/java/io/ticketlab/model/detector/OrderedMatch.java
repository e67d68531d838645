package io.ticketlab.model.detector;

/**
 * Compares two score-ordered box lists the way parity with another float32 implementation can
 * demand: entry i must match entry i (boxes within {@code boxTolerance}, scores within {@code
 * scoreTolerance}), except that inside a block of consecutive expected entries whose scores differ
 * by at most {@code tieTolerance} the order is free (rounding may swap nearly tied scores).
 */
final class OrderedMatch {
  private OrderedMatch() {}

  /** The number of expected entries with no partner (0 = same list, same order up to ties). */
  static int unmatched(
      float[] actualBoxes, float[] actualScores, float[] expectedBoxes, float[] expectedScores,
      float boxTolerance, float scoreTolerance, float tieTolerance) {
    return unmatched(actualBoxes, actualScores, null, expectedBoxes, expectedScores, null,
        boxTolerance, scoreTolerance, tieTolerance);
  }

  /** As above, partners must also have the same label when labels are given. */
  static int unmatched(
      float[] actualBoxes, float[] actualScores, int[] actualLabels,
      float[] expectedBoxes, float[] expectedScores, int[] expectedLabels,
      float boxTolerance, float scoreTolerance, float tieTolerance) {
    int n = expectedScores.length;
    if (actualScores.length != n) {
      return Math.abs(actualScores.length - n) + n;
    }
    boolean[] used = new boolean[n];
    int missing = 0;
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && Math.abs(expectedScores[end - 1] - expectedScores[end]) <= tieTolerance) {
        end++;
      }
      for (int e = start; e < end; e++) {
        boolean found = false;
        for (int a = start; a < end && !found; a++) {
          if (!used[a] && (actualLabels == null || actualLabels[a] == expectedLabels[e])
              && close(actualBoxes, a, expectedBoxes, e, boxTolerance)
              && Math.abs(actualScores[a] - expectedScores[e]) <= scoreTolerance) {
            used[a] = true;
            found = true;
          }
        }
        if (!found) {
          missing++;
        }
      }
      start = end;
    }
    return missing;
  }

  private static boolean close(float[] a, int i, float[] b, int j, float tolerance) {
    for (int k = 0; k < 4; k++) {
      if (!(Math.abs(a[4 * i + k] - b[4 * j + k]) <= tolerance)) {
        return false;
      }
    }
    return true;
  }
}
