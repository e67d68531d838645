package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import org.junit.jupiter.api.Test;

/** The two schedules' densities per level, their last levels and the values they refuse. */
class PruningScheduleTest {

  @Test
  void rounds_keepKpToTheLevelOverRoundsMinusOne() {
    PruningSchedule s = PruningSchedule.rounds(0.125, 4);
    assertThat(s.lastLevel()).isEqualTo(3);
    assertThat(s.density(0)).isEqualTo(1.0);
    assertThat(s.density(1)).isEqualTo(Math.pow(0.125, 1.0 / 3));
    assertThat(s.density(1)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(s.density(2)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(s.density(3)).isEqualTo(0.125);
    assertThatThrownBy(() -> s.density(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4").hasMessageContaining("0..3");
    assertThatThrownBy(() -> s.density(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThat(PruningSchedule.rounds(0.2, 2).lastLevel()).isEqualTo(1);
    assertThat(PruningSchedule.rounds(1.0, 2).density(1)).isEqualTo(1.0);
  }

  @Test
  void rounds_refuseNoKeptWeights_moreThanAll_andFewerThanTwoRounds() {
    assertThatThrownBy(() -> PruningSchedule.rounds(0, 2)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("sparsity").hasMessageContaining("1.0");
    // the message gives the sparsity, 1 - keep fraction
    assertThatThrownBy(() -> PruningSchedule.rounds(-0.5, 2)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> PruningSchedule.rounds(1.0000001, 2)).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> PruningSchedule.rounds(Double.NaN, 2)).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> PruningSchedule.rounds(0.2, 1)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("rounds").hasMessageContaining("1");
  }

  @Test
  void fixedFraction_removesTheSameShareOfWhatRemains() {
    PruningSchedule open = PruningSchedule.fixedFraction(0.5);
    assertThat(open.lastLevel()).isEqualTo(-1);
    assertThat(open.density(0)).isEqualTo(1.0);
    assertThat(open.density(1)).isEqualTo(0.5);
    assertThat(open.density(3)).isEqualTo(0.125);
    assertThat(open.density(40)).isEqualTo(Math.pow(0.5, 40));
    assertThatThrownBy(() -> open.density(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    PruningSchedule bounded = PruningSchedule.fixedFraction(0.75, 3);
    assertThat(bounded.lastLevel()).isEqualTo(3);
    assertThat(bounded.density(2)).isEqualTo(0.0625);
    assertThatThrownBy(() -> bounded.density(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(PruningSchedule.fixedFraction(0.2, 1).lastLevel()).isEqualTo(1);
  }

  @Test
  void fixedFraction_refusesFractionsOutsideTheOpenInterval_andNoLevels() {
    for (double f : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> PruningSchedule.fixedFraction(f)).as("fraction %s", f)
          .isInstanceOf(BadInputException.class).hasMessageContaining("fraction");
    }
    assertThatThrownBy(() -> PruningSchedule.fixedFraction(0.2, 0)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("levels").hasMessageContaining("0");
    assertThatThrownBy(() -> PruningSchedule.fixedFraction(1.0, 3)).isInstanceOf(BadInputException.class);
  }
}
