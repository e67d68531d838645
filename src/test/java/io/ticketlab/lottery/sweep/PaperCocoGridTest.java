package io.ticketlab.lottery.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.ExperimentLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paper's COCO grid (Table 1): ResNet-18/50 × det/seg/kp × 50/80/90% × 3 replicates of direct
 * pruning, ImageNet-ticket and mask transfers of the same, and the six ImageNet lotteries they take
 * their tickets from ({@code src/test/resources/sweeps/paper-coco}).
 */
class PaperCocoGridTest {
  static Path sweepFile() throws URISyntaxException {
    return Path.of(PaperCocoGridTest.class.getResource("/sweeps/paper-coco/sweep.yaml").toURI());
  }

  @Test
  void everyCell_hasItsOwnRunId_andEveryTransferDependsOnTheImageNetCellOfItsBackboneAndSparsity() throws Exception {
    Path root = Path.of("/shared/runs");
    Sweep sweep = Sweep.read(sweepFile(), root);
    List<Sweep.Cell> cells = sweep.cells();
    Map<String, Long> perGrid = cells.stream().collect(
        java.util.stream.Collectors.groupingBy(Sweep.Cell::grid, java.util.stream.Collectors.counting()));
    assertThat(perGrid).containsExactlyInAnyOrderEntriesOf(
        Map.of("imagenet", 6L, "direct", 54L, "imagenet-ticket", 54L, "mask", 54L));
    assertThat(cells.stream().map(Sweep.Cell::runId).distinct()).hasSize(168);
    for (Sweep.Cell c : cells) {
      switch (c.grid()) {
        case "imagenet", "direct" -> {
          assertThat(c.dependencies()).as(c.label()).isEmpty();
          assertThat(c.experiment().spec().transfer()).isNull();
        }
        case "imagenet-ticket", "mask" -> {
          assertThat(c.dependencies()).as(c.label()).hasSize(1);
          Sweep.Cell source = cells.get(c.dependencies().get(0));
          assertThat(source.grid()).isEqualTo("imagenet");
          assertThat(source.values().get("model.arch")).as(c.label()).isEqualTo(c.values().get("model.arch"));
          boolean ticket = c.grid().equals("imagenet-ticket");
          assertThat(source.values().get("pruning.sparsity")).as(c.label())
              .isEqualTo(ticket ? c.values().get("source.pruning.sparsity") : "0.5");
          assertThat(c.experiment().spec().transfer().kind()).isEqualTo(ticket ? "imagenet-ticket" : "mask");
          Path folder = c.experiment().base().resolve(c.experiment().spec().transfer().source()).normalize();
          assertThat(folder).as(c.label()).isEqualTo(ExperimentLayout.of(root, source.runId()).level(0, ticket ? 1 : 0));
        }
        default -> throw new AssertionError(c.grid());
      }
    }
    // the keypoint cells read the keypoint annotations
    assertThat(cells.stream().filter(c -> "kp".equals(c.values().get("task"))))
        .hasSize(54).allSatisfy(c -> assertThat(c.experiment().spec().data().train()).contains("person_keypoints"));
    List<List<Sweep.Cell>> stages = sweep.stages();
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0)).hasSize(60).allSatisfy(c -> assertThat(c.grid()).isIn("imagenet", "direct"));
    assertThat(stages.get(1)).hasSize(108);
    assertThat(sweep.resources()).isEqualTo(new Sweep.Resources("gpu", 8, 32, "256G", "2-00:00:00"));
    assertThat(sweep.report()).isEqualTo(new Sweep.Report("report.html"));
  }
}
