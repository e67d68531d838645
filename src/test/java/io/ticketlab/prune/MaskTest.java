package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Mask}'s counts, subset and IoU, applying it to weights, and its value semantics, on hand-made masks. */
class MaskTest {
  private static BitMask bits(int[] shape, boolean... keep) {
    return BitMask.ofBooleans(shape, keep);
  }

  /** a: 2×2 keeping 0 and 3; b: 3 keeping 1; empty: 0 entries. 3 of 7 kept. */
  private static Mask sample() {
    Map<String, BitMask> m = new LinkedHashMap<>();
    m.put("a", bits(new int[] {2, 2}, true, false, false, true));
    m.put("b", bits(new int[] {3}, false, true, false));
    m.put("empty", bits(new int[] {0}));
    return Mask.of(m);
  }

  @Test
  void counts_density_sparsity_perTensorDensities() {
    Mask m = sample();
    assertThat(m.names()).containsExactly("a", "b", "empty");
    assertThat(m.kept()).isEqualTo(3);
    assertThat(m.total()).isEqualTo(7);
    assertThat(m.density()).isEqualTo(3.0 / 7);
    assertThat(m.sparsity()).isEqualTo(1 - 3.0 / 7);
    assertThat(m.densities()).containsExactly(Map.entry("a", 0.5), Map.entry("b", 1.0 / 3), Map.entry("empty", 0.0));
    assertThat(Mask.of(Map.of()).density()).isEqualTo(1.0);
    assertThat(Mask.of(Map.of()).sparsity()).isZero();
    assertThat(Mask.numel(new int[] {2, 3, 4})).isEqualTo(24);
    assertThat(Mask.numel(new int[] {})).isEqualTo(1);
    Mask ones = Mask.ones(Map.of("w", new int[] {70}));
    assertThat(ones.kept()).isEqualTo(70);
    assertThat(ones.density()).isEqualTo(1.0);
    assertThat(m.toString()).isEqualTo("Mask[3 tensors, 3/7 kept, sparsity 0.5714]");
  }

  @Test
  void isSubsetOf_needsEveryKeptWeightKeptByTheOther() {
    Mask m = sample();
    Mask wider = Mask.of(Map.of("a", bits(new int[] {2, 2}, true, true, false, true),
        "b", bits(new int[] {3}, false, true, true), "empty", bits(new int[] {0})));
    assertThat(m.isSubsetOf(m)).isTrue();
    assertThat(m.isSubsetOf(wider)).isTrue();
    assertThat(wider.isSubsetOf(m)).isFalse();
    Mask lacksB = Mask.of(Map.of("a", bits(new int[] {2, 2}, true, true, true, true), "empty", bits(new int[] {0})));
    assertThat(m.isSubsetOf(lacksB)).isFalse();
    Mask otherLength = Mask.of(Map.of("a", BitMask.ones(100), "b", BitMask.ones(3), "empty", bits(new int[] {0})));
    assertThat(m.isSubsetOf(otherLength)).isFalse();
    Mask bOnlyLast = Mask.of(Map.of("a", BitMask.ones(2, 2), "b", bits(new int[] {3}, false, false, true),
        "empty", bits(new int[] {0})));
    assertThat(m.isSubsetOf(bOnlyLast)).isFalse();
  }

  @Test
  void iou_ofHandMasks() {
    Mask m = sample();
    Mask other = Mask.of(Map.of("a", bits(new int[] {2, 2}, true, true, false, false),
        "b", bits(new int[] {3}, false, true, true), "empty", bits(new int[] {0})));
    // intersection {a0, b1} = 2; union {a0, a1, a3, b1, b2} = 5
    assertThat(m.iou(other)).isEqualTo(0.4);
    assertThat(other.iou(m)).isEqualTo(0.4);
    Mask none = Mask.of(Map.of("w", bits(new int[] {3}, false, false, false)));
    assertThat(none.iou(none)).isEqualTo(1.0);
    assertThatThrownBy(() -> m.iou(none)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a");
  }

  @Test
  void applyTo_zeroesPrunedEntriesWithPositiveZero_andPassesOthersThrough() {
    Mask m = sample();
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    float[] a = {1.5f, -2f, -0.0f, -3f};
    w.put("a", new FloatTensor(new int[] {2, 2}, a));
    FloatTensor c = new FloatTensor(new int[] {1}, new float[] {7f});
    w.put("c", c); // not in the mask
    Map<String, FloatTensor> out = m.applyTo(w);
    assertThat(out.keySet()).containsExactly("a", "c");
    float[] got = out.get("a").data();
    assertThat(Float.floatToRawIntBits(got[0])).isEqualTo(Float.floatToRawIntBits(1.5f));
    assertThat(Float.floatToRawIntBits(got[1])).isZero(); // +0.0, not -0.0
    assertThat(Float.floatToRawIntBits(got[2])).isZero();
    assertThat(got[3]).isEqualTo(-3f);
    assertThat(out.get("a").shape()).containsExactly(2, 2);
    assertThat(out.get("c")).isSameAs(c);
    assertThat(a).containsExactly(1.5f, -2f, -0.0f, -3f); // the input is not changed
  }

  @Test
  void equalsAndHashCode_compareNamesShapesAndBits() {
    Mask m = sample();
    assertThat(m).isEqualTo(sample()).hasSameHashCodeAs(sample());
    assertThat(m).isNotEqualTo(null).isNotEqualTo("mask");
    Mask otherBits = Mask.of(Map.of("a", bits(new int[] {2, 2}, true, false, false, false),
        "b", bits(new int[] {3}, false, true, false), "empty", bits(new int[] {0})));
    assertThat(m).isNotEqualTo(otherBits);
    Mask otherShape = Mask.of(Map.of("a", bits(new int[] {4}, true, false, false, true),
        "b", bits(new int[] {3}, false, true, false), "empty", bits(new int[] {0})));
    assertThat(m).isNotEqualTo(otherShape);
    Mask otherNames = Mask.of(Map.of("a", bits(new int[] {2, 2}, true, false, false, true),
        "b", bits(new int[] {3}, false, true, false)));
    assertThat(m).isNotEqualTo(otherNames);
    assertThat(m.tensors()).containsOnlyKeys("a", "b", "empty");
    assertThatThrownBy(() -> m.tensors().put("x", BitMask.ones(1))).isInstanceOf(UnsupportedOperationException.class);
    assertThat(m.validate(Map.of("a", new int[] {2, 2}, "b", new int[] {3}, "empty", new int[] {0}, "extra", new int[] {5}), "m"))
        .isSameAs(m);
  }
}
