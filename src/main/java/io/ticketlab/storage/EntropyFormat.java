package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;
import java.util.stream.IntStream;

/**
 * The mask entropy-coded, then the non-zero values as float32 (lossless) or float16 (lossy: see
 * {@link LossyError}). Two mask coders, measured in {@code docs/benchmarks.md}: {@link NibbleRans}
 * (static nibble model, rANS; formats {@code entropy} and {@code entropy-fp16}), within 0.1% of
 * n·H(density) on unstructured masks and several times faster; and {@link MaskCoder} (adaptive
 * binary arithmetic coding with the previous and the row-above bit as context; format {@code
 * entropy-context}), which also exploits pruned channels and filters. The mask is cut into chunks
 * of {@value #CHUNK} positions coded independently, so a large tensor encodes and decodes on all
 * cores; a chunk that is all zeros or all non-zeros costs no coded bytes.
 *
 * <p>Payload: u8 value dtype code, varint chunk size, varint count of non-zeros, per chunk (varint
 * non-zeros, varint coded length), the coded chunks, then the values.
 */
final class EntropyFormat implements SparseFormat {
  static final int CHUNK = 1 << 20;

  /** How the mask is coded. */
  enum MaskCoding {
    /** {@link NibbleRans}. */
    NIBBLE_RANS,
    /** {@link MaskCoder}. */
    CONTEXT_ARITHMETIC
  }

  private final String name;
  private final int id;
  private final StoredDtype values;
  private final MaskCoding coding;

  EntropyFormat(String name, int id, StoredDtype values, MaskCoding coding) {
    this.name = name;
    this.id = id;
    this.values = values;
    this.coding = coding;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public StoredDtype storedDtype() {
    return values;
  }

  @Override
  public String description() {
    return (coding == MaskCoding.NIBBLE_RANS
            ? "mask by rANS over nibbles"
            : "mask by context-adaptive binary arithmetic coding")
        + (values == StoredDtype.FLOAT32 ? " + float32 values (lossless)" : " + float16 values (lossy)");
  }

  /** Distance to the same position in the previous output channel, 0 for vectors. */
  static int rowLength(int[] shape) {
    if (shape.length < 2 || shape[0] == 0) {
      return 0;
    }
    return (int) (FloatTensor.numel(shape) / shape[0]);
  }

  @Override
  public byte[] encode(FloatTensor tensor) {
    float[] d = tensor.data();
    int n = d.length;
    int chunks = (n + CHUNK - 1) / CHUNK;
    int rowLength = rowLength(tensor.shape());
    int[] chunkNonZero = new int[chunks];
    byte[][] coded = new byte[chunks][];
    IntStream range = IntStream.range(0, chunks);
    (chunks > 1 ? range.parallel() : range)
        .forEach(
            c -> {
              int start = c * CHUNK;
              int end = Math.min(n, start + CHUNK);
              int nnz = Masks.countNonZero(d, start, end);
              chunkNonZero[c] = nnz;
              coded[c] =
                  nnz == 0 || nnz == end - start
                      ? new byte[0]
                      : coding == MaskCoding.NIBBLE_RANS
                          ? NibbleRans.encode(d, start, end)
                          : MaskCoder.encode(d, start, end, rowLength);
            });
    long nnz = 0;
    long codedBytes = 0;
    for (int c = 0; c < chunks; c++) {
      nnz += chunkNonZero[c];
      codedBytes += coded[c].length;
    }
    int valueBytes = values == StoredDtype.FLOAT32 ? 4 : 2;
    Bytes.Writer w = new Bytes.Writer((int) Math.min(Integer.MAX_VALUE - 64, 32 + 10L * chunks + codedBytes + valueBytes * nnz));
    w.u8(values.code());
    w.varint(CHUNK);
    w.varint(nnz);
    for (int c = 0; c < chunks; c++) {
      w.varint(chunkNonZero[c]);
      w.varint(coded[c].length);
    }
    for (byte[] b : coded) {
      w.bytes(b, 0, b.length);
    }
    if (values == StoredDtype.FLOAT32) {
      Values.writeNonZero(w, d);
    } else {
      for (float v : d) {
        if (Float.floatToRawIntBits(v) != 0) {
          w.u16(Half.fromFloat(v));
        }
      }
    }
    return w.toByteArray();
  }

  @Override
  public float[] decode(byte[] buf, int off, int len, int[] shape) {
    int n = (int) FloatTensor.numel(shape);
    Bytes.Reader r = new Bytes.Reader(buf, off, len);
    int dtype = r.u8("value dtype");
    if (dtype != values.code()) {
      throw new PayloadException("value dtype code " + dtype + ", expected " + values.code() + " (" + values + ")");
    }
    int chunk = r.varintAtMost(Integer.MAX_VALUE, "chunk size");
    if (chunk == 0) {
      throw new PayloadException("chunk size 0");
    }
    int nnz = r.varintAtMost(n, "count");
    int chunks = (int) (((long) n + chunk - 1) / chunk);
    int[] chunkNonZero = new int[chunks];
    int[] codedOffset = new int[chunks + 1];
    int[] valueIndex = new int[chunks + 1];
    long sumCoded = 0;
    for (int c = 0; c < chunks; c++) {
      int chunkLength = Math.min(chunk, n - c * chunk);
      chunkNonZero[c] = r.varintAtMost(chunkLength, "non-zeros of chunk " + c);
      int codedLength = r.varintAtMost(len, "coded length of chunk " + c);
      boolean trivial = chunkNonZero[c] == 0 || chunkNonZero[c] == chunkLength;
      if (trivial != (codedLength == 0)) {
        throw new PayloadException("chunk " + c + ": coded length " + codedLength + " does not fit its count");
      }
      valueIndex[c + 1] = valueIndex[c] + chunkNonZero[c];
      sumCoded += codedLength;
      codedOffset[c + 1] = (int) Math.min(Integer.MAX_VALUE, sumCoded);
    }
    if (valueIndex[chunks] != nnz) {
      throw new PayloadException("chunk counts add up to " + valueIndex[chunks] + ", expected " + nnz);
    }
    int valueBytes = values == StoredDtype.FLOAT32 ? 4 : 2;
    r.need(sumCoded + (long) valueBytes * nnz, "coded mask and values");
    int codedStart = r.position();
    int valuesStart = (int) (codedStart + sumCoded);
    r.skip((int) (sumCoded + (long) valueBytes * nnz), "coded mask and values");
    r.expectEnd("values");
    float[] out = new float[n];
    IntStream range = IntStream.range(0, chunks);
    (chunks > 1 ? range.parallel() : range)
        .forEach(
            c -> {
              int start = c * chunk;
              int length = Math.min(chunk, n - start);
              int k = valueIndex[c];
              int nonZero = chunkNonZero[c];
              if (nonZero == 0) {
                return;
              }
              if (nonZero == length) {
                for (int i = 0; i < length; i++) {
                  out[start + i] = value(buf, valuesStart, k++);
                }
                return;
              }
              byte[] bits = new byte[length];
              int codedFrom = codedStart + codedOffset[c];
              int codedLength = codedOffset[c + 1] - codedOffset[c];
              int ones = coding == MaskCoding.NIBBLE_RANS
                  ? NibbleRans.decode(buf, codedFrom, codedLength, length, bits)
                  : MaskCoder.decode(buf, codedFrom, codedLength, length, rowLength(shape), bits);
              if (ones != nonZero) {
                throw new PayloadException(
                    "chunk " + c + " decodes to " + ones + " non-zeros, expected " + nonZero);
              }
              for (int i = 0; i < length; i++) {
                if (bits[i] != 0) {
                  out[start + i] = value(buf, valuesStart, k++);
                }
              }
            });
    return out;
  }

  private float value(byte[] buf, int valuesStart, int k) {
    if (values == StoredDtype.FLOAT32) {
      return Float.intBitsToFloat(Bytes.getInt(buf, valuesStart + 4 * k));
    }
    return Half.toFloat(Bytes.getShort(buf, valuesStart + 2 * k));
  }
}
