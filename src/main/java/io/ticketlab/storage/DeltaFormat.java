package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/**
 * The gaps between consecutive non-zeros as LEB128 variable-length integers, then the non-zero
 * float32 values. Payload: varint count, count varint gaps (the first is the first index, the
 * others the number of zeros skipped), count values.
 */
final class DeltaFormat implements SparseFormat {
  static final int ID = 4;

  @Override
  public String name() {
    return "delta";
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
    return "variable-length gaps between non-zeros + the non-zero values";
  }

  @Override
  public byte[] encode(FloatTensor tensor) {
    float[] d = tensor.data();
    int nnz = Masks.countNonZero(d, 0, d.length);
    Bytes.Writer w = new Bytes.Writer(6 + 6 * nnz);
    w.varint(nnz);
    int next = 0;
    for (int i = 0; i < d.length; i++) {
      if (Float.floatToRawIntBits(d[i]) != 0) {
        w.varint(i - next);
        next = i + 1;
      }
    }
    Values.writeNonZero(w, d);
    return w.toByteArray();
  }

  @Override
  public float[] decode(byte[] buf, int off, int len, int[] shape) {
    int n = (int) FloatTensor.numel(shape);
    Bytes.Reader r = new Bytes.Reader(buf, off, len);
    int nnz = r.varintAtMost(n, "count");
    int[] index = new int[nnz];
    long next = 0;
    for (int k = 0; k < nnz; k++) {
      long i = next + r.varintAtMost(n, "gap");
      if (i >= n) {
        throw new PayloadException("gap leads past the end of the tensor");
      }
      index[k] = (int) i;
      next = i + 1;
    }
    r.need(4L * nnz, "values");
    float[] out = new float[n];
    int p = r.position();
    for (int k = 0; k < nnz; k++, p += 4) {
      out[index[k]] = Float.intBitsToFloat(Bytes.getInt(buf, p));
    }
    r.skip(4 * nnz, "values");
    r.expectEnd("values");
    return out;
  }
}
