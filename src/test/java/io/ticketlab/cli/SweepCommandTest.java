package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.ExperimentLock;
import io.ticketlab.lottery.sweep.Sweep;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticketlab sweep plan|status}, and bad sweeps refused in one line before anything is written. */
class SweepCommandTest {
  @TempDir Path dir;

  static Path paperGrid() throws URISyntaxException {
    return Path.of(SweepCommandTest.class.getResource("/sweeps/paper-coco/sweep.yaml").toURI());
  }

  private static void markDone(Sweep.Cell c, Path root) throws Exception {
    ExperimentLayout layout = c.experiment().layout(root);
    for (int r = 0; r < c.experiment().spec().replicates(); r++) {
      for (int level : io.ticketlab.lottery.LotteryRunner.levels(c.experiment().spec())) {
        Files.createDirectories(layout.level(r, level));
        Files.writeString(ExperimentLayout.record(layout.level(r, level)), "{}");
      }
    }
  }

  @Test
  void plan_listsEveryCellOfThePaperGrid_withItsRunIdDependenciesAndWhatIsDone() throws Exception {
    Path root = dir.resolve("runs");
    Sweep sweep = Sweep.read(paperGrid(), root);
    markDone(sweep.cells().get(2), root);
    MainTest.Outcome o = MainTest.run("sweep", "plan", paperGrid().toString(), "--root", root.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    List<String> lines = o.out().lines().toList();
    assertThat(lines.get(0)).endsWith(": 168 cells in 2 stages, 1 done (root " + root + ")");
    List<String> cellLines = lines.subList(2, 2 + 168);
    for (Sweep.Cell c : sweep.cells()) {
      String[] f = cellLines.get(c.index()).strip().split("\\s+", 6);
      assertThat(Integer.parseInt(f[0])).isEqualTo(c.index());
      assertThat(f[2]).isEqualTo(c.runId());
      String state = c.index() == 2 ? "done" : "not";
      assertThat(f[3]).as(cellLines.get(c.index())).isEqualTo(state);
      String rest = cellLines.get(c.index()).substring(cellLines.get(c.index()).indexOf(c.runId()) + 12)
          .replace("not done", "").replace("done", "").strip();
      String after = rest.split("\\s+")[0];
      assertThat(after).as(cellLines.get(c.index()))
          .isEqualTo(c.dependencies().isEmpty() ? "-" : String.valueOf(c.dependencies().get(0)));
      assertThat(f[1]).isEqualTo(c.dependencies().isEmpty() ? "0" : "1");
      assertThat(cellLines.get(c.index())).endsWith(c.label());
    }
    assertThat(lines.get(2 + 168)).isEqualTo("report " + root.resolve("report.html") + " after every cell");
    assertThat(Files.list(root).count()).as("plan writes nothing").isEqualTo(1);
  }

  @Test
  void status_tellsDoneRunningFailedStoppedReadyAndWaiting() throws Exception {
    Path root = dir.resolve("runs");
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, String.join("\n",
        "grids:",
        "  classify:",
        "    base: {data: {train: crops}, model: {width: 0.125}, training: {iterations: 4it, batch: 2, size: 32},"
            + " pruning: {sparsity: 0.8, rounds: 2}}",
        "    axes: {pruning.sparsity: [0.5, 0.8, 0.9, 0.95]}",
        "  ticket:",
        "    base: {task: det, data: {train: train.json}, transfer: {kind: imagenet-ticket}}",
        "    source: {grid: classify}",
        "    axes: {source.pruning.sparsity: [0.5, 0.8]}", ""));
    Sweep sweep = Sweep.read(file, root);
    markDone(sweep.cells().get(0), root);
    ExperimentLayout running = sweep.cells().get(1).experiment().layout(root);
    Files.createDirectories(running.runDir());
    ExperimentLayout failed = sweep.cells().get(2).experiment().layout(root);
    Files.createDirectories(failed.runDir());
    Files.writeString(failed.failure(), "exit code 137 (see sweep.log)\n");
    // killed by a scheduler's limit: its lock file and first level folder are left, no failure line
    ExperimentLayout stopped = sweep.cells().get(3).experiment().layout(root);
    Files.createDirectories(stopped.level(0, 0));
    try (ExperimentLock lock = ExperimentLock.take(running.lock(), false, null)) {
      MainTest.Outcome o = MainTest.run("sweep", "status", file.toString(), "--root", root.toString());
      assertThat(o.exitCode()).as(o.err()).isZero();
      List<String> lines = o.out().lines().toList();
      assertThat(lines.get(0)).isEqualTo("done 1, running 1, failed 1, stopped 1, ready 1, waiting 1");
      assertThat(lines.get(1)).contains(" done ").endsWith("classify pruning.sparsity=0.5");
      assertThat(lines.get(2)).contains(" running ").endsWith("(this process)");
      assertThat(lines.get(3)).contains(" failed ").endsWith("(exit code 137 (see sweep.log))");
      assertThat(lines.get(4)).contains(" stopped ").endsWith("(0 of 2 levels done; killed or stopped, it resumes"
          + " from its checkpoints when run again (on Slurm: sweep requeue))");
      assertThat(lines.get(5)).contains(" ready ").contains("source.pruning.sparsity=0.5");
      assertThat(lines.get(6)).contains(" waiting ").endsWith("(waits for cell 1)");
    }
  }

  @Test
  void aBadSweep_isOneLine_exit2_andNothingIsWritten() throws Exception {
    Path root = dir.resolve("runs");
    Path out = dir.resolve("jobs");
    Path file = dir.resolve("sweep.yaml");
    String base = "base: {data: {train: crops}, pruning: {sparsity: 0.8, rounds: 2}}\n";
    for (String[] bad : new String[][] {
        {base + "axes: {pruning.sparsity: [0.5, 1.0]}\n", "sweep.yaml: axes.pruning.sparsity: bad value 1.0: "},
        {base + "axes: {pruning.sparsityy: [0.5]}\n", "sweep.yaml: axes.pruning.sparsityy: unknown key"},
        {"grids:\n  a: {base: {task: det, data: {train: t.json}}, source: {grid: b}, axes: {transfer.kind: [task]}}\n"
            + "  b: {base: {task: kp, data: {train: t.json}}, source: {grid: a}, axes: {transfer.kind: [task]}}\n",
            "sweep.yaml: grids.a.source.grid: bad value b: dependency cycle: a -> b -> a"},
        {"grids:\n  a: {" + base.strip().replace("\n", "") + ", axes: {seed: [1, 2]}}\n"
            + "  b: {base: {task: det, data: {train: t.json}}, source: {grid: a, match: {seed: 3}}, axes: {transfer.kind: [mask]}}\n",
            "sweep.yaml: grids.b.source: bad value seed=3: names no cell of grid a"}}) {
      Files.writeString(file, bad[0]);
      for (String[] args : List.of(
          new String[] {"sweep", "plan", file.toString(), "--root", root.toString()},
          new String[] {"sweep", "run", file.toString(), "--root", root.toString(), "--jobs", "2"},
          new String[] {"sweep", "run-cell", file.toString(), "--root", root.toString(), "--index", "0"},
          new String[] {"sweep", "emit", "slurm", file.toString(), "--root", root.toString(), "--out", out.toString()},
          new String[] {"sweep", "emit", "k8s", file.toString(), "--root", root.toString(), "--out", out.toString(),
              "--image", "ticketlab:1", "--volume-claim", "runs"})) {
        MainTest.Outcome o = MainTest.run(args);
        assertThat(o.exitCode()).as(String.join(" ", args) + ": " + o.err()).isEqualTo(2);
        assertThat(o.err().strip()).as(String.join(" ", args)).doesNotContain("\n").startsWith("ticketlab sweep ")
            .contains(bad[1]);
        assertThat(o.out()).isEmpty();
        assertThat(root).doesNotExist();
        assertThat(out).doesNotExist();
      }
    }
  }

  @Test
  void badRunOptions_andABadIndex_areOneLine_exit2() throws Exception {
    Path root = dir.resolve("runs");
    Path file = Files.writeString(dir.resolve("s.yaml"),
        "base: {data: {train: crops}, pruning: {sparsity: 0.8, rounds: 2}}\naxes: {seed: [1, 2]}\n");
    for (String[][] c : new String[][][] {
        {{"--jobs", "0"}, {"--jobs: bad value 0: must be at least 1"}},
        {{"--jobs", "2", "--device-per-job", "gpu:0"}, {"--device-per-job: bad value gpu:0: give one device per job slot (--jobs 2)"}},
        {{"--threads-per-job", "0"}, {"--threads-per-job: bad value 0: must be at least 1"}},
        {{"--jobs", "2", "--device-per-job", "gpu:0,tpu:1"}, {"--device-per-job: bad value tpu:1: "}}}) {
      List<String> args = new java.util.ArrayList<>(List.of("sweep", "run", file.toString(), "--root", root.toString()));
      args.addAll(List.of(c[0]));
      MainTest.Outcome o = MainTest.run(args.toArray(String[]::new));
      assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
      assertThat(o.err().strip()).startsWith("ticketlab sweep run: " + c[1][0]).doesNotContain("\n");
      assertThat(root).doesNotExist();
    }
    MainTest.Outcome o = MainTest.run("sweep", "run-cell", file.toString(), "--root", root.toString(), "--index", "2");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep run-cell: --index: bad value 2: the sweep " + file
        + " has cells 0 to 1");
    assertThat(root).doesNotExist();
  }

  @Test
  void runCell_refusesACellWhoseSourceIsNotDone() throws Exception {
    Path root = dir.resolve("runs");
    Path file = Files.writeString(dir.resolve("s.yaml"), String.join("\n",
        "grids:",
        "  classify: {base: {data: {train: crops}, pruning: {sparsity: 0.8, rounds: 2}}}",
        "  ticket:",
        "    base: {task: det, data: {train: train.json}, transfer: {kind: imagenet-ticket}}",
        "    source: {grid: classify}", ""));
    MainTest.Outcome o = MainTest.run("sweep", "run-cell", file.toString(), "--root", root.toString(), "--index", "1");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).startsWith("ticketlab sweep run-cell: " + file + ": cell 1 (ticket) takes its transfer"
        + " from cell 0 (classify), not done under " + root);
    assertThat(root).doesNotExist();
  }
}
