package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;

/**
 * One way to store a tensor inside a {@link SparseCheckpoint} file. A format turns a tensor into a
 * payload and back; the file container adds the header (names, shapes, dtypes) and a CRC per
 * tensor. A position is non-zero when its float has any bit set, so {@code -0.0f} is stored as a
 * value and every lossless format round-trips float32 bit for bit (NaN payloads included).
 *
 * <p>Implementations are immutable and thread-safe; {@link SparseFormats} lists them.
 */
public interface SparseFormat {

  /** The name used on the command line and in reports, e.g. {@code "entropy"}. */
  String name();

  /** The encoding id written in the file header; unique among {@link SparseFormats#all()}. */
  int id();

  /** The dtype in which the values are stored (float32 for every lossless format). */
  StoredDtype storedDtype();

  /** Whether decoding returns exactly the encoded floats. */
  default boolean lossless() {
    return storedDtype() == StoredDtype.FLOAT32;
  }

  /** One line for help texts and reports. */
  String description();

  /** The payload of one tensor. */
  byte[] encode(FloatTensor tensor);

  /**
   * The values of one tensor from its payload {@code buf[off, off + len)}.
   *
   * @throws RuntimeException when the payload is malformed ({@link SparseCheckpoint} reports it as
   *     bad input naming the tensor)
   */
  float[] decode(byte[] buf, int off, int len, int[] shape);

  /** How the values of a tensor are stored. */
  enum StoredDtype {
    FLOAT32(1, "float32"),
    FLOAT16(2, "float16");

    private final int code;
    private final String label;

    StoredDtype(int code, String label) {
      this.code = code;
      this.label = label;
    }

    /** The code written in the header. */
    public int code() {
      return code;
    }

    @Override
    public String toString() {
      return label;
    }

    static StoredDtype ofCode(int code) {
      for (StoredDtype d : values()) {
        if (d.code == code) {
          return d;
        }
      }
      return null;
    }
  }
}
