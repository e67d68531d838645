package io.ticketlab.common;

/**
 * Public helper for the evaluators: summation in numpy's order (pairwise, with 8 partial sums per block of up to 128 values), so
 * that means equal numpy's to the last bit rather than only approximately.
 */
public final class NumpyMath {
  private static final int BLOCK = 128;

  private NumpyMath() {}

  /** {@code np.sum} of {@code a[from, from + n)}. */
  public static double sum(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else if (n <= BLOCK) {
      double r0 = a[from];
      double r1 = a[from + 1];
      double r2 = a[from + 2];
      double r3 = a[from + 3];
      double r4 = a[from + 4];
      double r5 = a[from + 5];
      double r6 = a[from + 6];
      double r7 = a[from + 7];
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        r0 += a[from + i];
        r1 += a[from + i + 1];
        r2 += a[from + i + 2];
        r3 += a[from + i + 3];
        r4 += a[from + i + 4];
        r5 += a[from + i + 5];
        r6 += a[from + i + 6];
        r7 += a[from + i + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return sum(a, from, n2) + sum(a, from + n2, n - n2);
    }
  }

  /** {@code np.mean} of the values, or -1 when there are none (COCO's "undefined"). */
  /** {@code np.mean} of the whole array. */
  public static double mean(double[] a) {
    return sum(a, 0, a.length) / a.length;
  }

  public static double meanOrMinusOne(double[] values, int n) {
    if (n == 0) {
      return -1;
    }
    return sum(values, 0, n) / n;
  }
}
