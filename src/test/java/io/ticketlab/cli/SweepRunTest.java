package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.sweep.Sweep;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab sweep run --jobs 2} on a tiny classifier grid gives the same level records
 * (byte for byte), final weights and masks as running its cells one by one with {@code sweep
 * run-cell}; run again, it trains nothing. A transfer cell runs after its source cell, from the
 * source's level folder, and is the experiment {@code ticketlab lottery} runs for the same config.
 */
@Tag("engine")
class SweepRunTest {
  @TempDir Path dir;

  private static int runCellInChild(Path sweep, Path root, int index) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--threads", "1", "sweep", "run-cell", sweep.toString(), "--root", root.toString(), "--index",
        Integer.toString(index), "--quiet").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void jobs2_givesTheResultsOfTheCellsRunOneByOne_andARerunTrainsNothing() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 4, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    Path file = Files.writeString(dir.resolve("sweep.yaml"), String.join("\n",
        "base:",
        "  data: {train: train, val: val}",
        "  model: {arch: resnet18, width: 0.125}",
        "  training: {iterations: 6it, batch: 6, size: 32, lr: 0.02}",
        "  rewind: {at: 2it}",
        "axes:",
        "  pruning.sparsity: [0.5, 0.8]", ""));
    Path one = dir.resolve("one-by-one");
    Path parallel = dir.resolve("parallel");
    Sweep sweep = Sweep.read(file, one);
    for (Sweep.Cell c : sweep.cells()) {
      assertThat(runCellInChild(file, one, c.index())).as("cell " + c.index()).isZero();
    }

    MainTest.Outcome o = MainTest.run("sweep", "run", file.toString(), "--root", parallel.toString(), "--jobs", "2",
        "--threads-per-job", "1", "--quiet");
    assertThat(o.exitCode()).as(o.out() + o.err()).isZero();
    assertThat(o.out()).contains("2 of 2 cells done");
    for (Sweep.Cell c : sweep.cells()) {
      ExperimentLayout a = c.experiment().layout(one);
      ExperimentLayout b = c.experiment().layout(parallel);
      for (int level : LotteryRunner.levels(c.experiment().spec())) {
        Path la = a.level(0, level);
        Path lb = b.level(0, level);
        assertThat(Files.readAllBytes(ExperimentLayout.record(lb))).as(c.label() + " level " + level)
            .isEqualTo(Files.readAllBytes(ExperimentLayout.record(la)));
        assertThat(TicketCheckpoint.read(ExperimentLayout.checkpoint(lb, 6)).weights())
            .isEqualTo(TicketCheckpoint.read(ExperimentLayout.checkpoint(la, 6)).weights());
        if (level > 0) {
          assertThat(Files.readAllBytes(ExperimentLayout.mask(lb))).isEqualTo(Files.readAllBytes(ExperimentLayout.mask(la)));
        }
      }
      assertThat(Files.readString(ExperimentLayout.record(a.level(0, 1)))).contains("top1");
    }
    // the two sparsities differ (the comparison is not of two copies of one run)
    assertThat(Files.readString(ExperimentLayout.record(sweep.cells().get(0).experiment().layout(one).level(0, 1))))
        .isNotEqualTo(Files.readString(ExperimentLayout.record(sweep.cells().get(1).experiment().layout(one).level(0, 1))));

    long before = Files.getLastModifiedTime(ExperimentLayout.record(sweep.cells().get(0).experiment().layout(parallel)
        .level(0, 1))).toMillis();
    MainTest.Outcome again = MainTest.run("sweep", "run", file.toString(), "--root", parallel.toString(), "--jobs", "2");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.err()).doesNotContain("started");
    assertThat(Files.getLastModifiedTime(ExperimentLayout.record(sweep.cells().get(0).experiment().layout(parallel)
        .level(0, 1))).toMillis()).isEqualTo(before);
    MainTest.Outcome status = MainTest.run("sweep", "status", file.toString(), "--root", parallel.toString());
    assertThat(status.out().lines().findFirst().orElseThrow()).isEqualTo("done 2, running 0, failed 0, stopped 0, ready 0, waiting 0");
    assertThat(List.of(sweep.cells().get(0).runId(), sweep.cells().get(1).runId())).doesNotHaveDuplicates();
  }

  @Test
  void aTransferCell_runsAfterItsSource_fromItsLevelFolder_asTheSameExperimentLotteryRuns() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("crops"), 4, 3);
    io.ticketlab.data.synth.SynthGenerator.write(dir.resolve("train"),
        new io.ticketlab.data.synth.SynthOptions(4, 1, 128, io.ticketlab.data.synth.SynthOptions.Split.train));
    String detector = "model: {arch: resnet18, width: 0.25, fpn_channels: 32, head_width: 64, min_size: [128],"
        + " max_size: 128, scratch: true}, training: {iterations: 3it, batch: 2, lr: 0.01, warmup: 1it}";
    Path file = Files.writeString(dir.resolve("sweep.yaml"), String.join("\n",
        "grids:",
        "  ticket:",
        "    base: {task: det, data: {train: train/annotations.json}, " + detector + "}",
        "    source: {grid: classify, level: last}",
        "    axes: {transfer.kind: [imagenet-ticket]}",
        "  classify:",
        "    base: {data: {train: crops}, model: {arch: resnet18, width: 0.25},"
            + " training: {iterations: 4it, batch: 6, size: 32, lr: 0.02}, pruning: {sparsity: 0.8, rounds: 2}}", ""));
    Path root = dir.resolve("runs");
    MainTest.Outcome o = MainTest.run("sweep", "run", file.toString(), "--root", root.toString(), "--jobs", "2",
        "--threads-per-job", "1", "--quiet");
    assertThat(o.exitCode()).as(o.out() + o.err()).isZero();
    Sweep sweep = Sweep.read(file, root);
    Sweep.Cell ticket = sweep.cells().get(0);
    assertThat(Sweep.isDone(ticket, root)).isTrue();
    // the transfer started after its source's last level record was written (run-cell refuses it before)
    String header = Files.readAllLines(ticket.experiment().layout(root).sweepLog()).get(0);
    java.time.Instant started = java.time.Instant.parse(header.substring(header.lastIndexOf(", ") + 2));
    assertThat(started).isAfterOrEqualTo(Files.getLastModifiedTime(ExperimentLayout.record(
        sweep.cells().get(1).experiment().layout(root).level(0, 1))).toInstant());
    // ticketlab lottery on the same target config with that source is the same experiment, done before
    Path source = sweep.cells().get(1).experiment().layout(root).level(0, 1);
    Path target = Files.writeString(dir.resolve("target.yaml"), String.join("\n",
        "task: det", "data: {train: train/annotations.json}",
        detector.replace("}, training:", "}\ntraining:"),
        "transfer: {kind: imagenet-ticket, source: " + dir.relativize(source) + "}", ""));
    MainTest.Outcome lottery = MainTest.run("lottery", "--config", target.toString(), "--root", root.toString(), "--quiet");
    assertThat(lottery.exitCode()).as(lottery.err()).isZero();
    assertThat(lottery.out()).contains(ticket.runId()).contains("(done before)");
  }
  /**
   * {@code sweep run --jobs 2} killed with its children (SIGKILL to the whole tree, as a crash or an
   * out-of-memory kill), then stopped by SIGTERM (Ctrl-C, a scheduler): SIGTERM stops the parent and
   * both children within 10 s; a third run finishes, and every level record, checkpoint and mask
   * equals an uninterrupted run's; no temp file is left.
   */
  @Test
  void killedAndStopped_theSweepResumes_toTheBytesOfAnUninterruptedRun() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 4, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    Path file = Files.writeString(dir.resolve("sweep.yaml"), String.join("\n",
        "base:",
        "  data: {train: train, val: val}",
        "  model: {arch: resnet18, width: 0.125}",
        "  training: {iterations: 24it, batch: 6, size: 32, lr: 0.02}",
        "  rewind: {at: 2it}",
        // a checkpoint at iteration 12 as well: the moment of the second interruption
        "  early_bird: {fractions: [0.5]}",
        "axes:",
        "  pruning.sparsity: [0.5, 0.8]", ""));
    Path reference = dir.resolve("uninterrupted");
    MainTest.Outcome o = MainTest.run("sweep", "run", file.toString(), "--root", reference.toString(), "--jobs", "2",
        "--threads-per-job", "1", "--quiet");
    assertThat(o.exitCode()).as(o.out() + o.err()).isZero();

    Path root = dir.resolve("interrupted");
    Sweep sweep = Sweep.read(file, root);
    // 1: SIGKILL to the parent and both children once the cells train
    Process first = startSweep(file, root);
    List<ProcessHandle> children = awaitTraining(first, sweep, root, 1);
    first.toHandle().destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (ProcessHandle c : children) {
      c.onExit().get(30, TimeUnit.SECONDS);
    }
    // 2: SIGTERM to the parent alone, later in training: it and its children stop within 10 s
    Process second = startSweep(file, root);
    children = awaitTraining(second, sweep, root, 12);
    long t0 = System.nanoTime();
    second.toHandle().destroy();
    assertThat(second.waitFor(10, TimeUnit.SECONDS)).as("the sweep stops within 10 s of SIGTERM").isTrue();
    for (ProcessHandle c : children) {
      c.onExit().get(Math.max(1, 10 - TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)), TimeUnit.SECONDS);
    }
    boolean doneAlready = sweep.cells().stream().allMatch(c -> Sweep.isDone(c, root));
    assertThat(doneAlready).as("the children stopped on SIGTERM, before their cells were done").isFalse();
    // 3: run again to the end
    MainTest.Outcome third = MainTest.run("sweep", "run", file.toString(), "--root", root.toString(), "--jobs", "2",
        "--threads-per-job", "1", "--quiet");
    assertThat(third.exitCode()).as(third.out() + third.err()).isZero();
    assertThat(third.out()).contains("2 of 2 cells done");
    for (Sweep.Cell c : sweep.cells()) {
      ExperimentLayout a = c.experiment().layout(reference);
      ExperimentLayout b = c.experiment().layout(root);
      for (int level : LotteryRunner.levels(c.experiment().spec())) {
        assertThat(Files.readAllBytes(ExperimentLayout.record(b.level(0, level)))).as(c.label() + " level " + level)
            .isEqualTo(Files.readAllBytes(ExperimentLayout.record(a.level(0, level))));
        assertThat(Files.readAllBytes(ExperimentLayout.checkpoint(b.level(0, level), 24)))
            .isEqualTo(Files.readAllBytes(ExperimentLayout.checkpoint(a.level(0, level), 24)));
        if (level > 0) {
          assertThat(Files.readAllBytes(ExperimentLayout.mask(b.level(0, level))))
              .isEqualTo(Files.readAllBytes(ExperimentLayout.mask(a.level(0, level))));
        }
      }
    }
    try (java.util.stream.Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.startsWith(".tmp"))
          .toList()).isEmpty();
    }
  }

  private static Process startSweep(Path file, Path root) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "sweep", "run", file.toString(), "--root", root.toString(), "--jobs", "2", "--threads-per-job", "1",
        "--quiet").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Waits until a cell has a level-0 checkpoint past {@code iteration}; returns the sweep's children then. */
  private static List<ProcessHandle> awaitTraining(Process sweepProcess, Sweep sweep, Path root, int iteration)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (true) {
      assertThat(sweepProcess.isAlive()).as("the sweep runs until it is interrupted").isTrue();
      assertThat(System.nanoTime()).as("a cell trains within 240 s").isLessThan(deadline);
      for (Sweep.Cell c : sweep.cells()) {
        Path level0 = c.experiment().layout(root).level(0, 0);
        if (Files.isDirectory(level0)) {
          try (java.util.stream.Stream<Path> files = Files.list(level0)) {
            boolean past = files.map(p -> p.getFileName().toString())
                .filter(n -> n.matches("checkpoint_\\d+\\.tlck"))
                .anyMatch(n -> Integer.parseInt(n.replaceAll("\\D", "")) >= iteration);
            List<ProcessHandle> children = sweepProcess.toHandle().children().toList();
            if (past && !children.isEmpty()) {
              return children;
            }
          }
        }
      }
      Thread.sleep(20);
    }
  }
}
