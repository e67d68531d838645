package io.ticketlab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's findings are read off the rows, each said to show or not, with its numbers. */
class DemoFindingsTest {

  private static Demo.Line line(String name, double ap50, long macs, long bytes) {
    return new Demo.Line(name, "seg", 1, 0, 0, 0, Map.of("bbox/AP50", new double[] {ap50, 0}), macs, bytes, null);
  }

  @Test
  void theDemosRowsOnTheAmdVm_giveFourFindingsThatShow_andOneThatDoesNot() {
    List<Demo.Line> lines = List.of(
        line("dense (level 0)", 0.547, 4_380_000_000L, 16_260_000),
        line("ticket, direct pruning", 0.559, 910_000_000L, 3_820_000),
        line("random pruning (control)", 0.275, 910_000_000L, 3_820_000),
        line("ImageNet ticket", 0.624, 4_300_000_000L, 7_680_000),
        line("mask transfer", 0.532, 4_300_000_000L, 7_680_000));
    assertThat(Demo.findings(lines)).containsExactly(
        "the 80% ticket within a few AP points of dense: shows here (0.559 vs 0.547)",
        "random pruning clearly below the ticket: shows here (0.275 vs 0.559)",
        "the ImageNet ticket below direct pruning at the same backbone sparsity: does not show here (0.624 vs 0.559)",
        "mask transfer below direct pruning at the same backbone sparsity: shows here (0.532 vs 0.559)",
        "disk size falling faster than MACs: does not show here (4.3x smaller on disk, 4.8x fewer MACs)");
  }

  @Test
  void aTicketFarBelowDense_aCloseControl_andDiskFallingFaster_areSaidAsTheyAre() {
    List<Demo.Line> lines = List.of(
        line("dense (level 0)", 0.60, 1000, 1000),
        line("ticket, direct pruning", 0.54, 500, 100),
        line("random pruning (control)", 0.50, 500, 100));
    assertThat(Demo.findings(lines)).containsExactly(
        "the 80% ticket within a few AP points of dense: does not show here (0.540 vs 0.600)",
        "random pruning clearly below the ticket: does not show here (0.500 vs 0.540)",
        "disk size falling faster than MACs: shows here (10.0x smaller on disk, 2.0x fewer MACs)");
  }

  @Test
  void withoutTheDenseOrTicketRows_thereIsNothingToRead() {
    assertThat(Demo.findings(List.of(line("dense (level 0)", 0.5, 1, 1)))).isEmpty();
    assertThat(Demo.findings(List.of(line("ticket, direct pruning", 0.5, 1, 1)))).isEmpty();
  }
}
