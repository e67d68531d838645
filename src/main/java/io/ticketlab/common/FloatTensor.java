package io.ticketlab.common;

import java.util.Arrays;

/**
 * A float32 tensor held in Java memory: a shape and its values in row-major (C) order. The common
 * currency of the pure-Java parts (checkpoint files, masks, sparse storage) before anything reaches
 * the native engine. The arrays are not copied: treat them as read-only once shared.
 */
public record FloatTensor(int[] shape, float[] data) {

  public FloatTensor {
    if (shape == null || data == null) {
      throw new IllegalArgumentException("shape and data must not be null");
    }
    long n = numel(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
    }
  }

  /** A tensor of zeros. */
  public static FloatTensor zeros(int... shape) {
    long n = numel(shape);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Tensor too large: " + Arrays.toString(shape));
    }
    return new FloatTensor(shape.clone(), new float[(int) n]);
  }

  /** Number of elements of a shape; throws on negative dimensions. */
  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    return n;
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** Number of exact zeros (both signs). */
  public int countZeros() {
    int z = 0;
    for (float v : data) {
      if (v == 0f) {
        z++;
      }
    }
    return z;
  }

  /** The shape as text, e.g. {@code [64, 3, 7, 7]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + shapeString();
  }
}
