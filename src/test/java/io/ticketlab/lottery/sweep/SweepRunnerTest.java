package io.ticketlab.lottery.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local scheduler of {@code sweep run}, with children that only write the level records of
 * their cell (no engine): at most N at a time, a transfer only after its source, done cells not
 * started again, a failure recorded and its dependants not run.
 */
class SweepRunnerTest {
  @TempDir Path dir;

  private Sweep sweep() throws Exception {
    Path file = Files.writeString(dir.resolve("s.yaml"), String.join("\n",
        "grids:",
        "  classify:",
        "    base: {data: {train: crops}, model: {width: 0.125}, training: {iterations: 4it, batch: 2, size: 32},"
            + " pruning: {sparsity: 0.8, rounds: 2}}",
        "    axes: {pruning.sparsity: [0.5, 0.8, 0.9]}",
        "  ticket:",
        "    base: {task: det, data: {train: train.json}, transfer: {kind: imagenet-ticket}}",
        "    source: {grid: classify}",
        "    axes: {source.pruning.sparsity: [0.5, 0.9]}",
        "report: {out: tables/report.html}", ""));
    return Sweep.read(file, dir.resolve("runs"));
  }

  /** Children that log their start and end, sleep, and write their cell's records (or fail, for {@code failing}). */
  private final class FakeChildren implements SweepRunner.Launcher {
    final Sweep sweep;
    final Path log = dir.resolve("log.txt");
    final Set<Integer> failing;
    final List<Integer> slots = new ArrayList<>();

    FakeChildren(Sweep sweep, Set<Integer> failing) {
      this.sweep = sweep;
      this.failing = failing;
    }

    @Override
    public List<String> cell(int index, int slot) {
      slots.add(slot);
      Sweep.Cell c = sweep.cells().get(index);
      ExperimentLayout layout = c.experiment().layout(dir.resolve("runs"));
      StringBuilder sh = new StringBuilder("echo start " + index + " >> '" + log + "'; sleep 0.4; ");
      if (failing.contains(index)) {
        sh.append("echo end ").append(index).append(" >> '").append(log).append("'; echo boom; exit 3");
      } else {
        for (int level : LotteryRunner.levels(c.experiment().spec())) {
          Path d = layout.level(0, level);
          sh.append("mkdir -p '").append(d).append("'; echo '{}' > '").append(ExperimentLayout.record(d)).append("'; ");
        }
        sh.append("echo end ").append(index).append(" >> '").append(log).append("'");
      }
      return List.of("sh", "-c", sh.toString());
    }

    @Override
    public List<String> report(Path out) {
      return List.of("sh", "-c", "echo report > '" + out + "'");
    }

    List<String> events() throws Exception {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
  }

  @Test
  void atMostNAtATime_aTransferAfterItsSource_andARerunStartsNothing() throws Exception {
    Sweep sweep = sweep();
    FakeChildren children = new FakeChildren(sweep, Set.of());
    SweepRunner.Result r = SweepRunner.run(sweep, dir.resolve("runs"), 2, children, null);
    assertThat(r.ok()).isTrue();
    assertThat(r.done()).containsExactly(0, 1, 2, 3, 4);
    List<String> events = children.events();
    assertThat(events).hasSize(10);
    int running = 0;
    int most = 0;
    Map<Integer, Integer> endedAt = new HashMap<>();
    Map<Integer, Integer> startedAt = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      String[] e = events.get(i).split(" ");
      running += e[0].equals("start") ? 1 : -1;
      most = Math.max(most, running);
      (e[0].equals("start") ? startedAt : endedAt).put(Integer.parseInt(e[1]), i);
    }
    assertThat(most).isEqualTo(2);
    assertThat(startedAt.get(3)).isGreaterThan(endedAt.get(0)); // ticket of the 50% classifier
    assertThat(startedAt.get(4)).isGreaterThan(endedAt.get(2)); // ticket of the 90% classifier
    assertThat(children.slots).allMatch(s -> s == 0 || s == 1);
    assertThat(children.slots).contains(0, 1);
    assertThat(dir.resolve("runs/tables/report.html")).content().isEqualTo("report\n");
    // the log of each child is appended to its experiment's sweep.log
    assertThat(sweep.cells().get(0).experiment().layout(dir.resolve("runs")).sweepLog()).content()
        .startsWith("--- cell 0 (classify pruning.sparsity=0.5), slot 0");

    FakeChildren again = new FakeChildren(sweep, Set.of());
    SweepRunner.Result r2 = SweepRunner.run(sweep, dir.resolve("runs"), 2, again, null);
    assertThat(r2.ok()).isTrue();
    assertThat(again.events()).isEqualTo(events);
    assertThat(again.slots).isEmpty();
  }

  @Test
  void aFailedCell_isRecorded_itsDependantsAreNotRun_theOthersAre() throws Exception {
    Sweep sweep = sweep();
    Path root = dir.resolve("runs");
    FakeChildren children = new FakeChildren(sweep, Set.of(2));
    SweepRunner.Result r = SweepRunner.run(sweep, root, 2, children, null);
    assertThat(r.ok()).isFalse();
    assertThat(r.failed()).containsOnlyKeys(2);
    assertThat(r.failed().get(2)).startsWith("exit code 3");
    assertThat(r.notRun()).containsExactly(4);
    assertThat(r.done()).containsExactly(0, 1, 3);
    assertThat(children.events()).doesNotContain("start 4");
    List<SweepStatus.CellState> states = SweepStatus.of(sweep, root);
    assertThat(states).extracting(SweepStatus.CellState::state).containsExactly(SweepStatus.State.DONE,
        SweepStatus.State.DONE, SweepStatus.State.FAILED, SweepStatus.State.DONE, SweepStatus.State.WAITING);
    assertThat(states.get(2).detail()).startsWith("exit code 3 (see ");
    assertThat(sweep.cells().get(2).experiment().layout(root).sweepLog()).content().contains("boom");
    // the report is written only when every cell is done
    Path report = root.resolve("tables/report.html");
    assertThat(report).doesNotExist();

    // a cell killed without a word (a scheduler's time or memory limit): started, not running, no failure line
    Files.delete(sweep.cells().get(2).experiment().layout(root).failure());
    Files.createDirectories(sweep.cells().get(2).experiment().layout(root).replicate(0));
    SweepStatus.CellState stopped = SweepStatus.of(sweep, root).get(2);
    assertThat(stopped.state()).isEqualTo(SweepStatus.State.STOPPED);
    assertThat(stopped.detail()).isEqualTo("0 of " + LotteryRunner.levels(sweep.cells().get(2).experiment().spec()).size()
        + " levels done; killed or stopped, it resumes from its checkpoints when run again (on Slurm: sweep requeue)");
  }

  @Test
  void aStoppedRun_stopsItsChildren_andTheNextRunFinishesTheSweep() throws Exception {
    Sweep sweep = sweep();
    Path root = dir.resolve("runs");
    Path pids = dir.resolve("pids.txt");
    SweepRunner.Launcher sleepers = new SweepRunner.Launcher() {
      @Override
      public List<String> cell(int index, int slot) {
        return List.of("sh", "-c", "echo $$ >> '" + pids + "'; exec sleep 60");
      }

      @Override
      public List<String> report(Path out) {
        return List.of("true");
      }
    };
    Thread t = new Thread(() -> {
      try {
        SweepRunner.run(sweep, root, 2, sleepers, null);
      } catch (InterruptedException e) {
        // stopped
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while ((!Files.exists(pids) || Files.readAllLines(pids).size() < 2) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
    assertThat(children).hasSize(2);
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    Thread.sleep(300);
    assertThat(children).allSatisfy(pid ->
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("child " + pid).isFalse());
    FakeChildren children2 = new FakeChildren(sweep, Set.of());
    SweepRunner.Result r = SweepRunner.run(sweep, root, 2, children2, null);
    assertThat(r.ok()).isTrue();
    assertThat(r.done()).containsExactly(0, 1, 2, 3, 4);
  }
}
