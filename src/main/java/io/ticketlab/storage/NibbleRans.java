package io.ticketlab.storage;

/**
 * The zero pattern of a run of positions coded four positions at a time: each nibble (4 mask bits)
 * is one of 16 symbols, coded by range asymmetric numeral systems (rANS, 32-bit state, 16-bit
 * output words) with a static frequency table counted per run and stored before the code. On an
 * unstructured mask the nibble distribution carries exactly 4·H(density) bits, and coding a
 * quarter as many symbols with a table lookup per symbol makes this several times faster than
 * bit-wise arithmetic coding.
 *
 * <p>Code: 16 varint frequencies (summing to 2^14), then the 16-bit little-endian words, the
 * final encoder state first.
 */
final class NibbleRans {
  private static final int SCALE_BITS = 14;
  private static final int SCALE = 1 << SCALE_BITS;
  private static final long LOWER = 1L << 16;

  private NibbleRans() {}

  private static int nibble(float[] data, int i, int end) {
    int s = 0;
    for (int k = 0; k < 4 && i + k < end; k++) {
      if (Float.floatToRawIntBits(data[i + k]) != 0) {
        s |= 1 << k;
      }
    }
    return s;
  }

  /** Frequencies summing to {@link #SCALE}, at least 1 for every symbol that occurs. */
  static int[] normalize(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    int[] freq = new int[16];
    int sum = 0;
    int largest = 0;
    for (int s = 0; s < 16; s++) {
      if (counts[s] > 0) {
        freq[s] = (int) Math.max(1, Math.round((double) counts[s] * SCALE / total));
        sum += freq[s];
        if (counts[s] > counts[largest]) {
          largest = s;
        }
      }
    }
    freq[largest] += SCALE - sum;
    if (freq[largest] < 1) {
      // many rare symbols rounded up: take the excess from every symbol above 1, largest first
      int excess = 1 - freq[largest];
      freq[largest] = 1;
      for (int s = 0; s < 16 && excess > 0; s++) {
        int take = Math.min(excess, freq[s] - 1);
        freq[s] -= take;
        excess -= take;
      }
    }
    return freq;
  }

  /** Codes the zero pattern of {@code data[start, end)}. */
  static byte[] encode(float[] data, int start, int end) {
    int n = end - start;
    int symbols = (n + 3) >>> 2;
    byte[] sym = new byte[symbols];
    long[] counts = new long[16];
    for (int j = 0; j < symbols; j++) {
      int i = start + 4 * j;
      int s = i + 4 <= end
          ? (Float.floatToRawIntBits(data[i]) != 0 ? 1 : 0)
              | (Float.floatToRawIntBits(data[i + 1]) != 0 ? 2 : 0)
              | (Float.floatToRawIntBits(data[i + 2]) != 0 ? 4 : 0)
              | (Float.floatToRawIntBits(data[i + 3]) != 0 ? 8 : 0)
          : nibble(data, i, end);
      sym[j] = (byte) s;
      counts[s]++;
    }
    int[] freq = normalize(counts);
    int[] cum = new int[17];
    double[] inverse = new double[16];
    for (int s = 0; s < 16; s++) {
      cum[s + 1] = cum[s] + freq[s];
      inverse[s] = freq[s] == 0 ? 0 : 1.0 / freq[s];
    }
    // words are written backwards so that the decoder reads them forwards
    short[] words = new short[2 * symbols + 8];
    int pos = words.length;
    long x = LOWER;
    for (int j = symbols - 1; j >= 0; j--) {
      int s = sym[j];
      int f = freq[s];
      long xMax = ((LOWER >>> SCALE_BITS) << 16) * f;
      while (x >= xMax) {
        words[--pos] = (short) x;
        x >>>= 16;
      }
      long q = (long) (x * inverse[s]);
      long r = x - q * f;
      if (r < 0) {
        q--;
        r += f;
      } else if (r >= f) {
        q++;
        r -= f;
      }
      x = (q << SCALE_BITS) + r + cum[s];
    }
    words[--pos] = (short) x;
    words[--pos] = (short) (x >>> 16);
    Bytes.Writer w = new Bytes.Writer(40 + 2 * (words.length - pos));
    for (int s = 0; s < 16; s++) {
      w.varint(freq[s]);
    }
    for (int k = pos; k < words.length; k++) {
      w.u16(words[k]);
    }
    return w.toByteArray();
  }

  /**
   * Decodes {@code n} mask bits from {@code buf[off, off + len)} into {@code bits[0, n)}, returning
   * the number of ones.
   */
  static int decode(byte[] buf, int off, int len, int n, byte[] bits) {
    Bytes.Reader r = new Bytes.Reader(buf, off, len);
    int[] freq = new int[16];
    int[] cum = new int[17];
    for (int s = 0; s < 16; s++) {
      freq[s] = r.varintAtMost(SCALE, "frequency of nibble " + s);
      cum[s + 1] = cum[s] + freq[s];
    }
    if (cum[16] != SCALE) {
      throw new PayloadException("nibble frequencies add up to " + cum[16] + ", expected " + SCALE);
    }
    byte[] slotSymbol = new byte[SCALE];
    for (int s = 0; s < 16; s++) {
      java.util.Arrays.fill(slotSymbol, cum[s], cum[s + 1], (byte) s);
    }
    int pos = r.position();
    int end = off + len;
    if (end - pos < 4 || ((end - pos) & 1) != 0) {
      throw new PayloadException("rANS code of " + (end - pos) + " bytes");
    }
    long x = ((long) (Bytes.getShort(buf, pos) & 0xFFFF) << 16) | (Bytes.getShort(buf, pos + 2) & 0xFFFF);
    pos += 4;
    int symbols = (n + 3) >>> 2;
    int ones = 0;
    for (int j = 0; j < symbols; j++) {
      int slot = (int) (x & (SCALE - 1));
      int s = slotSymbol[slot];
      x = freq[s] * (x >>> SCALE_BITS) + slot - cum[s];
      while (x < LOWER) {
        if (pos + 2 > end) {
          throw new PayloadException("rANS code ends early");
        }
        x = (x << 16) | (Bytes.getShort(buf, pos) & 0xFFFF);
        pos += 2;
      }
      int i = 4 * j;
      if (i + 4 <= n) {
        bits[i] = (byte) (s & 1);
        bits[i + 1] = (byte) ((s >>> 1) & 1);
        bits[i + 2] = (byte) ((s >>> 2) & 1);
        bits[i + 3] = (byte) (s >>> 3);
      } else {
        for (int k = 0; i + k < n; k++) {
          bits[i + k] = (byte) ((s >>> k) & 1);
        }
        if ((s >>> (n - i)) != 0) {
          throw new PayloadException("mask bits set past the end of the run");
        }
      }
      ones += Integer.bitCount(s);
    }
    if (pos != end || x != LOWER) {
      throw new PayloadException("rANS code does not end where the mask does");
    }
    return ones;
  }
}
