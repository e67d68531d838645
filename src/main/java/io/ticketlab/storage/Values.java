package io.ticketlab.storage;

/** Reading and scattering the stored non-zero values. */
final class Values {
  private Values() {}

  static float[] readFloat32(byte[] buf, int off, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = Float.intBitsToFloat(Bytes.getInt(buf, off + 4 * i));
    }
    return out;
  }

  /** Writes the non-zero values of {@code data} in order, as float32 bits. */
  static void writeNonZero(Bytes.Writer w, float[] data) {
    for (float v : data) {
      if (Float.floatToRawIntBits(v) != 0) {
        w.i32(Float.floatToRawIntBits(v));
      }
    }
  }
}
