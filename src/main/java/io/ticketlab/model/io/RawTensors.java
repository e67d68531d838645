package io.ticketlab.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decoding and encoding of raw tensor bytes, and the gather that turns a strided view of a storage
 * into row-major values. Also the float16/bfloat16 conversions, written out here because Java 17
 * has none.
 */
final class RawTensors {
  private RawTensors() {}

  /**
   * Decodes {@code count} elements of {@code dtype} from {@code bytes} at {@code byteOffset} into
   * the primitive array that {@link StoredTensor} uses for that dtype. The caller checks bounds.
   */
  static Object decode(byte[] bytes, int byteOffset, int count, DType dtype, ByteOrder order) {
    ByteBuffer b = ByteBuffer.wrap(bytes, byteOffset, count * dtype.byteSize()).order(order);
    switch (dtype) {
      case FLOAT32 -> {
        float[] out = new float[count];
        b.asFloatBuffer().get(out);
        return out;
      }
      case FLOAT16 -> {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
          out[i] = halfToFloat(b.getShort());
        }
        return out;
      }
      case BFLOAT16 -> {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
          out[i] = bfloat16ToFloat(b.getShort());
        }
        return out;
      }
      case FLOAT64 -> {
        double[] out = new double[count];
        b.asDoubleBuffer().get(out);
        return out;
      }
      case INT64 -> {
        long[] out = new long[count];
        b.asLongBuffer().get(out);
        return out;
      }
      case INT32 -> {
        int[] out = new int[count];
        b.asIntBuffer().get(out);
        return out;
      }
      case INT16 -> {
        short[] out = new short[count];
        b.asShortBuffer().get(out);
        return out;
      }
      case INT8, UINT8 -> {
        byte[] out = new byte[count];
        b.get(out);
        return out;
      }
      case BOOL -> {
        boolean[] out = new boolean[count];
        for (int i = 0; i < count; i++) {
          out[i] = b.get() != 0;
        }
        return out;
      }
      default -> throw new AssertionError(dtype);
    }
  }

  /** The values of {@code t} as raw bytes of its own dtype (half types narrowed back exactly). */
  static byte[] encode(StoredTensor t, ByteOrder order) {
    int n = t.numel();
    ByteBuffer b = ByteBuffer.allocate(n * t.dtype().byteSize()).order(order);
    switch (t.dtype()) {
      case FLOAT32 -> b.asFloatBuffer().put(t.floats());
      case FLOAT16 -> {
        for (float v : t.floats()) {
          b.putShort(floatToHalf(v));
        }
      }
      case BFLOAT16 -> {
        for (float v : t.floats()) {
          b.putShort(floatToBfloat16(v));
        }
      }
      case FLOAT64 -> b.asDoubleBuffer().put(t.doubles());
      case INT64 -> b.asLongBuffer().put(t.longs());
      case INT32 -> b.asIntBuffer().put(t.ints());
      case INT16 -> b.asShortBuffer().put(t.shorts());
      case INT8, UINT8 -> b.put(t.bytes());
      case BOOL -> {
        for (boolean v : t.booleans()) {
          b.put((byte) (v ? 1 : 0));
        }
      }
      default -> throw new AssertionError(t.dtype());
    }
    return b.array();
  }

  /**
   * The elements of the view {@code (offset, size, stride)} of {@code storage} (a primitive array
   * of {@code storageNumel} elements) in row-major order; null when the view reaches outside the
   * storage. A contiguous view of the whole storage returns the storage array itself (no copy);
   * any other view is copied.
   */
  static Object gather(Object storage, int storageNumel, long offset, int[] size, long[] stride) {
    long numel = 1;
    for (int d : size) {
      numel *= d;
    }
    Class<?> type = storage.getClass().getComponentType();
    if (numel > Integer.MAX_VALUE) {
      return null;
    }
    if (numel == 0) {
      return offset >= 0 && offset <= storageNumel ? java.lang.reflect.Array.newInstance(type, 0)
          : null;
    }
    long last = offset;
    boolean contiguous = true;
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (stride[d] < 0) {
        return null;
      }
      last += (size[d] - 1) * stride[d];
      if (size[d] != 1 && stride[d] != expected) {
        contiguous = false;
      }
      expected *= size[d];
    }
    if (offset < 0 || last >= storageNumel) {
      return null;
    }
    if (contiguous && offset == 0 && numel == storageNumel) {
      return storage;
    }
    Object out = java.lang.reflect.Array.newInstance(type, (int) numel);
    if (contiguous) {
      System.arraycopy(storage, (int) offset, out, 0, (int) numel);
      return out;
    }
    int[] index = new int[(int) numel];
    int[] counter = new int[size.length];
    long position = offset;
    for (int i = 0; i < index.length; i++) {
      index[i] = (int) position;
      for (int d = size.length - 1; d >= 0; d--) {
        if (++counter[d] < size[d]) {
          position += stride[d];
          break;
        }
        position -= (size[d] - 1) * stride[d];
        counter[d] = 0;
      }
    }
    copyIndexed(storage, index, out);
    return out;
  }

  private static void copyIndexed(Object from, int[] index, Object to) {
    if (from instanceof float[] f) {
      float[] t = (float[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof double[] f) {
      double[] t = (double[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof long[] f) {
      long[] t = (long[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof int[] f) {
      int[] t = (int[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof short[] f) {
      short[] t = (short[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof byte[] f) {
      byte[] t = (byte[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else if (from instanceof boolean[] f) {
      boolean[] t = (boolean[]) to;
      for (int i = 0; i < index.length; i++) {
        t[i] = f[index[i]];
      }
    } else {
      throw new AssertionError(from.getClass());
    }
  }

  /** IEEE 754 binary16 bits to float (exact). */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Float to IEEE 754 binary16 bits, rounding to nearest even; overflow gives infinity. */
  static short floatToHalf(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exponent = (f >>> 23) & 0xff;
    int mantissa = f & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 112;
    if (e >= 31) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mantissa |= 0x800000;
      int shift = 14 - e;
      int m = mantissa >>> shift;
      int rest = mantissa & ((1 << shift) - 1);
      int half = 1 << (shift - 1);
      if (rest > half || (rest == half && (m & 1) != 0)) {
        m++;
      }
      return (short) (sign | m);
    }
    int m = mantissa >>> 13;
    int rest = mantissa & 0x1fff;
    int h = sign | (e << 10) | m;
    if (rest > 0x1000 || (rest == 0x1000 && (m & 1) != 0)) {
      h++;
    }
    return (short) h;
  }

  /** bfloat16 bits to float (exact). */
  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Float to bfloat16 bits, rounding to nearest even; NaN stays NaN. */
  static short floatToBfloat16(float value) {
    int f = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((f >>> 16) | 0x40);
    }
    return (short) ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16);
  }
}
