package io.ticketlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class StepTest {
  @Test
  void parse_acceptsOpenLthForms() {
    assertThat(Step.parse("90000it")).isEqualTo(Step.ofIterations(90000));
    assertThat(Step.parse("12ep")).isEqualTo(Step.ofEpochs(12));
    assertThat(Step.parse("1ep500it")).isEqualTo(new Step(1, 500));
    assertThat(Step.parse("600")).isEqualTo(Step.ofIterations(600));
    assertThat(Step.parse("2EP")).isEqualTo(Step.ofEpochs(2));
  }

  @Test
  void toIterations_usesIterationsPerEpoch() {
    assertThat(Step.parse("1ep500it").toIterations(7330)).isEqualTo(7830);
    assertThat(Step.parse("600it").toIterations(0)).isEqualTo(600);
    assertThatThrownBy(() -> Step.parse("1ep").toIterations(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_rejectsNonsenseNamingTheValue() {
    for (String bad : new String[] {"", "ep", "12 epochs", "-3it", "1.5ep", "it12"}) {
      assertThatThrownBy(() -> Step.parse(bad))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("step");
    }
  }

  @Property
  void toString_roundTrips(@ForAll @LongRange(max = 1000) long ep, @ForAll @LongRange(max = 100000) long it) {
    Step s = new Step(ep, it);
    assertThat(Step.parse(s.toString()).toIterations(123)).isEqualTo(s.toIterations(123));
  }
}
