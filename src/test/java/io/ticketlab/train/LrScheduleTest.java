package io.ticketlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void detectron2OneX_warmsUpThenStepsAt60kAnd80k() {
    LrSchedule s = LrSchedule.multiStep(0.02, 2000, 5e-4, 0.1, 60000, 80000);
    assertThat(s.at(0)).isCloseTo(0.02 * 5e-4, within(1e-15));
    assertThat(s.at(1000)).isCloseTo(0.02 * (5e-4 * 0.5 + 0.5), within(1e-15));
    assertThat(s.at(2000)).isEqualTo(0.02);
    assertThat(s.at(59999)).isEqualTo(0.02);
    assertThat(s.at(60000)).isCloseTo(0.002, within(1e-15));
    assertThat(s.at(80000)).isCloseTo(0.0002, within(1e-15));
  }

  @Test
  void cosine_fallsFromBaseToZero() {
    LrSchedule s = LrSchedule.cosine(0.1, 0, 100);
    assertThat(s.at(0)).isEqualTo(0.1);
    assertThat(s.at(50)).isCloseTo(0.05, within(1e-12));
    assertThat(s.at(100)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void milestonesMayComeInAnyOrder() {
    assertThat(LrSchedule.multiStep(1, 0, 1, 0.5, 20, 10).at(15)).isEqualTo(0.5);
  }
}
