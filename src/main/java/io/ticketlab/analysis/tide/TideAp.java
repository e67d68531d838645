package io.ticketlab.analysis.tide;

import io.ticketlab.analysis.StableOrder;
import java.util.Arrays;

/**
 * TIDE's own AP (tidecv's {@code APDataObject} / {@code ClassedAPDataObject}), which differs from
 * COCOeval on purpose: one IoU threshold; per class, the points are stably sorted by descending
 * score <em>in the order they were pushed</em>; precision is {@code tp / (tp + fp)} with no
 * epsilon; the envelope is a running maximum from the end, sampled with {@code searchsorted(...,
 * 'left')} at recalls {@code x / 100} (not COCOeval's {@code x * 0.01}); AP is the mean of the 101
 * samples × 100. The mAP averages every class that has GT or points; a class with points but no GT
 * scores 0, a class with neither ("empty") leaves the mean.
 */
final class TideAp {
  private int size;
  private int[] classes = new int[16];
  private double[] scores = new double[16];
  private boolean[] positives = new boolean[16];

  TideAp(int capacity) {
    int c = Math.max(16, capacity);
    classes = new int[c];
    scores = new double[c];
    positives = new boolean[c];
  }

  /** Pushes one point (a detection) of class {@code c}. */
  void push(int c, double score, boolean truePositive) {
    if (size == classes.length) {
      int n = size * 2;
      classes = Arrays.copyOf(classes, n);
      scores = Arrays.copyOf(scores, n);
      positives = Arrays.copyOf(positives, n);
    }
    classes[size] = c;
    scores[size] = score;
    positives[size] = truePositive;
    size++;
  }

  int size() {
    return size;
  }

  /** The mAP in percent over the classes that are not empty, given the GT count of each class. */
  double meanAp(int[] gtCount) {
    int numClasses = gtCount.length;
    int[] start = new int[numClasses + 1];
    for (int i = 0; i < size; i++) {
      start[classes[i] + 1]++;
    }
    for (int c = 0; c < numClasses; c++) {
      start[c + 1] += start[c];
    }
    int[] fill = Arrays.copyOf(start, numClasses);
    int[] byClass = new int[size];
    for (int i = 0; i < size; i++) {
      byClass[fill[classes[i]]++] = i;
    }
    int[] tmp = new int[size];
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
      StableOrder.sortDescending(scores, byClass, from, to, tmp);
      sum += classAp(byClass, from, to, gtCount[c]);
    }
    return included == 0 ? 0 : sum / included;
  }

  private double classAp(int[] order, int from, int to, int numGt) {
    int m = to - from;
    double[] precision = new double[m];
    double[] recall = new double[m];
    long tp = 0;
    long fp = 0;
    for (int j = 0; j < m; j++) {
      if (positives[order[from + j]]) {
        tp++;
      } else {
        fp++;
      }
      precision[j] = (double) tp / (double) (tp + fp);
      recall[j] = (double) tp / (double) numGt;
    }
    for (int j = m - 1; j > 0; j--) {
      if (precision[j] > precision[j - 1]) {
        precision[j - 1] = precision[j];
      }
    }
    double sum = 0;
    int j = 0;
    for (int r = 0; r <= 100; r++) {
      double x = r / 100.0;
      while (j < m && recall[j] < x) {
        j++;
      }
      if (j < m) {
        sum += precision[j];
      }
    }
    return sum / 101 * 100;
  }
}
