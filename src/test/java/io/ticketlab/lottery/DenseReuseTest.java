package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.config.ExperimentSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments that differ only in how they prune share their dense level 0: copied from a finished
 * one under the same root, it holds the same bytes as a level 0 trained afresh, and the pruned
 * levels that follow it are byte-identical to those of an experiment that trained everything itself.
 * Other training, a missing rewind checkpoint or an unfinished source are never reused.
 */
@Tag("engine")
class DenseReuseTest {
  @TempDir Path dir;

  private Path variant(Path base, String name, String from, String to) throws Exception {
    String text = Files.readString(base);
    assertThat(text).contains(from);
    return Files.writeString(base.resolveSibling(name), text.replace(from, to));
  }

  @Test
  void aPruningVariant_reusesTheDenseLevel_andEndsWithTheBytesOfAFreshRun() throws Exception {
    Path a = DetectorLotteryTest.tinyConfig(dir, "det", "paper-coco", true, "");
    // another sparsity, strategy and prunable set: the same dense training
    Path b = variant(a, "b.yaml", "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 2}",
        "pruning: {preset: backbone-only, strategy: layerwise, sparsity: 0.5, rounds: 3}");
    Experiment ea = Experiment.read(a);
    Experiment eb = Experiment.read(b);
    assertThat(eb.spec().runId()).isNotEqualTo(ea.spec().runId());
    assertThat(eb.spec().trainingJson()).isEqualTo(ea.spec().trainingJson());

    Path root = dir.resolve("runs");
    LotteryRunner.run(ea, root, null, null, false, null);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<LotteryRunner.LevelOutcome> shared =
        LotteryRunner.run(eb, root, null, null, false, new PrintStream(log, true, StandardCharsets.UTF_8));
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("replicate 0, level 0: the same dense training as lottery_" + ea.spec().runId() + ", reused");
    Path reused = eb.layout(root).level(0, 0);
    assertThat(Files.readString(ExperimentLayout.reusedFrom(reused)))
        .contains("\"experiment\" : \"lottery_" + ea.spec().runId() + "\"")
        .contains("\"folder\" : \"replicate_0/level_0/main\"");
    assertThat(shared).hasSize(3);

    // the same experiment alone under another root trains its level 0 itself
    Path alone = dir.resolve("alone");
    List<LotteryRunner.LevelOutcome> fresh = LotteryRunner.run(eb, alone, null, null, false, null);
    Path trained = eb.layout(alone).level(0, 0);
    assertThat(ExperimentLayout.reusedFrom(trained)).doesNotExist();
    for (int level = 0; level < 3; level++) {
      Path x = eb.layout(root).level(0, level);
      Path y = eb.layout(alone).level(0, level);
      Set<String> names = files(y);
      names.remove("provenance.json"); // who ran it and when
      assertThat(files(x)).containsAll(names);
      for (String f : names) {
        assertThat(Files.readAllBytes(x.resolve(f))).as("level %d: %s", level, f).isEqualTo(Files.readAllBytes(y.resolve(f)));
      }
    }
    assertThat(shared.get(2).record()).isEqualTo(fresh.get(2).record());
    try (Stream<Path> s = Files.list(reused.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("main"); // no staging left
    }
  }

  @Test
  void otherTraining_aMissingRewindPoint_orAnUnfinishedSource_isNotReused() throws Exception {
    Path a = DetectorLotteryTest.tinyConfig(dir, "det", "paper-coco", false, "");
    Path root = dir.resolve("runs");
    Experiment ea = Experiment.read(a);
    Path lr = variant(a, "lr.yaml", "lr: 0.01", "lr: 0.005");
    Path rewind = variant(a, "rewind.yaml", "rewind: {at: 2it, optimizer: true}", "rewind: {at: 3it, optimizer: true}");
    Path sparsity = variant(a, "sparsity.yaml", "sparsity: 0.8", "sparsity: 0.6");

    // a source whose level 0 has not finished is not a source
    Files.createDirectories(ea.layout(root).level(0, 0));
    ExperimentSpec spec = ea.spec();
    LotteryRunner.writeSpec(ea.layout(root), spec);
    assertThat(DenseReuse.source(root, Experiment.read(sparsity).layout(root), Experiment.read(sparsity).spec(), 0,
        List.of(2L, 4L))).isNull();

    LotteryRunner.run(ea, root, 0, null, false, null);
    assertThat(DenseReuse.source(root, Experiment.read(sparsity).layout(root), Experiment.read(sparsity).spec(), 0,
        List.of(2L, 4L))).isEqualTo(ea.layout(root).level(0, 0));
    // replicate 1 (another seed) has no finished level 0 anywhere
    assertThat(DenseReuse.source(root, Experiment.read(sparsity).layout(root), Experiment.read(sparsity).spec(), 1,
        List.of(2L, 4L))).isNull();
    for (Path other : List.of(lr, rewind)) {
      Experiment e = Experiment.read(other);
      LotteryRunner.run(e, root, 0, null, false, null);
      assertThat(ExperimentLayout.reusedFrom(e.layout(root).level(0, 0))).as(other.toString()).doesNotExist();
      assertThat(ExperimentLayout.record(e.layout(root).level(0, 0))).exists();
    }
    // what a killed copy left is removed, and the copy is made again
    Experiment es = Experiment.read(sparsity);
    Path staging = es.layout(root).level(0, 0).resolveSibling(".main.reuse");
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("checkpoint_4.tlck"), "half");
    LotteryRunner.run(es, root, 0, null, false, null);
    assertThat(staging).doesNotExist();
    assertThat(Files.readAllBytes(ExperimentLayout.checkpoint(es.layout(root).level(0, 0), 4)))
        .isEqualTo(Files.readAllBytes(ExperimentLayout.checkpoint(ea.layout(root).level(0, 0), 4)));
  }

  private static Set<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(ExperimentLayout.REUSED_FROM)).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
