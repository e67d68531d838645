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
}
