package io.ticketlab.model.boxes;

/**
 * The order of {@code scores.sort(descending=True)} in torch 1.13 on CPU, ties included: that sort
 * is not stable, it is libstdc++'s {@code std::sort} (introsort: median-of-three quicksort down to
 * 16 elements, heap sort past a depth of 2·log2(n), then insertion sort) over (score, index) pairs
 * with the comparator {@code a > b || isnan(a) && !isnan(b)}. torchvision's NMS orders boxes with
 * it, so equal scores are visited in this order.
 */
public final class TorchSort {
  private static final int THRESHOLD = 16;

  private final float[] keys;
  private final int[] idx;

  private TorchSort(float[] values) {
    this.keys = values.clone();
    this.idx = new int[values.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
  }

  /** Indices of {@code values} in torch 1.13's descending CPU sort order. */
  public static int[] descendingIndices(float[] values) {
    TorchSort s = new TorchSort(values);
    int n = values.length;
    if (n > 1) {
      s.introsortLoop(0, n, 2 * (31 - Integer.numberOfLeadingZeros(n)));
      s.finalInsertionSort(0, n);
    }
    return s.idx;
  }

  private static boolean before(float a, float b) {
    return a > b || (Float.isNaN(a) && !Float.isNaN(b));
  }

  private boolean comp(int i, int j) {
    return before(keys[i], keys[j]);
  }

  private void swap(int i, int j) {
    float k = keys[i];
    keys[i] = keys[j];
    keys[j] = k;
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }

  private void introsortLoop(int first, int last, int depthLimit) {
    while (last - first > THRESHOLD) {
      if (depthLimit == 0) {
        heapSort(first, last);
        return;
      }
      --depthLimit;
      int cut = partitionPivot(first, last);
      introsortLoop(cut, last, depthLimit);
      last = cut;
    }
  }

  private int partitionPivot(int first, int last) {
    int mid = first + (last - first) / 2;
    moveMedianToFirst(first, first + 1, mid, last - 1);
    int lo = first + 1;
    int hi = last;
    while (true) {
      while (comp(lo, first)) {
        ++lo;
      }
      --hi;
      while (comp(first, hi)) {
        --hi;
      }
      if (!(lo < hi)) {
        return lo;
      }
      swap(lo, hi);
      ++lo;
    }
  }

  private void moveMedianToFirst(int result, int a, int b, int c) {
    if (comp(a, b)) {
      if (comp(b, c)) {
        swap(result, b);
      } else if (comp(a, c)) {
        swap(result, c);
      } else {
        swap(result, a);
      }
    } else if (comp(a, c)) {
      swap(result, a);
    } else if (comp(b, c)) {
      swap(result, c);
    } else {
      swap(result, b);
    }
  }

  private void finalInsertionSort(int first, int last) {
    if (last - first > THRESHOLD) {
      insertionSort(first, first + THRESHOLD);
      for (int i = first + THRESHOLD; i < last; i++) {
        unguardedLinearInsert(i);
      }
    } else {
      insertionSort(first, last);
    }
  }

  private void insertionSort(int first, int last) {
    for (int i = first + 1; i < last; i++) {
      if (comp(i, first)) {
        float k = keys[i];
        int v = idx[i];
        System.arraycopy(keys, first, keys, first + 1, i - first);
        System.arraycopy(idx, first, idx, first + 1, i - first);
        keys[first] = k;
        idx[first] = v;
      } else {
        unguardedLinearInsert(i);
      }
    }
  }

  private void unguardedLinearInsert(int last) {
    float k = keys[last];
    int v = idx[last];
    int next = last - 1;
    while (before(k, keys[next])) {
      keys[last] = keys[next];
      idx[last] = idx[next];
      last = next;
      --next;
    }
    keys[last] = k;
    idx[last] = v;
  }

  // libstdc++'s __make_heap + __sort_heap (the depth-limit fallback of introsort).
  private void heapSort(int first, int last) {
    int len = last - first;
    if (len >= 2) {
      for (int parent = (len - 2) / 2; ; parent--) {
        adjustHeap(first, parent, len, keys[first + parent], idx[first + parent]);
        if (parent == 0) {
          break;
        }
      }
    }
    while (last - first > 1) {
      --last;
      float k = keys[last];
      int v = idx[last];
      keys[last] = keys[first];
      idx[last] = idx[first];
      adjustHeap(first, 0, last - first, k, v);
    }
  }

  private void adjustHeap(int first, int hole, int len, float key, int value) {
    int top = hole;
    int child = hole;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (comp(first + child, first + child - 1)) {
        child--;
      }
      keys[first + hole] = keys[first + child];
      idx[first + hole] = idx[first + child];
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      keys[first + hole] = keys[first + child - 1];
      idx[first + hole] = idx[first + child - 1];
      hole = child - 1;
    }
    int parent = (hole - 1) / 2;
    while (hole > top && before(keys[first + parent], key)) {
      keys[first + hole] = keys[first + parent];
      idx[first + hole] = idx[first + parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    keys[first + hole] = key;
    idx[first + hole] = value;
  }
}
