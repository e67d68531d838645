package io.ticketlab.model.io;

import io.ticketlab.common.FloatTensor;
import java.util.Arrays;

/**
 * A pruning mask for one tensor, one bit per weight (1 = kept, 0 = pruned), in row-major order:
 * bit {@code i} is bit {@code i % 64} of {@code words[i / 64]}. Bits past the last element are
 * zero. The array is not copied: treat it as read-only once shared.
 */
public record BitMask(int[] shape, long[] words) {

  public BitMask {
    long n = FloatTensor.numel(shape);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Mask too large: " + Arrays.toString(shape));
    }
    if (words.length != wordsFor((int) n)) {
      throw new IllegalArgumentException("Mask of shape " + Arrays.toString(shape) + " needs "
          + wordsFor((int) n) + " words, got " + words.length);
    }
    if (n % 64 != 0 && (words[words.length - 1] >>> (n % 64)) != 0) {
      throw new IllegalArgumentException("Mask has bits set past its last element");
    }
  }

  static int wordsFor(int n) {
    return (n + 63) / 64;
  }

  /** A mask that keeps everything. */
  public static BitMask ones(int... shape) {
    int n = (int) FloatTensor.numel(shape);
    long[] words = new long[wordsFor(n)];
    Arrays.fill(words, -1L);
    if (n % 64 != 0) {
      words[words.length - 1] = (1L << (n % 64)) - 1;
    }
    return new BitMask(shape.clone(), words);
  }

  /** A mask from booleans in row-major order. */
  public static BitMask ofBooleans(int[] shape, boolean[] keep) {
    if (FloatTensor.numel(shape) != keep.length) {
      throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " holds "
          + FloatTensor.numel(shape) + " values, got " + keep.length);
    }
    long[] words = new long[wordsFor(keep.length)];
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        words[i >>> 6] |= 1L << (i & 63);
      }
    }
    return new BitMask(shape.clone(), words);
  }

  /** The mask that keeps the non-zero entries of {@code t}. */
  public static BitMask ofNonZero(FloatTensor t) {
    boolean[] keep = new boolean[t.size()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = t.data()[i] != 0f;
    }
    return ofBooleans(t.shape(), keep);
  }

  /** Number of elements. */
  public int size() {
    return (int) FloatTensor.numel(shape);
  }

  /** Whether element {@code i} (row-major) is kept. */
  public boolean get(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException(i);
    }
    return (words[i >>> 6] & (1L << (i & 63))) != 0;
  }

  /** Number of kept elements. */
  public long countOnes() {
    long c = 0;
    for (long w : words) {
      c += Long.bitCount(w);
    }
    return c;
  }

  /** The bits as booleans in row-major order. */
  public boolean[] toBooleans() {
    boolean[] out = new boolean[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (words[i >>> 6] & (1L << (i & 63))) != 0;
    }
    return out;
  }

  /** The mask as 1/0 floats, ready to multiply with weights. */
  public FloatTensor toFloat() {
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (words[i >>> 6] & (1L << (i & 63))) != 0 ? 1f : 0f;
    }
    return new FloatTensor(shape, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BitMask m && Arrays.equals(shape, m.shape) && Arrays.equals(words, m.words);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "BitMask" + Arrays.toString(shape) + "(" + countOnes() + " of " + size() + " kept)";
  }
}
