package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/**
 * The storage of the paper's supplementary section E: per tensor, a 32-bit index and a 32-bit
 * value for each non-zero when the tensor's sparsity is above a threshold, all values dense
 * otherwise. The default threshold is the break-even point: the sparse layout is used exactly when
 * it is smaller (8 bytes per non-zero + a 4-byte count against 4 bytes per position, about 50%
 * sparsity).
 *
 * <p>Payload: one mode byte (0 dense, 1 sparse), then either n float32 values or a u32 count
 * followed by (u32 index, float32 value) pairs.
 */
final class PaperFormat implements SparseFormat {
  static final int ID = 2;
  private static final int DENSE = 0;
  private static final int SPARSE = 1;

  /** Sparsity above which the sparse layout is used; NaN for the break-even point. */
  private final double thresholdSparsity;

  PaperFormat(double thresholdSparsity) {
    if (!Double.isNaN(thresholdSparsity) && !(thresholdSparsity >= 0 && thresholdSparsity <= 1)) {
      throw new IllegalArgumentException("threshold sparsity must be in [0, 1]: " + thresholdSparsity);
    }
    this.thresholdSparsity = thresholdSparsity;
  }

  @Override
  public String name() {
    return "paper";
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
    return "32-bit index + 32-bit value per non-zero above a threshold sparsity ("
        + (Double.isNaN(thresholdSparsity) ? "break-even" : thresholdSparsity)
        + "), dense below";
  }

  boolean useSparse(int numel, int nonZero) {
    if (Double.isNaN(thresholdSparsity)) {
      return 4L + 8L * nonZero < 4L * numel;
    }
    return numel > 0 && 1.0 - (double) nonZero / numel > thresholdSparsity;
  }

  @Override
  public byte[] encode(FloatTensor tensor) {
    float[] d = tensor.data();
    int nnz = Masks.countNonZero(d, 0, d.length);
    if (!useSparse(d.length, nnz)) {
      Bytes.Writer w = new Bytes.Writer(1 + 4 * d.length);
      w.u8(DENSE);
      w.floatBits(d, 0, d.length);
      return w.toByteArray();
    }
    Bytes.Writer w = new Bytes.Writer(5 + 8 * nnz);
    w.u8(SPARSE);
    w.i32(nnz);
    for (int i = 0; i < d.length; i++) {
      int bits = Float.floatToRawIntBits(d[i]);
      if (bits != 0) {
        w.i32(i);
        w.i32(bits);
      }
    }
    return w.toByteArray();
  }

  @Override
  public float[] decode(byte[] buf, int off, int len, int[] shape) {
    int n = (int) FloatTensor.numel(shape);
    Bytes.Reader r = new Bytes.Reader(buf, off, len);
    int mode = r.u8("mode");
    if (mode == DENSE) {
      r.need(4L * n, "dense values");
      float[] out = Values.readFloat32(buf, r.position(), n);
      r.skip(4 * n, "dense values");
      r.expectEnd("dense values");
      return out;
    }
    if (mode != SPARSE) {
      throw new PayloadException("unknown paper mode " + mode);
    }
    int nnz = r.i32("count");
    if (nnz < 0 || nnz > n) {
      throw new PayloadException("count " + nnz + " outside 0.." + n);
    }
    r.need(8L * nnz, "index/value pairs");
    float[] out = new float[n];
    int p = r.position();
    int previous = -1;
    for (int k = 0; k < nnz; k++, p += 8) {
      int index = Bytes.getInt(buf, p);
      if (index <= previous || index >= n) {
        throw new PayloadException("index " + index + " out of order or outside 0.." + (n - 1));
      }
      out[index] = Float.intBitsToFloat(Bytes.getInt(buf, p + 4));
      previous = index;
    }
    r.skip(8 * nnz, "index/value pairs");
    r.expectEnd("index/value pairs");
    return out;
  }
}
