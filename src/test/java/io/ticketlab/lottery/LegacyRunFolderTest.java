package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders written by TicketLab 0.1 (committed fixture {@code legacy/runs-0.1}): the same config
 * is not retrained silently under this version's defaults — the command refuses with one line
 * saying what to do — and {@code lottery status} still reads their level records.
 */
class LegacyRunFolderTest {
  @TempDir Path dir;

  private Path copyFixture() throws Exception {
    Path from = Path.of(getClass().getResource("/legacy/runs-0.1").toURI());
    Path root = dir.resolve("runs");
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path to = root.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Files.writeString(dir.resolve("exp.yaml"), String.join("\n", // the config the fixture was written for
        "data: {train: train, val: val}",
        "model: {arch: resnet18, width: 0.125}",
        "training: {iterations: 5it, batch: 6, size: 32, lr: 0.02, schedule: step, milestones: [1000it]}",
        "pruning: {preset: classifier-convs, sparsity: 0.8, rounds: 2}",
        "rewind: {at: 2it, optimizer: true}",
        "early_bird: {fractions: [0.6]}",
        "seed: 3", ""));
    return root;
  }

  @Test
  void theSameConfig_isRefusedWithOneLine_andNothingIsWritten() throws Exception {
    Path root = copyFixture();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err),
        "lottery", "--config", dir.resolve("exp.yaml").toString(), "--root", root.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).doesNotContain("\n")
        .contains("lottery_992f64fcbbc7").contains("TicketLab 0.1").contains("Move it aside");
    try (Stream<Path> s = Files.list(root)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("lottery_992f64fcbbc7", "README.md");
    }
  }

  @Test
  void status_readsTheOldLevelRecords() throws Exception {
    Path root = copyFixture();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "lottery", "status", "--root", root.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("lottery_992f64fcbbc7  (written by TicketLab 0.1: not continued by this version)")
        .contains("replicate_0/level_0/main: done: prune 0.00%, network sparsity 0.00%, top-1 0.5000");
    LevelRecord r = LevelRecord.read(root.resolve("lottery_992f64fcbbc7/replicate_0/level_0/main/level.json"));
    assertThat(r.metricName()).isEqualTo("top1");
    assertThat(r.metrics()).containsEntry("top1", 0.5).containsEntry("top5", 1.0);
  }
}
