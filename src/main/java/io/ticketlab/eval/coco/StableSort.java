package io.ticketlab.eval.coco;

/**
 * numpy's {@code argsort(-x, kind='mergesort')}: indices ordering the values from highest to
 * lowest, equal values keeping their original order.
 */
final class StableSort {
  private StableSort() {}

  static int[] descending(double[] values) {
    int n = values.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (n < 2) {
      return idx;
    }
    int[] tmp = new int[n];
    sort(values, idx, tmp, 0, n);
    return idx;
  }

  private static void sort(double[] v, int[] idx, int[] tmp, int from, int to) {
    int n = to - from;
    if (n <= 16) {
      for (int i = from + 1; i < to; i++) {
        int x = idx[i];
        double key = v[x];
        int j = i - 1;
        while (j >= from && v[idx[j]] < key) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sort(v, idx, tmp, from, mid);
    sort(v, idx, tmp, mid, to);
    if (v[idx[mid - 1]] >= v[idx[mid]]) {
      return;
    }
    System.arraycopy(idx, from, tmp, from, n);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      if (v[tmp[j]] > v[tmp[i]]) {
        idx[k++] = tmp[j++];
      } else {
        idx[k++] = tmp[i++];
      }
    }
    while (i < mid) {
      idx[k++] = tmp[i++];
    }
    while (j < to) {
      idx[k++] = tmp[j++];
    }
  }
}
