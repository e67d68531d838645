package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.cli.Main;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.Mask;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lottery run killed with SIGKILL in the middle of a level (in a child JVM) and restarted with
 * the same command ends with bit-identical masks, weights and metrics to an uninterrupted run, for a
 * classifier and for a tiny Faster R-CNN.
 */
@Tag("engine")
class LotteryKillResumeTest {
  @TempDir Path dir;

  @Test
  void sigkillMidLevel_thenSameCommand_givesBitIdenticalResults() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    Path cfg = Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "data: {train: train}",
        "model: {arch: resnet18, width: 0.125}",
        "training: {iterations: 14it, batch: 6, size: 32, lr: 0.02, schedule: cosine}",
        "pruning: {sparsity: 0.8, rounds: 2}",
        "rewind: {at: 2it}",
        "seed: 11", ""));
    assertKillResumeBitIdentical(cfg, "checkpoint_2.tlck", "checkpoint_14.tlck");
  }

  @Test
  void detector_sigkillMidLevel_thenSameCommand_givesBitIdenticalResults() throws Exception {
    // no validation set: COCO evaluation is covered by DetectorLotteryTest; this stays under a minute
    Path cfg = DetectorLotteryTest.tinyConfig(dir, "det", "paper-coco", false, "");
    assertKillResumeBitIdentical(cfg, "checkpoint_2.tlck", "checkpoint_4.tlck");
  }

  /**
   * Runs {@code cfg} uninterrupted into {@code a}; then in a child JVM into {@code b}, killed with
   * SIGKILL as soon as level 0 wrote {@code killAt} (mid-level); then the same command again: both
   * levels' {@code finalCheckpoint}, metrics.csv and level 1's mask must be bit-identical.
   */
  private void assertKillResumeBitIdentical(Path cfg, String killAt, String finalCheckpoint) throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertThat(run(cfg, a)).isZero();

    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "lottery", "--config", cfg.toString(), "--root", b.toString(), "--quiet")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // kill it as soon as level 0 has passed its rewind point, i.e. in the middle of the level
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    boolean killedMidway = false;
    while (child.isAlive() && System.nanoTime() < deadline) {
      if (exists(b, "replicate_0/level_0/main/" + killAt)) {
        child.destroyForcibly(); // SIGKILL
        killedMidway = true;
        break;
      }
      Thread.sleep(20);
    }
    child.waitFor(30, TimeUnit.SECONDS);
    assertThat(killedMidway).as("the child was killed mid-run").isTrue();
    assertThat(exists(b, "replicate_0/level_1/main/level.json")).isFalse();

    assertThat(run(cfg, b)).isZero();
    for (String level : List.of("level_0", "level_1")) {
      Path la = find(a, "replicate_0/" + level + "/main");
      Path lb = find(b, "replicate_0/" + level + "/main");
      assertThat(TicketCheckpoint.read(lb.resolve(finalCheckpoint)).weights())
          .as(level + " final weights")
          .isEqualTo(TicketCheckpoint.read(la.resolve(finalCheckpoint)).weights());
      assertThat(Files.readAllLines(lb.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(la.resolve("metrics.csv")));
    }
    Mask ma = Mask.of(TicketCheckpoint.read(find(a, "replicate_0/level_1/main").resolve("mask.tlck")).masks());
    Mask mb = Mask.of(TicketCheckpoint.read(find(b, "replicate_0/level_1/main").resolve("mask.tlck")).masks());
    assertThat(mb).isEqualTo(ma);
  }

  private static int run(Path cfg, Path root) {
    return Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        "lottery", "--config", cfg.toString(), "--root", root.toString(), "--quiet");
  }

  private static boolean exists(Path root, String rel) throws Exception {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.anyMatch(p -> Files.exists(p.resolve(rel)));
    }
  }

  private static Path find(Path root, String rel) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().startsWith("lottery_")).findFirst().orElseThrow().resolve(rel);
    }
  }
}
