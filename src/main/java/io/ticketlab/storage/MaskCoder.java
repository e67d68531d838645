package io.ticketlab.storage;

import java.util.Arrays;

/**
 * Adaptive binary arithmetic coding (a carry-less range coder in the style of LZMA's) of the zero
 * pattern of a run of positions. Each bit is coded under one of four contexts: the previous
 * position's bit and the bit one row above (the same position in the previous output channel), so
 * whole pruned input channels or filters cost almost nothing while an unstructured mask costs
 * close to n·H(density). The probability of each context starts at 1/2 and adapts at a rate of
 * 1/2, 1/4, ... down to 1/1024, which tracks the running frequency closely on stationary masks.
 */
final class MaskCoder {
  private static final int PROB_BITS = 30;
  private static final int HALF = 1 << (PROB_BITS - 1);
  private static final int MAX_SHIFT = 10;
  private static final long TOP = 1L << 24;
  private static final byte[] SHIFT = new byte[1 << MAX_SHIFT];

  static {
    for (int c = 0; c < SHIFT.length; c++) {
      SHIFT[c] = (byte) Math.min(MAX_SHIFT, 31 - Integer.numberOfLeadingZeros(c + 2));
    }
  }

  private MaskCoder() {}

  private static int p16(int p) {
    int q = p >>> (PROB_BITS - 16);
    return q < 1 ? 1 : Math.min(q, 65535);
  }

  /**
   * Codes the zero pattern of {@code data[start, end)}; {@code rowLength} is the distance to the
   * position one row above (0 when the tensor has no rows).
   */
  static byte[] encode(float[] data, int start, int end, int rowLength) {
    int n = end - start;
    byte[] bits = new byte[n];
    for (int i = 0; i < n; i++) {
      bits[i] = Float.floatToRawIntBits(data[start + i]) != 0 ? (byte) 1 : 0;
    }
    int[] prob = {HALF, HALF, HALF, HALF};
    int[] count = new int[4];
    byte[] out = new byte[64 + n / 6];
    int pos = 0;
    long low = 0;
    long range = 0xFFFFFFFFL;
    int cache = 0;
    long cacheSize = 1;
    int previous = 0;
    boolean rows = rowLength > 0 && rowLength < n;
    for (int i = 0; i < n; i++) {
      int bit = bits[i];
      int above = rows && i >= rowLength ? bits[i - rowLength] : 0;
      int ctx = previous | (above << 1);
      int p = prob[ctx];
      long bound = (range >>> 16) * p16(p);
      int c = count[ctx];
      int shift = SHIFT[c];
      if (c < SHIFT.length - 1) {
        count[ctx] = c + 1;
      }
      if (bit != 0) {
        range = bound;
        prob[ctx] = p + (((1 << PROB_BITS) - p) >> shift);
      } else {
        low += bound;
        range -= bound;
        prob[ctx] = p - (p >> shift);
      }
      while (range < TOP) {
        range <<= 8;
        // shift out the top byte of low, resolving carries
        if (low < 0xFF000000L || low > 0xFFFFFFFFL) {
          int carry = (int) (low >>> 32);
          int temp = cache;
          if (pos + cacheSize + 8 > out.length) {
            out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, out.length * 2L + cacheSize + 8));
          }
          do {
            out[pos++] = (byte) (temp + carry);
            temp = 0xFF;
          } while (--cacheSize != 0);
          cache = (int) ((low >>> 24) & 0xFF);
        }
        cacheSize++;
        low = (low & 0x00FFFFFFL) << 8;
      }
      previous = bit;
    }
    for (int k = 0; k < 5; k++) {
      if (low < 0xFF000000L || low > 0xFFFFFFFFL) {
        int carry = (int) (low >>> 32);
        int temp = cache;
        if (pos + cacheSize + 8 > out.length) {
          out = Arrays.copyOf(out, (int) (out.length * 2L + cacheSize + 8));
        }
        do {
          out[pos++] = (byte) (temp + carry);
          temp = 0xFF;
        } while (--cacheSize != 0);
        cache = (int) ((low >>> 24) & 0xFF);
      }
      cacheSize++;
      low = (low & 0x00FFFFFFL) << 8;
    }
    // The first byte of this coder is always 0: drop it.
    return Arrays.copyOfRange(out, 1, pos);
  }

  /**
   * Decodes {@code n} mask bits from {@code buf[off, off + len)} into {@code bits[0, n)}, returning
   * the number of ones.
   */
  static int decode(byte[] buf, int off, int len, int n, int rowLength, byte[] bits) {
    int[] prob = {HALF, HALF, HALF, HALF};
    int[] count = new int[4];
    int end = off + len;
    int pos = off;
    long range = 0xFFFFFFFFL;
    long code = 0;
    for (int k = 0; k < 4; k++) {
      code = (code << 8) | (pos < end ? buf[pos++] & 0xFF : 0);
    }
    int previous = 0;
    int ones = 0;
    boolean rows = rowLength > 0 && rowLength < n;
    for (int i = 0; i < n; i++) {
      int above = rows && i >= rowLength ? bits[i - rowLength] : 0;
      int ctx = previous | (above << 1);
      int p = prob[ctx];
      long bound = (range >>> 16) * p16(p);
      int c = count[ctx];
      int shift = SHIFT[c];
      if (c < SHIFT.length - 1) {
        count[ctx] = c + 1;
      }
      int bit;
      if (code < bound) {
        range = bound;
        prob[ctx] = p + (((1 << PROB_BITS) - p) >> shift);
        bit = 1;
        ones++;
      } else {
        code -= bound;
        range -= bound;
        prob[ctx] = p - (p >> shift);
        bit = 0;
      }
      while (range < TOP) {
        range <<= 8;
        code = ((code << 8) | (pos < end ? buf[pos++] & 0xFF : 0)) & 0xFFFFFFFFL;
      }
      bits[i] = (byte) bit;
      previous = bit;
    }
    return ones;
  }
}
