package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/** The zero pattern of stored tensors: a position is non-zero when its float has any bit set. */
public final class Masks {
  private Masks() {}

  /** Whether {@code v} is stored as a value (true for {@code -0.0f} and NaN). */
  public static boolean isNonZero(float v) {
    return Float.floatToRawIntBits(v) != 0;
  }

  /** Number of non-zero positions of {@code data[from, to)}. */
  public static int countNonZero(float[] data, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (Float.floatToRawIntBits(data[i]) != 0) {
        n++;
      }
    }
    return n;
  }

  /** Number of non-zero positions of a tensor. */
  public static int countNonZero(FloatTensor t) {
    return countNonZero(t.data(), 0, t.data().length);
  }

  /** Binary entropy H(p) in bits; 0 at p = 0 and p = 1. */
  public static double binaryEntropy(double p) {
    if (p <= 0 || p >= 1) {
      return 0;
    }
    return -(p * Math.log(p) + (1 - p) * Math.log1p(-p)) / Math.log(2);
  }

  /**
   * The entropy bound of a tensor in bits: n·H(density) for the mask plus 32 bits per non-zero
   * value.
   */
  public static double entropyBoundBits(long numel, long nonZero) {
    if (numel == 0) {
      return 0;
    }
    return numel * binaryEntropy((double) nonZero / numel) + 32.0 * nonZero;
  }
}
