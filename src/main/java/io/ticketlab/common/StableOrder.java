package io.ticketlab.common;

/**
 * Stable descending orders, numpy's {@code argsort(-x, kind='mergesort')} and Python's {@code
 * sort(key=lambda p: -p.score)}: equal values keep their original order. Both reference tools
 * resolve score ties this way, and the APs depend on it.
 */
public final class StableOrder {
  private StableOrder() {}

  /** Indices {@code 0..n-1} ordered by descending value, ties in index order. */
  public static int[] descending(double[] values) {
    int n = values.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    sortDescending(values, idx, 0, n, new int[n]);
    return idx;
  }

  /**
   * Sorts {@code idx[from, to)} in place by descending {@code keys[idx[i]]}, stably; {@code tmp}
   * is scratch space at least as long as {@code idx}.
   */
  public static void sortDescending(double[] keys, int[] idx, int from, int to, int[] tmp) {
    int n = to - from;
    if (n <= 16) {
      for (int i = from + 1; i < to; i++) {
        int x = idx[i];
        double key = keys[x];
        int j = i - 1;
        while (j >= from && keys[idx[j]] < key) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sortDescending(keys, idx, from, mid, tmp);
    sortDescending(keys, idx, mid, to, tmp);
    if (keys[idx[mid - 1]] >= keys[idx[mid]]) {
      return;
    }
    System.arraycopy(idx, from, tmp, from, n);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      if (keys[tmp[j]] > keys[tmp[i]]) {
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
