package io.ticketlab.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian access to byte arrays and LEB128 variable-length integers. */
final class Bytes {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Bytes() {}

  static void putInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  static int getInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  static void putShort(byte[] b, int off, short v) {
    SHORT.set(b, off, v);
  }

  static short getShort(byte[] b, int off) {
    return (short) SHORT.get(b, off);
  }

  static void putLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  static long getLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  /** Bytes that {@link Writer#varint} needs for a non-negative value. */
  static int varintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** A growable little-endian byte sink. */
  static final class Writer {
    private byte[] buf;
    private int pos;

    Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int extra) {
      if (pos + extra > buf.length) {
        long want = Math.max((long) buf.length * 2, (long) pos + extra);
        if (want > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("payload larger than 2 GiB");
        }
        buf = java.util.Arrays.copyOf(buf, (int) want);
      }
    }

    void u8(int v) {
      ensure(1);
      buf[pos++] = (byte) v;
    }

    void u16(int v) {
      ensure(2);
      putShort(buf, pos, (short) v);
      pos += 2;
    }

    void i32(int v) {
      ensure(4);
      putInt(buf, pos, v);
      pos += 4;
    }

    void i64(long v) {
      ensure(8);
      putLong(buf, pos, v);
      pos += 8;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void bytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, pos, len);
      pos += len;
    }

    /** Raw bits of floats, little-endian. */
    void floatBits(float[] values, int off, int len) {
      ensure(4 * len);
      for (int i = 0; i < len; i++) {
        putInt(buf, pos, Float.floatToRawIntBits(values[off + i]));
        pos += 4;
      }
    }

    int position() {
      return pos;
    }

    byte[] toByteArray() {
      return pos == buf.length ? buf : java.util.Arrays.copyOf(buf, pos);
    }
  }

  /** A bounds-checked little-endian reader over a slice of a byte array. */
  static final class Reader {
    private final byte[] buf;
    private final int end;
    private int pos;

    Reader(byte[] buf, int off, int len) {
      this.buf = buf;
      this.pos = off;
      this.end = off + len;
    }

    int position() {
      return pos;
    }

    int remaining() {
      return end - pos;
    }

    byte[] array() {
      return buf;
    }

    void need(long n, String what) {
      if (n < 0 || n > end - pos) {
        throw new PayloadException(what + " needs " + n + " bytes, " + (end - pos) + " left");
      }
    }

    void skip(int n, String what) {
      need(n, what);
      pos += n;
    }

    int u8(String what) {
      need(1, what);
      return buf[pos++] & 0xFF;
    }

    int u16(String what) {
      need(2, what);
      int v = getShort(buf, pos) & 0xFFFF;
      pos += 2;
      return v;
    }

    int i32(String what) {
      need(4, what);
      int v = getInt(buf, pos);
      pos += 4;
      return v;
    }

    long i64(String what) {
      need(8, what);
      long v = getLong(buf, pos);
      pos += 8;
      return v;
    }

    long varint(String what) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8(what);
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new PayloadException(what + ": variable-length integer longer than 10 bytes");
    }

    /** A varint that must lie in [0, max]. */
    int varintAtMost(long max, String what) {
      long v = varint(what);
      if (v < 0 || v > max) {
        throw new PayloadException(what + " is " + v + ", expected 0.." + max);
      }
      return (int) v;
    }

    void expectEnd(String what) {
      if (pos != end) {
        throw new PayloadException((end - pos) + " unexpected bytes after " + what);
      }
    }
  }
}
