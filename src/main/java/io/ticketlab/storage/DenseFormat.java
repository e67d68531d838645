package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/** Every value as little-endian float32: the reference and interchange format. */
final class DenseFormat implements SparseFormat {
  static final int ID = 1;

  @Override
  public String name() {
    return "dense";
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
    return "all values as float32 (the interchange format)";
  }

  @Override
  public byte[] encode(FloatTensor tensor) {
    float[] d = tensor.data();
    Bytes.Writer w = new Bytes.Writer(4 * d.length);
    w.floatBits(d, 0, d.length);
    return w.toByteArray();
  }

  @Override
  public float[] decode(byte[] buf, int off, int len, int[] shape) {
    int n = (int) FloatTensor.numel(shape);
    if ((long) len != 4L * n) {
      throw new PayloadException("dense payload has " + len + " bytes, expected " + 4L * n);
    }
    return Values.readFloat32(buf, off, n);
  }
}
