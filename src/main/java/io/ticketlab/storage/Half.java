package io.ticketlab.storage;

/** IEEE 754 binary16 conversion with round-to-nearest-even (Java 17 has none built in). */
final class Half {
  private Half() {}

  /** The binary16 bits nearest to {@code f}; overflow gives infinity, NaN stays NaN. */
  static short fromFloat(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int e = (x >>> 23) & 0xFF;
    int m = x & 0x7FFFFF;
    if (e == 0xFF) {
      return (short) (sign | 0x7C00 | (m != 0 ? 0x200 | (m >>> 13) : 0));
    }
    int he = e - 127 + 15;
    if (he >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (he <= 0) {
      if (he < -10) {
        return (short) sign;
      }
      int mant = m | 0x800000;
      int s = 14 - he;
      int h = mant >>> s;
      int rem = mant & ((1 << s) - 1);
      int half = 1 << (s - 1);
      if (rem > half || (rem == half && (h & 1) != 0)) {
        h++;
      }
      return (short) (sign | h);
    }
    int h = (he << 10) | (m >>> 13);
    int rem = m & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
      h++;
    }
    return (short) (sign | h);
  }

  /** The float value of binary16 bits. */
  static float toFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int e = (h >>> 10) & 0x1F;
    int m = h & 0x3FF;
    if (e == 0) {
      float v = m * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (e == 31) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (m << 13));
    }
    return Float.intBitsToFloat(sign | ((e - 15 + 127) << 23) | (m << 13));
  }
}
