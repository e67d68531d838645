package io.ticketlab.lottery.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sweep's axes expand into ordinary experiments: the product of the axes, each with lottery's run id. */
class SweepCellsTest {
  private static final String EXPERIMENT = String.join("\n",
      "  data: {train: train}",
      "  model: {arch: resnet18, width: 0.125}",
      "  training: {iterations: 20it, batch: 6, size: 32, lr: 0.02}",
      "  pruning: {sparsity: 0.8, rounds: 2}", "");
  private static final String BASE = "base:\n" + EXPERIMENT + "axes:\n";

  @Test
  void axes_expandIntoTheirProduct_eachCellWithTheRunIdLotteryWouldUse() {
    List<SweepCells.Cell> cells = SweepCells.expand(Path.of("s.yaml"),
        BASE + "  pruning.sparsity: [0.5, 0.8, 0.9]\n  seed: [0, 1]\n");
    assertThat(cells).hasSize(6);
    assertThat(cells.stream().map(SweepCells.Cell::runId).distinct()).hasSize(6);
    assertThat(cells.get(5).values()).containsEntry("pruning.sparsity", "0.9").containsEntry("seed", "1");
    // the same experiment written as a config by hand has the same run id
    String byHand = EXPERIMENT.replace("sparsity: 0.8", "sparsity: 0.9").lines().map(String::strip)
        .reduce("", (a, b) -> a + b + "\n") + "seed: 1\n";
    ExperimentSpec spec = ExperimentSpec.resolve(ExperimentConfig.parse(Path.of("x.yaml"), byHand),
        (key, value, why) -> new BadInputException(key + " " + value + " " + why));
    assertThat(cells.get(5).runId()).isEqualTo(spec.runId());
  }

  @Test
  void anInvalidAxisValue_orAnUnknownAxisKey_isNamedByItsAxis() {
    assertThatThrownBy(() -> SweepCells.expand(Path.of("s.yaml"), BASE + "  pruning.sparsity: [0.5, 1.0]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("s.yaml: axes.pruning.sparsity");
    assertThatThrownBy(() -> SweepCells.expand(Path.of("s.yaml"), BASE + "  pruning.sparsityy: [0.5]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("s.yaml: axes.pruning.sparsityy");
    assertThatThrownBy(() -> SweepCells.expand(Path.of("s.yaml"), BASE + "  seed: []\n"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("axes.seed");
    assertThatThrownBy(() -> SweepCells.expand(Path.of("s.yaml"), "axes: {seed: [1]}\n"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("base");
  }
}
