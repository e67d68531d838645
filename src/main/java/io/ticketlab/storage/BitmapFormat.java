package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/** One bit per position (least significant bit first) followed by the non-zero float32 values. */
final class BitmapFormat implements SparseFormat {
  static final int ID = 3;

  @Override
  public String name() {
    return "bitmap";
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public StoredDtype storedDtype() {
    return StoredDtype.FLOAT32;
  }

  @Override
  public String description() {
    return "1 bit per position + the non-zero values";
  }

  @Override
  public byte[] encode(FloatTensor tensor) {
    float[] d = tensor.data();
    int nnz = Masks.countNonZero(d, 0, d.length);
    int maskBytes = (d.length + 7) >>> 3;
    byte[] out = new byte[maskBytes + 4 * nnz];
    int p = maskBytes;
    for (int i = 0; i < d.length; i++) {
      int bits = Float.floatToRawIntBits(d[i]);
      if (bits != 0) {
        out[i >>> 3] |= (byte) (1 << (i & 7));
        Bytes.putInt(out, p, bits);
        p += 4;
      }
    }
    return out;
  }

  @Override
  public float[] decode(byte[] buf, int off, int len, int[] shape) {
    int n = (int) FloatTensor.numel(shape);
    int maskBytes = (n + 7) >>> 3;
    if (len < maskBytes) {
      throw new PayloadException("bitmap needs " + maskBytes + " bytes, payload has " + len);
    }
    long nnz = 0;
    for (int i = 0; i < maskBytes; i++) {
      nnz += Integer.bitCount(buf[off + i] & 0xFF);
    }
    if ((n & 7) != 0 && (buf[off + maskBytes - 1] & 0xFF) >>> (n & 7) != 0) {
      throw new PayloadException("bits set past the end of the tensor");
    }
    if (len != maskBytes + 4 * nnz) {
      throw new PayloadException(
          "payload has " + len + " bytes, expected " + (maskBytes + 4 * nnz) + " for " + nnz + " values");
    }
    float[] out = new float[n];
    int p = off + maskBytes;
    for (int i = 0; i < n; i++) {
      if ((buf[off + (i >>> 3)] & (1 << (i & 7))) != 0) {
        out[i] = Float.intBitsToFloat(Bytes.getInt(buf, p));
        p += 4;
      }
    }
    return out;
  }
}
