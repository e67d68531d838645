package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void everyHalfValue_roundTripsThroughFloat() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Half.toFloat((short) h);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(f)))).isTrue();
        continue;
      }
      assertThat(Half.fromFloat(f) & 0xFFFF).as("half %04x", h).isEqualTo(h);
    }
  }

  @Test
  void midpoints_roundToEven() {
    for (int h = 0; h < 0x7BFF; h++) { // positive finite halves and their successor
      double lo = Half.toFloat((short) h);
      double hi = Half.toFloat((short) (h + 1));
      float mid = (float) ((lo + hi) / 2);
      int expected = (h & 1) == 0 ? h : h + 1;
      assertThat(Half.fromFloat(mid) & 0xFFFF).as("midpoint after %04x", h).isEqualTo(expected);
      assertThat(Half.fromFloat(-mid) & 0xFFFF).isEqualTo(expected | 0x8000);
      float justAbove = Math.nextUp(mid);
      assertThat(Half.fromFloat(justAbove) & 0xFFFF).isEqualTo(h + 1);
    }
  }

  @Test
  void knownValues() {
    assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3C00);
    assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(Half.fromFloat(65520f)).as("rounds up to infinity").isEqualTo((short) 0x7C00);
    assertThat(Half.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001);
    assertThat(Half.fromFloat(0x1p-26f)).as("below half the smallest subnormal").isEqualTo((short) 0);
    assertThat(Half.fromFloat(-0f)).isEqualTo((short) 0x8000);
    assertThat(Half.toFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
  }

  @Test
  void beyondTheRange_isInfinity_withItsSign_andNaNStaysNaNWithItsTopPayloadBits() {
    // 65536 and above: exponent 31 of binary16, which must not be read as a NaN pattern
    assertThat(Half.fromFloat(65536f)).isEqualTo((short) 0x7C00);
    assertThat(Half.fromFloat(70000f)).as("exponent 31 with mantissa bits").isEqualTo((short) 0x7C00);
    assertThat(Half.fromFloat(-1e6f)).isEqualTo((short) 0xFC00);
    assertThat(Half.fromFloat(Float.MAX_VALUE)).isEqualTo((short) 0x7C00);
    assertThat(Half.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
    // NaN: quiet bit set, the top 9 payload bits kept (as x86's vcvtps2ph does), sign kept
    assertThat(Half.fromFloat(Float.intBitsToFloat(0x7FC00000))).isEqualTo((short) 0x7E00);
    assertThat(Half.fromFloat(Float.intBitsToFloat(0x7F802000))).isEqualTo((short) 0x7E01);
    assertThat(Half.fromFloat(Float.intBitsToFloat(0xFFBFE000)) & 0xFFFF).isEqualTo(0xFFFF);
    assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(Float.intBitsToFloat(0x7F800001))))).isTrue();
  }
}
