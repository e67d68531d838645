package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RawTensorsTest {

  @Test
  void everyHalfValue_roundTripsThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = RawTensors.halfToFloat((short) bits);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(RawTensors.halfToFloat(RawTensors.floatToHalf(f)))).isTrue();
      } else {
        assertThat(RawTensors.floatToHalf(f) & 0xffff).as("half 0x%04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void halfConversion_knownValues() {
    assertThat(RawTensors.halfToFloat((short) 0x3c00)).isEqualTo(1f);
    assertThat(RawTensors.halfToFloat((short) 0xc000)).isEqualTo(-2f);
    assertThat(RawTensors.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(RawTensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(RawTensors.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(RawTensors.floatToHalf(1e6f)).isEqualTo((short) 0x7c00);
    assertThat(RawTensors.floatToHalf(1e-9f)).isEqualTo((short) 0);
    // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties go to even (1).
    assertThat(RawTensors.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
  }

  @Property(tries = 500)
  void floatToHalf_isTheNearestHalf(@ForAll float f) {
    if (Float.isNaN(f) || Math.abs(f) > 65504f) {
      return;
    }
    float rounded = RawTensors.halfToFloat(RawTensors.floatToHalf(f));
    float up = RawTensors.halfToFloat((short) (RawTensors.floatToHalf(f) + 1));
    float down = RawTensors.halfToFloat((short) (RawTensors.floatToHalf(f) - 1));
    double err = Math.abs((double) rounded - f);
    if (!Float.isInfinite(up) && !Float.isNaN(up)) {
      assertThat(err).isLessThanOrEqualTo(Math.abs((double) up - f));
    }
    if (!Float.isInfinite(down) && !Float.isNaN(down)) {
      assertThat(err).isLessThanOrEqualTo(Math.abs((double) down - f));
    }
  }

  @Test
  void everyBfloat16Value_roundTripsThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = RawTensors.bfloat16ToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertThat(RawTensors.floatToBfloat16(f) & 0xffff).isEqualTo(bits);
      }
    }
    assertThat(RawTensors.floatToBfloat16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80);
    assertThat(RawTensors.floatToBfloat16(1f + 0x1p-8f + 0x1p-20f)).isEqualTo((short) 0x3f81);
  }

  @Test
  void gather_transposedView_isRowMajor() {
    float[] storage = {0, 1, 2, 3, 4, 5};
    Object out = RawTensors.gather(storage, 6, 0, new int[] {3, 2}, new long[] {1, 3});
    assertThat((float[]) out).containsExactly(0, 3, 1, 4, 2, 5);
  }

  @Test
  void gather_wholeContiguousStorage_isNotCopied_partsAre() {
    float[] storage = {0, 1, 2, 3, 4, 5};
    assertThat(RawTensors.gather(storage, 6, 0, new int[] {2, 3}, new long[] {3, 1}))
        .isSameAs(storage);
    assertThat((float[]) RawTensors.gather(storage, 6, 2, new int[] {2, 2}, new long[] {2, 1}))
        .containsExactly(2, 3, 4, 5);
    assertThat((float[]) RawTensors.gather(storage, 6, 1, new int[] {2, 3}, new long[] {0, 1}))
        .containsExactly(1, 2, 3, 1, 2, 3);
  }

  @Test
  void gather_viewOutsideTheStorage_isNull() {
    float[] storage = {0, 1, 2};
    assertThat(RawTensors.gather(storage, 3, 1, new int[] {3}, new long[] {1})).isNull();
  }
}
