package io.ticketlab.lottery.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.ExperimentLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep's axes expand into ordinary experiments (the product of the axes, each with lottery's run
 * id); transfer grids take their sources from other grids' cells, which gives the dependencies; bad
 * input is one line naming the sweep file and the key.
 */
class SweepTest {
  private static final String EXPERIMENT = String.join("\n",
      "  data: {train: train}",
      "  model: {arch: resnet18, width: 0.125}",
      "  training: {iterations: 20it, batch: 6, size: 32, lr: 0.02}",
      "  pruning: {sparsity: 0.8, rounds: 2}", "");
  private static final String BASE = "base:\n" + EXPERIMENT + "axes:\n";
  private static final String CLASSIFIER = "{data: {train: crops}, model: {arch: resnet18, width: 0.125},"
      + " training: {iterations: 20it, batch: 6, size: 32, lr: 0.02}, pruning: {sparsity: 0.8, rounds: 2}}";
  private static final String DETECTOR = "{task: det, data: {train: train/annotations.json},"
      + " model: {arch: resnet18, width: 0.125, min_size: [64], max_size: 64}, training: {iterations: 4it}}";

  @TempDir Path dir;

  private Sweep parse(String text) {
    return Sweep.parse(dir.resolve("s.yaml"), text, dir.resolve("runs"));
  }

  private static ExperimentSpec byHand(String yaml) {
    return ExperimentSpec.resolve(ExperimentConfig.parse(Path.of("x.yaml"), yaml),
        (key, value, why) -> new BadInputException(key + " " + value + " " + why));
  }

  @Test
  void axes_expandIntoTheirProduct_eachCellWithTheRunIdLotteryWouldUse() {
    List<Sweep.Cell> cells = parse(BASE + "  pruning.sparsity: [0.5, 0.8, 0.9]\n  seed: [0, 1]\n").cells();
    assertThat(cells).hasSize(6);
    assertThat(cells.stream().map(Sweep.Cell::runId).distinct()).hasSize(6);
    assertThat(cells.get(5).values()).containsEntry("pruning.sparsity", "0.9").containsEntry("seed", "1");
    assertThat(cells.get(1).values()).containsEntry("pruning.sparsity", "0.5").containsEntry("seed", "1");
    assertThat(cells).allSatisfy(c -> assertThat(c.dependencies()).isEmpty());
    // the same experiment written as a config by hand has the same run id
    String yaml = EXPERIMENT.replace("sparsity: 0.8", "sparsity: 0.9").lines().map(String::strip)
        .reduce("", (a, b) -> a + b + "\n") + "seed: 1\n";
    assertThat(cells.get(5).runId()).isEqualTo(byHand(yaml).runId());
    assertThat(cells.get(5).experiment().base()).isEqualTo(dir.toAbsolutePath());
  }

  @Test
  void aBaseFile_givesTheRunIdsOfTheInlineBase_andResolvesPathsAgainstItsFolder() throws Exception {
    Files.createDirectories(dir.resolve("configs"));
    Files.writeString(dir.resolve("configs/base.yaml"), EXPERIMENT.lines().map(String::strip)
        .reduce("", (a, b) -> a + b + "\n"));
    Sweep fromFile = parse("base: configs/base.yaml\naxes:\n  seed: [3, 4]\n");
    Sweep inline = parse(BASE + "  seed: [3, 4]\n");
    assertThat(fromFile.cells()).extracting(Sweep.Cell::runId)
        .containsExactlyElementsOf(inline.cells().stream().map(Sweep.Cell::runId).toList());
    assertThat(fromFile.cells().get(0).experiment().base()).isEqualTo(dir.resolve("configs").toAbsolutePath());
    // a bad key of the base file is named in that file
    Files.writeString(dir.resolve("configs/bad.yaml"), "data: {train: t}\npruning: {sparsity: 0.8, rounds: 1}\n");
    assertThatThrownBy(() -> parse("base: configs/bad.yaml\naxes: {seed: [1]}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(dir.resolve("configs/bad.yaml") + ": pruning.rounds");
    assertThatThrownBy(() -> parse("base: configs/none.yaml\naxes: {seed: [1]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(dir.resolve("s.yaml") + ": base: bad value configs/none.yaml: no such config file");
  }

  @Test
  void anInvalidAxisValue_orAnUnknownAxisKey_isNamedByItsAxis() {
    String s = dir.resolve("s.yaml") + ": ";
    assertThatThrownBy(() -> parse(BASE + "  pruning.sparsity: [0.5, 1.0]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.pruning.sparsity: bad value 1.0: ");
    assertThatThrownBy(() -> parse(BASE + "  pruning.sparsityy: [0.5]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.pruning.sparsityy: unknown key (known here:")
        .hasMessageNotContaining("line");
    assertThatThrownBy(() -> parse(BASE + "  seed: [one]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.seed: bad value one: expected")
        .hasMessageNotContaining("line");
    assertThatThrownBy(() -> parse("base: {data: {train: t}, pruning: {sparsity: 0.8}, trainin: {}}\naxes: {seed: [1]}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "base.trainin: unknown key");
    assertThatThrownBy(() -> parse(BASE + "  seed: []\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.seed");
    assertThatThrownBy(() -> parse("axes: {seed: [1]}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "base: ");
    assertThatThrownBy(() -> parse(BASE + "  seed: [1]\nresource: {}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "resource: unknown key");
    assertThatThrownBy(() -> parse(BASE + "  \"task, data.train\": [[det, a.json], [seg]]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.task, data.train: bad value [\"seg\"]");
    // an axis that changes nothing gives two cells of one experiment
    assertThatThrownBy(() -> parse(BASE + "  replicates: [1, 2]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes: bad value main replicates=2")
        .hasMessageContaining("the same experiment as cell 0");
  }

  @Test
  void linkedAxes_setSeveralKeysTogether() {
    List<Sweep.Cell> cells = parse("base: " + DETECTOR + "\naxes:\n  pruning.sparsity: [0.5]\n"
        + "  \"task, data.train\": [[det, a/instances.json], [kp, a/keypoints.json]]\n").cells();
    assertThat(cells).hasSize(2);
    assertThat(cells.get(1).experiment().spec().task().key()).isEqualTo("kp");
    assertThat(cells.get(1).experiment().spec().data().train()).isEqualTo("a/keypoints.json");
    assertThat(cells.get(0).values()).containsEntry("task", "det").containsEntry("data.train", "a/instances.json");
  }

  @Test
  void aTransferGrid_takesTheLevelFolderOfTheCellItsValuesName_andDependsOnIt() {
    Sweep sweep = parse(String.join("\n",
        "grids:",
        "  classify:",
        "    base: " + CLASSIFIER,
        "    axes: {pruning.sparsity: [0.5, 0.8], model.width: [0.125, 0.25]}",
        "  ticket:",
        "    base: " + DETECTOR,
        "    source: {grid: classify, level: last, same: [model.width]}",
        "    axes: {transfer.kind: [imagenet-ticket], source.pruning.sparsity: [0.8, 0.5], model.width: [0.25]}",
        "  mask:",
        "    base: " + DETECTOR,
        "    source: {grid: classify, level: 0, match: {pruning.sparsity: 0.5}, same: [model.width]}",
        "    axes: {transfer.kind: [mask], transfer.prune: [0.9], model.width: [0.125]}", ""));
    List<Sweep.Cell> cells = sweep.cells();
    assertThat(cells).hasSize(7);
    // ticket 0.8 at width 0.25 is classify cell 3 (0.8, 0.25); ticket 0.5 is cell 1 (0.5, 0.25)
    assertThat(cells.get(4).dependencies()).containsExactly(3);
    assertThat(cells.get(5).dependencies()).containsExactly(1);
    assertThat(cells.get(6).dependencies()).containsExactly(0);
    Path root = dir.resolve("runs").toAbsolutePath();
    assertThat(dir.toAbsolutePath().resolve(cells.get(4).experiment().spec().transfer().source()).normalize())
        .isEqualTo(ExperimentLayout.of(root, cells.get(3).runId()).level(0, 1));
    assertThat(dir.toAbsolutePath().resolve(cells.get(6).experiment().spec().transfer().source()).normalize())
        .isEqualTo(ExperimentLayout.of(root, cells.get(0).runId()).level(0, 0));
    // the run id is that of ticketlab lottery on the same config with that source
    String yaml = "task: det\ndata: {train: train/annotations.json}\n"
        + "model: {arch: resnet18, width: 0.25, min_size: [64], max_size: 64}\ntraining: {iterations: 4it}\n"
        + "transfer: {kind: imagenet-ticket, source: " + cells.get(4).experiment().spec().transfer().source() + "}\n";
    assertThat(cells.get(4).runId()).isEqualTo(byHand(yaml).runId());
    assertThat(sweep.stages()).hasSize(2);
    assertThat(sweep.stages().get(0)).extracting(Sweep.Cell::index).containsExactly(0, 1, 2, 3);
    assertThat(sweep.stages().get(1)).extracting(Sweep.Cell::index).containsExactly(4, 5, 6);
  }

  @Test
  void aTransferOfATransfer_isAThirdStage() {
    Sweep sweep = parse(String.join("\n",
        "grids:",
        "  cross:",
        "    base: " + DETECTOR,
        "    source: {grid: ticket}",
        "    axes: {transfer.kind: [task], task: [seg]}",
        "  classify: {base: " + CLASSIFIER + "}",
        "  ticket:",
        "    base: " + DETECTOR,
        "    source: {grid: classify}",
        "    axes: {transfer.kind: [imagenet-ticket], task: [kp]}", ""));
    assertThat(sweep.cells()).extracting(Sweep.Cell::grid).containsExactly("cross", "classify", "ticket");
    assertThat(sweep.cells().get(0).dependencies()).containsExactly(2);
    assertThat(sweep.cells().get(2).dependencies()).containsExactly(1);
    assertThat(sweep.stages()).extracting(s -> s.get(0).index()).containsExactly(1, 2, 0);
  }

  @Test
  void sourcesThatNameNoCell_severalCells_noGrid_orACycle_areOneLineEach() {
    String s = dir.resolve("s.yaml") + ": ";
    String classify = "grids:\n  classify:\n    base: " + CLASSIFIER + "\n    axes: {pruning.sparsity: [0.5, 0.8]}\n";
    String ticket = "  ticket:\n    base: " + DETECTOR + "\n";
    assertThatThrownBy(() -> parse(classify + ticket
        + "    source: {grid: classify}\n    axes: {transfer.kind: [imagenet-ticket], source.pruning.sparsity: [0.9]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source: bad value pruning.sparsity=0.9: names no cell of grid classify");
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: classify}\n    axes: {transfer.kind: [mask]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source: bad value any cell: names 2 cells of grid classify");
    // a key of the transfer's own is compared only when source.same lists it
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: classify, same: [pruning.sparsity]}\n"
        + "    axes: {transfer.kind: [mask], transfer.prune: [0.5]}\n"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("names 2 cells");
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: classify, same: [model.arch]}\n"
        + "    axes: {transfer.kind: [mask], transfer.prune: [0.5]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source.same: bad value model.arch: not an axis of grid classify");
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: clasify}\n    axes: {transfer.kind: [mask]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source.grid: bad value clasify: names no grid (grids: classify, ticket)");
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: classify, match: {seed: 1}}\n"
        + "    axes: {transfer.kind: [mask]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source.match.seed: not an axis of grid classify");
    assertThatThrownBy(() -> parse(classify + ticket + "    source: {grid: classify, level: 2, match: {pruning.sparsity: 0.5}}\n"
        + "    axes: {transfer.kind: [mask]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.ticket.source.level: bad value 2: cell 0");
    assertThatThrownBy(() -> parse("grids:\n  a:\n    base: " + DETECTOR + "\n    source: {grid: b}\n"
        + "    axes: {transfer.kind: [task]}\n  b:\n    base: " + DETECTOR + "\n    source: {grid: a}\n"
        + "    axes: {transfer.kind: [task]}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.a.source.grid: bad value b: dependency cycle: a -> b -> a");
    assertThatThrownBy(() -> parse("grids:\n  a:\n    base: " + DETECTOR + "\n    source: {grid: a}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(s + "grids.a.source.grid: bad value a: dependency cycle: a -> a");
    assertThatThrownBy(() -> parse(BASE + "  source.seed: [1]\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "axes.source.seed: a source axis needs");
  }

  @Test
  void resources_areCheckedWhenTheSweepIsRead() {
    String s = dir.resolve("s.yaml") + ": ";
    Sweep ok = parse(BASE + "  seed: [1]\nresources: {partition: gpu, gpus: 2, cpus: 16, memory: 64G, time: \"1-12:00:00\"}\n");
    assertThat(ok.resources()).isEqualTo(new Sweep.Resources("gpu", 2, 16, "64G", "1-12:00:00"));
    assertThat(SlurmTime.seconds("1-12:00:00")).isEqualTo(36 * 3600);
    assertThat(SlurmTime.seconds("90")).isEqualTo(90 * 60);
    assertThat(SlurmTime.seconds("1:30:05")).isEqualTo(3600 + 1800 + 5);
    assertThat(SlurmTime.seconds("2-3")).isEqualTo(51 * 3600);
    assertThatThrownBy(() -> parse(BASE + "  seed: [1]\nresources: {time: soon}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "resources.time: bad value soon");
    assertThatThrownBy(() -> parse(BASE + "  seed: [1]\nresources: {memory: lots}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "resources.memory: bad value lots");
    assertThatThrownBy(() -> parse(BASE + "  seed: [1]\nresources: {cpus: 0}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "resources.cpus: bad value 0");
    assertThatThrownBy(() -> parse(BASE + "  seed: [1]\nresources: {nodes: 2}\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(s + "resources.nodes: unknown key");
  }

  @Test
  void aCellIsDone_whenEveryLevelOfEveryReplicateHasItsRecord() throws Exception {
    Sweep sweep = parse(BASE + "  replicates: [2]\n");
    Sweep.Cell cell = sweep.cells().get(0);
    Path root = dir.resolve("runs");
    ExperimentLayout layout = cell.experiment().layout(root);
    assertThat(Sweep.isDone(cell, root)).isFalse();
    for (int r = 0; r < 2; r++) {
      for (int level = 0; level < 2; level++) {
        assertThat(Sweep.isDone(cell, root)).isFalse();
        Files.createDirectories(layout.level(r, level));
        Files.writeString(ExperimentLayout.record(layout.level(r, level)), "{}");
      }
    }
    assertThat(Sweep.isDone(cell, root)).isTrue();
    Experiment e = cell.experiment();
    assertThat(e.spec().replicates()).isEqualTo(2);
  }
}
