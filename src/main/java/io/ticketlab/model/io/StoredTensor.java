package io.ticketlab.model.io;

import io.ticketlab.common.FloatTensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as a checkpoint file holds it: its dtype, its shape and its values in row-major (C)
 * order, kept in a primitive array of the matching Java type:
 *
 * <ul>
 *   <li>{@code float[]} for float32, float16 and bfloat16 (half types are widened when read, and
 *       narrowed again, exactly, when written);
 *   <li>{@code double[]} for float64, {@code long[]} for int64, {@code int[]} for int32,
 *       {@code short[]} for int16;
 *   <li>{@code byte[]} for int8 and uint8 (uint8 read as {@code b & 0xff});
 *   <li>{@code boolean[]} for bool.
 * </ul>
 *
 * A shape of length 0 is a scalar with one value (e.g. BatchNorm's int64 {@code
 * num_batches_tracked}). The arrays are not copied: treat them as read-only once shared.
 */
public record StoredTensor(DType dtype, int[] shape, Object data) {

  public StoredTensor {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    Class<?> expected = arrayClass(dtype);
    if (data.getClass() != expected) {
      throw new IllegalArgumentException(
          dtype.id() + " tensor needs " + expected.getSimpleName() + " data, got "
              + data.getClass().getSimpleName());
    }
    long n = FloatTensor.numel(shape);
    int length = java.lang.reflect.Array.getLength(data);
    if (n != length) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + length);
    }
  }

  /** The Java array class that holds values of {@code dtype}. */
  static Class<?> arrayClass(DType dtype) {
    return switch (dtype) {
      case FLOAT32, FLOAT16, BFLOAT16 -> float[].class;
      case FLOAT64 -> double[].class;
      case INT64 -> long[].class;
      case INT32 -> int[].class;
      case INT16 -> short[].class;
      case INT8, UINT8 -> byte[].class;
      case BOOL -> boolean[].class;
    };
  }

  /** A float32 tensor sharing the arrays of {@code t}. */
  public static StoredTensor of(FloatTensor t) {
    return new StoredTensor(DType.FLOAT32, t.shape(), t.data());
  }

  /** A float tensor (float32, float16 or bfloat16 on disk). */
  public static StoredTensor ofFloats(DType dtype, int[] shape, float[] values) {
    return new StoredTensor(dtype, shape, values);
  }

  /** An int64 tensor. */
  public static StoredTensor ofLongs(int[] shape, long... values) {
    return new StoredTensor(DType.INT64, shape, values);
  }

  /** An int64 scalar (shape {@code []}). */
  public static StoredTensor scalarLong(long value) {
    return new StoredTensor(DType.INT64, new int[0], new long[] {value});
  }

  /** A bool tensor. */
  public static StoredTensor ofBooleans(int[] shape, boolean... values) {
    return new StoredTensor(DType.BOOL, shape, values);
  }

  /** Number of elements (1 for a scalar). */
  public int numel() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** Whether this is a scalar (shape {@code []}). */
  public boolean isScalar() {
    return shape.length == 0;
  }

  /** The shape as text, e.g. {@code [64, 3, 7, 7]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** The values of a float32/float16/bfloat16 tensor. */
  public float[] floats() {
    return (float[]) as(float[].class);
  }

  /** The values of a float64 tensor. */
  public double[] doubles() {
    return (double[]) as(double[].class);
  }

  /** The values of an int64 tensor. */
  public long[] longs() {
    return (long[]) as(long[].class);
  }

  /** The values of an int32 tensor. */
  public int[] ints() {
    return (int[]) as(int[].class);
  }

  /** The values of an int16 tensor. */
  public short[] shorts() {
    return (short[]) as(short[].class);
  }

  /** The raw values of an int8 or uint8 tensor (for uint8 read them as {@code b & 0xff}). */
  public byte[] bytes() {
    return (byte[]) as(byte[].class);
  }

  /** The values of a bool tensor. */
  public boolean[] booleans() {
    return (boolean[]) as(boolean[].class);
  }

  private Object as(Class<?> type) {
    if (data.getClass() != type) {
      throw new IllegalStateException(
          "A " + dtype.id() + " tensor has no " + type.getSimpleName() + " view");
    }
    return data;
  }

  /** Value {@code i} (row-major) as a double, whatever the dtype (bool: 1 or 0). */
  public double getDouble(int i) {
    return switch (dtype) {
      case FLOAT32, FLOAT16, BFLOAT16 -> ((float[]) data)[i];
      case FLOAT64 -> ((double[]) data)[i];
      case INT64 -> ((long[]) data)[i];
      case INT32 -> ((int[]) data)[i];
      case INT16 -> ((short[]) data)[i];
      case INT8 -> ((byte[]) data)[i];
      case UINT8 -> ((byte[]) data)[i] & 0xff;
      case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
    };
  }

  /**
   * The values as float32. Shares the array for float32/float16/bfloat16 tensors; converts (and may
   * round) other dtypes: int64 values beyond 2^24 lose precision.
   */
  public FloatTensor toFloat() {
    if (data instanceof float[] f) {
      return new FloatTensor(shape, f);
    }
    float[] out = new float[numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) getDouble(i);
    }
    return new FloatTensor(shape, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredTensor t
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && Objects.deepEquals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
  }

  @Override
  public String toString() {
    return "StoredTensor[" + dtype.id() + " " + shapeString() + "]";
  }
}
