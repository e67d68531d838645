package io.ticketlab.analysis.tide;

/**
 * TIDE's own AP (tidecv's {@code APDataObject} / {@code ClassedAPDataObject}), which differs from
 * COCOeval on purpose: one IoU threshold; per class, the points are stably sorted by descending
 * score <em>in the order they were pushed</em>; precision is {@code tp / (tp + fp)} with no
 * epsilon; the envelope is a running maximum from the end, sampled with {@code searchsorted(...,
 * 'left')} at recalls {@code x / 100} (not COCOeval's {@code x * 0.01}); AP is the mean of the 101
 * samples × 100. The mAP averages every class that has GT or points; a class with points but no GT
 * scores 0, a class with neither ("empty") leaves the mean.
 *
 * <p>The caller gives the points already in their final order (all classes interleaved): the
 * subsequence of one class must be that class's stably sorted order. {@link Tide} builds it from
 * one global sort, so each AP costs linear time.
 */
final class TideAp {
  private TideAp() {}

  /**
   * The mAP in percent.
   *
   * @param order point ids in sorted order; only the first {@code n} are used
   * @param n the number of points
   * @param classOf the class of each point id
   * @param truePositive whether each point id is a true positive
   * @param gtCount the GT count of each class
   */
  static double meanAp(int[] order, int n, int[] classOf, boolean[] truePositive, int[] gtCount) {
    int numClasses = gtCount.length;
    int[] start = new int[numClasses + 1];
    for (int i = 0; i < n; i++) {
      start[classOf[order[i]] + 1]++;
    }
    for (int c = 0; c < numClasses; c++) {
      start[c + 1] += start[c];
    }
    int[] fill = java.util.Arrays.copyOf(start, numClasses);
    long[] tp = new long[numClasses];
    long[] fp = new long[numClasses];
    double[] precision = new double[n];
    double[] recall = new double[n];
    for (int i = 0; i < n; i++) {
      int p = order[i];
      int c = classOf[p];
      if (truePositive[p]) {
        tp[c]++;
      } else {
        fp[c]++;
      }
      int k = fill[c]++;
      precision[k] = (double) tp[c] / (double) (tp[c] + fp[c]);
      recall[k] = (double) tp[c] / (double) gtCount[c];
    }
    double sum = 0;
    int included = 0;
    for (int c = 0; c < numClasses; c++) {
      int from = start[c];
      int to = start[c + 1];
      if (from == to && gtCount[c] == 0) {
        continue; // empty class: leaves the mean
      }
      included++;
      if (gtCount[c] == 0) {
        continue; // AP 0
      }
      sum += classAp(precision, recall, from, to);
    }
    return included == 0 ? 0 : sum / included;
  }

  private static double classAp(double[] precision, double[] recall, int from, int to) {
    for (int j = to - 1; j > from; j--) {
      if (precision[j] > precision[j - 1]) {
        precision[j - 1] = precision[j];
      }
    }
    double sum = 0;
    int j = from;
    for (int r = 0; r <= 100; r++) {
      double x = r / 100.0;
      while (j < to && recall[j] < x) {
        j++;
      }
      if (j < to) {
        sum += precision[j];
      }
    }
    return sum / 101 * 100;
  }
}
