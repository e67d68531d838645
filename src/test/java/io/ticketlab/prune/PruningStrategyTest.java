package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PruningStrategyTest {

  static Map<String, FloatTensor> weights(long seed, int... sizes) {
    Random r = new Random(seed);
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    for (int t = 0; t < sizes.length; t++) {
      float[] d = new float[sizes[t]];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) r.nextGaussian();
      }
      w.put("layer" + t + ".weight", new FloatTensor(new int[] {sizes[t]}, d));
    }
    return w;
  }

  static Mask dense(Map<String, FloatTensor> w) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    w.forEach((n, t) -> shapes.put(n, t.shape()));
    return Mask.ones(shapes);
  }

  @Test
  void globalPruning_keepsExactlyTheLargestMagnitudes() {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    w.put("a", new FloatTensor(new int[] {2, 2}, new float[] {0.1f, -5f, 0.3f, 2f}));
    w.put("b", new FloatTensor(new int[] {3}, new float[] {-0.2f, 4f, 0.05f}));
    Mask m = MagnitudePruning.global().prune(w, dense(w), 3.0 / 7);
    assertThat(m.kept()).isEqualTo(3);
    assertThat(m.get("a").toBooleans()).containsExactly(false, true, false, true);
    assertThat(m.get("b").toBooleans()).containsExactly(false, true, false);
  }

  @Test
  void ties_goToTheEarlierTensorAndLowerIndex() {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    w.put("a", new FloatTensor(new int[] {3}, new float[] {1f, 1f, -1f}));
    w.put("b", new FloatTensor(new int[] {3}, new float[] {1f, 1f, 1f}));
    Mask m = MagnitudePruning.global().prune(w, dense(w), 4.0 / 6);
    assertThat(m.get("a").toBooleans()).containsExactly(true, true, true);
    assertThat(m.get("b").toBooleans()).containsExactly(true, false, false);
  }

  @Property(tries = 60)
  void globalPruning_keepsExactlyKWeightsAndOnlyShrinks(
      @ForAll @IntRange(min = 1, max = 3000) int n1,
      @ForAll @IntRange(min = 1, max = 3000) int n2,
      @ForAll @DoubleRange(min = 0, max = 1) double first,
      @ForAll @DoubleRange(min = 0, max = 1) double second) {
    Map<String, FloatTensor> w = weights(n1 * 31L + n2, n1, n2);
    Mask level1 = MagnitudePruning.global().prune(w, dense(w), first);
    assertThat(level1.kept()).isEqualTo(Math.round(first * (n1 + n2)));
    double d2 = Math.min(first, second);
    Mask level2 = MagnitudePruning.global().prune(w, level1, d2);
    assertThat(level2.kept()).isEqualTo(Math.round(d2 * (n1 + n2)));
    assertThat(level2.isSubsetOf(level1)).isTrue();
  }

  @Property(tries = 60)
  void layerwisePruning_keepsTheSameFractionOfEveryTensor(
      @ForAll @IntRange(min = 1, max = 2000) int n1,
      @ForAll @IntRange(min = 1, max = 2000) int n2,
      @ForAll @DoubleRange(min = 0, max = 1) double density) {
    Map<String, FloatTensor> w = weights(n1 + 7L * n2, n1, n2);
    Mask m = MagnitudePruning.layerwise().prune(w, dense(w), density);
    assertThat(m.get("layer0.weight").countOnes()).isEqualTo(Math.round(density * n1));
    assertThat(m.get("layer1.weight").countOnes()).isEqualTo(Math.round(density * n2));
  }

  @Test
  void randomLike_copiesPerTensorCountsNotPositions() {
    Map<String, FloatTensor> w = weights(3, 500, 1500, 40);
    Mask ticket = MagnitudePruning.global().prune(w, dense(w), 0.2);
    Mask random = MagnitudePruning.randomLike(ticket, 9).prune(w, dense(w), 0.2);
    assertThat(random.densities()).isEqualTo(ticket.densities());
    assertThat(random).isNotEqualTo(ticket);
    assertThat(MagnitudePruning.randomLike(ticket, 9).prune(w, dense(w), 0.2)).isEqualTo(random);
  }

  @Test
  void tensorsOutsideTheMask_areNotTouchedAndBadInputIsRefused() {
    Map<String, FloatTensor> w = weights(1, 10, 10);
    Map<String, int[]> onlyFirst = Map.of("layer0.weight", new int[] {10});
    Mask m = MagnitudePruning.global().prune(w, Mask.ones(onlyFirst), 0.5);
    assertThat(m.names()).containsExactly("layer0.weight");
    assertThatThrownBy(() -> MagnitudePruning.global().prune(w, Mask.ones(onlyFirst), 1.5))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> Mask.ones(Map.of("nope", new int[] {3})).validate(Map.of("x", new int[] {3}), "mask.json"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> Mask.ones(Map.of("x", new int[] {4})).validate(Map.of("x", new int[] {3}), "mask.json"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("[4]")
        .hasMessageContaining("[3]");
  }

  @Test
  void rounds_followThePapersKeepFractions() {
    PruningSchedule oneShot = PruningSchedule.rounds(0.2, 2);
    assertThat(oneShot.density(0)).isEqualTo(1.0);
    assertThat(oneShot.density(1)).isEqualTo(0.2);
    PruningSchedule three = PruningSchedule.rounds(0.04, 3);
    assertThat(three.density(1)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(PruningSchedule.fixedFraction(0.2).density(2)).isCloseTo(0.64, org.assertj.core.data.Offset.offset(1e-12));
    assertThatThrownBy(() -> PruningSchedule.rounds(0, 2)).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> PruningSchedule.rounds(1.2, 2)).isInstanceOf(BadInputException.class);
  }

  @Test
  void earlyBirdIou_ofIdenticalMasksIsOne() {
    Map<String, FloatTensor> w = weights(5, 100, 100);
    Mask a = MagnitudePruning.global().prune(w, dense(w), 0.3);
    assertThat(a.iou(a)).isEqualTo(1.0);
    Mask b = MagnitudePruning.random(1).prune(w, dense(w), 0.3);
    assertThat(a.iou(b)).isBetween(0.0, 0.5);
  }
}
