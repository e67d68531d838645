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

  private static Demo.Line kp(String name, double kpAp50) {
    return new Demo.Line(name, "kp", 1, 0, 0, 0, Map.of("bbox/AP50", new double[] {0.9, 0},
        "keypoints/AP50", new double[] {kpAp50, 0}), 1, 1, null);
  }

  private static List<String> strings(List<io.ticketlab.report.Finding> findings) {
    return findings.stream().map(Object::toString).toList();
  }

  @Test
  void theFullDemosRowsOnTheAmdVm_addItsAblationsAndTransfers_eachWithItsVerdict() {
    List<Demo.Line> lines = List.of(
        line("dense (level 0)", 0.538, 4_380_000_000L, 16_260_000),
        line("ticket, direct pruning", 0.555, 910_000_000L, 3_820_000),
        line("random pruning (control)", 0.239, 910_000_000L, 3_820_000),
        line("ImageNet ticket", 0.609, 4_290_000_000L, 7_680_000),
        line("mask transfer", 0.539, 4_290_000_000L, 7_680_000),
        line("ticket 50%, one-shot", 0.585, 2_210_000_000L, 8_760_000),
        line("ticket 90%, one-shot", 0.401, 470_000_000L, 2_100_000),
        line("ticket, iterative round 3", 0.547, 470_000_000L, 2_100_000),
        line("ticket 80%, global threshold", 0.381, 1_800_000_000L, 3_760_000),
        line("early-bird ticket", 0.419, 910_000_000L, 3_820_000),
        line("cross-task ticket from Keypoint R-CNN", 0.498, 3_480_000_000L, 4_330_000),
        kp("dense (level 0)", 0.755), kp("ticket, direct pruning", 0.789), kp("cross-task ticket from Mask R-CNN", 0.741));
    assertThat(strings(Demo.findings(lines, 0.837))).containsExactly(
        "the 80% ticket within a few AP points of dense: shows here (0.555 vs 0.538)",
        "random pruning clearly below the ticket: shows here (0.239 vs 0.555)",
        "the ImageNet ticket below direct pruning at the same backbone sparsity: does not show here (0.609 vs 0.555)",
        "mask transfer below direct pruning at the same backbone sparsity: shows here (0.539 vs 0.555)",
        "disk size falling faster than MACs: does not show here (4.3x smaller on disk, 4.8x fewer MACs)",
        "accuracy falling beyond 80% sparsity (the 90% one-shot ticket below the 80% ticket): shows here (0.401 vs 0.555)",
        "one-shot pruning at least as good as iterative pruning at 90% (the paper's detectors): does not show here"
            + " (0.401 one-shot vs 0.547 in three rounds)",
        "a global threshold beating layer-wise pruning at 80%: does not show here (0.381 global vs 0.555 layer-wise)",
        "disk size falling faster than MACs under a global threshold: shows here (4.3x smaller on disk, 2.4x fewer MACs)",
        "the early-bird ticket within a few AP points of the ticket (paper: mask IoU about 0.96): does not show here"
            + " (0.419 vs 0.555; mask IoU 0.837)",
        "Keypoint R-CNN's 80% ticket within a few AP points of dense: shows here (keypoint AP50 0.789 vs 0.755)",
        "Mask R-CNN's ticket in Keypoint R-CNN below Keypoint R-CNN's own ticket: shows here (keypoint AP50 0.741 vs"
            + " 0.789)",
        "Keypoint R-CNN's ticket in Mask R-CNN below Mask R-CNN's own ticket: shows here (0.498 vs 0.555)");
  }

  @Test
  void theDemosRowsOnTheAmdVm_giveFourFindingsThatShow_andOneThatDoesNot() {
    List<Demo.Line> lines = List.of(
        line("dense (level 0)", 0.547, 4_380_000_000L, 16_260_000),
        line("ticket, direct pruning", 0.559, 910_000_000L, 3_820_000),
        line("random pruning (control)", 0.275, 910_000_000L, 3_820_000),
        line("ImageNet ticket", 0.624, 4_300_000_000L, 7_680_000),
        line("mask transfer", 0.532, 4_300_000_000L, 7_680_000));
    assertThat(strings(Demo.findings(lines, null))).containsExactly(
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
    assertThat(strings(Demo.findings(lines, null))).containsExactly(
        "the 80% ticket within a few AP points of dense: does not show here (0.540 vs 0.600)",
        "random pruning clearly below the ticket: does not show here (0.500 vs 0.540)",
        "disk size falling faster than MACs: shows here (10.0x smaller on disk, 2.0x fewer MACs)");
  }

  @Test
  void withoutTheDenseOrTicketRows_thereIsNothingToRead() {
    assertThat(Demo.findings(List.of(line("dense (level 0)", 0.5, 1, 1)), null)).isEmpty();
    assertThat(Demo.findings(List.of(line("ticket, direct pruning", 0.5, 1, 1)), null)).isEmpty();
  }
}
