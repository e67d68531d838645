package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The random controls' counts and positions, and the density check of every strategy. */
class MagnitudePruningTest {
  private static final Map<String, FloatTensor> W = PruningStrategyTest.weights(11, 200, 300);

  @Test
  void random_keepsTheGlobalCount_atPositionsThatAreNeitherTheLargestNorTheFirst() {
    Mask dense = PruningStrategyTest.dense(W);
    Mask r = MagnitudePruning.random(7).prune(W, dense, 0.3);
    assertThat(r.kept()).isEqualTo(150);
    assertThat(r).isEqualTo(MagnitudePruning.random(7).prune(W, dense, 0.3));
    assertThat(r).isNotEqualTo(MagnitudePruning.random(8).prune(W, dense, 0.3));
    assertThat(r).isNotEqualTo(MagnitudePruning.global().prune(W, dense, 0.3));
    // not the first 150 positions (what equal scores would give)
    boolean[] first = r.get("layer0.weight").toBooleans();
    int prefix = 0;
    while (prefix < first.length && first[prefix]) {
      prefix++;
    }
    assertThat(prefix).isLessThan(20);
    // only among the current mask's kept weights
    Mask half = MagnitudePruning.global().prune(W, dense, 0.5);
    Mask fromHalf = MagnitudePruning.random(7).prune(W, half, 0.2);
    assertThat(fromHalf.kept()).isEqualTo(100);
    assertThat(fromHalf.isSubsetOf(half)).isTrue();
  }

  @Test
  void randomLike_keepsTheReferenceCountPerTensor_andNeedsEveryTensor() {
    Mask dense = PruningStrategyTest.dense(W);
    Mask ticket = MagnitudePruning.global().prune(W, dense, 0.25);
    Mask r = MagnitudePruning.randomLike(ticket, 3).prune(W, dense, 0.25);
    assertThat(r.get("layer0.weight").countOnes()).isEqualTo(ticket.get("layer0.weight").countOnes());
    assertThat(r.get("layer1.weight").countOnes()).isEqualTo(ticket.get("layer1.weight").countOnes());
    Mask onlyFirst = Mask.of(Map.of("layer0.weight", BitMask.ones(200)));
    assertThatThrownBy(() -> MagnitudePruning.randomLike(onlyFirst, 3).prune(W, dense, 0.25))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer1.weight");
  }

  @Test
  void everyStrategy_refusesADensityOutsideZeroToOne() {
    Mask dense = PruningStrategyTest.dense(W);
    for (PruningStrategy s : new PruningStrategy[] {
        MagnitudePruning.global(), MagnitudePruning.layerwise(), MagnitudePruning.random(1)}) {
      assertThatThrownBy(() -> s.prune(W, dense, 1.5)).isInstanceOf(BadInputException.class)
          .hasMessageContaining("density").hasMessageContaining("1.5");
      assertThatThrownBy(() -> s.prune(W, dense, -0.1)).isInstanceOf(BadInputException.class);
      assertThat(s.prune(W, dense, 1.0).kept()).isEqualTo(500);
      assertThat(s.prune(W, dense, 0.0).kept()).isZero();
    }
  }
}
