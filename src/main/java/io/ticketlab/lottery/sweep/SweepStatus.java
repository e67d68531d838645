package io.ticketlab.lottery.sweep;

import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.ExperimentLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where each cell of a sweep stands, read from the run folders under a root (so it sees the work of
 * {@code sweep run}, of Slurm array tasks and of plain {@code ticketlab lottery} alike): done (every
 * level record written), running (its experiment lock is held, by whom), failed (the last sweep
 * process for it left a failure line), stopped (it started and is not running, with no failure
 * line: killed, e.g. by a scheduler for its time or memory limit, or stopped), ready (its sources
 * are done) or waiting (for which cells).
 */
public final class SweepStatus {
  private SweepStatus() {}

  /** A cell's state. */
  public enum State {
    DONE, RUNNING, FAILED, STOPPED, READY, WAITING;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One cell's state and what goes with it: the lock holder (running), the failure line (failed),
   * the cells it waits for (waiting); empty otherwise.
   */
  public record CellState(Sweep.Cell cell, State state, String detail) {}

  /** The state of every cell of {@code sweep} under {@code root}, in cell order. */
  public static List<CellState> of(Sweep sweep, Path root) throws IOException {
    boolean[] done = new boolean[sweep.cells().size()];
    for (Sweep.Cell c : sweep.cells()) {
      done[c.index()] = Sweep.isDone(c, root);
    }
    List<CellState> out = new ArrayList<>();
    for (Sweep.Cell c : sweep.cells()) {
      ExperimentLayout layout = c.experiment().layout(root);
      if (done[c.index()]) {
        out.add(new CellState(c, State.DONE, ""));
        continue;
      }
      String holder = ExperimentLock.holder(layout.lock());
      if (holder != null) {
        out.add(new CellState(c, State.RUNNING, holder));
        continue;
      }
      if (Files.exists(layout.failure())) {
        out.add(new CellState(c, State.FAILED, Files.readString(layout.failure(), StandardCharsets.UTF_8).strip()));
        continue;
      }
      if (Files.exists(layout.lock()) || Files.isDirectory(layout.replicate(0))) {
        out.add(new CellState(c, State.STOPPED, Sweep.levelsDone(c, root) + " of " + Sweep.levelCount(c) + " levels done; killed or stopped, it resumes from"
            + " its checkpoints when run again (on Slurm: sweep requeue)"));
        continue;
      }
      List<Integer> waiting = c.dependencies().stream().filter(d -> !done[d]).toList();
      out.add(waiting.isEmpty() ? new CellState(c, State.READY, "")
          : new CellState(c, State.WAITING, "waits for cell" + (waiting.size() > 1 ? "s " : " ")
              + waiting.stream().map(String::valueOf).collect(Collectors.joining(", "))));
    }
    return List.copyOf(out);
  }
}
