package io.ticketlab.lottery.sweep;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a sweep's cells: one cell in this process ({@link #runCell}, what a Slurm array task or a
 * Kubernetes pod runs), or every cell as parallel child processes on this machine ({@link #run}),
 * each cell when its sources are done. Both rest on the run folders: a done cell is skipped, a
 * killed one resumes where its levels stopped, and two processes on one experiment wait for each
 * other's lock, so running a sweep again (or a requeued task) continues it.
 */
public final class SweepRunner {
  private SweepRunner() {}

  /** How a child process for a cell, or for the final report, is started. */
  public interface Launcher {
    /** The command line of the child that runs cell {@code index} in job slot {@code slot} (0 to jobs - 1). */
    List<String> cell(int index, int slot);

    /** The command line of the child that writes the report {@code out} over the root. */
    List<String> report(Path out);
  }

  /**
   * How a sweep run ended: the cells done (before or now), the failed ones with their failure line,
   * the ones not run because a source failed, and the report's failure (null: written or none asked).
   */
  public record Result(List<Integer> done, Map<Integer, String> failed, List<Integer> notRun, String reportFailure) {
    public boolean ok() {
      return failed.isEmpty() && notRun.isEmpty() && reportFailure == null;
    }
  }

  /**
   * Runs cell {@code index} here: its sources must be done; its experiment runs (or continues) under
   * {@code root}, waiting for another process that holds its lock. A failure leaves one line in the
   * experiment's {@code failure.txt} (for {@code sweep status}); success removes it.
   */
  public static List<LotteryRunner.LevelOutcome> runCell(Sweep sweep, Path root, int index, PrintStream progress)
      throws IOException {
    Sweep.Cell cell = sweep.cell(index);
    for (int d : cell.dependencies()) {
      Sweep.Cell source = sweep.cells().get(d);
      if (!Sweep.isDone(source, root)) {
        throw BadInputException.of(sweep.file(), null, null, null, "cell " + index + " (" + cell.label()
            + ") takes its transfer from cell " + d + " (" + source.label() + "), not done under " + root
            + ": run that cell first (sweep run runs cells in order)");
      }
    }
    ExperimentLayout layout = cell.experiment().layout(root);
    try {
      List<LotteryRunner.LevelOutcome> outcomes =
          LotteryRunner.run(cell.experiment(), root, null, null, true, progress);
      Files.deleteIfExists(layout.failure());
      return outcomes;
    } catch (IOException | RuntimeException e) {
      recordFailure(layout, String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName()));
      throw e;
    }
  }

  /**
   * Runs every cell that is not done as a child process, at most {@code jobs} at a time, each once
   * its sources are done; then the report, when the sweep asks for one and every cell is done. A
   * child's output is appended to its experiment's {@code sweep.log}; a cell whose source failed is
   * not run. {@code progress} (or null) gets a line when a cell starts and ends.
   */
  public static Result run(Sweep sweep, Path root, int jobs, Launcher launcher, PrintStream progress)
      throws IOException, InterruptedException {
    if (jobs < 1) {
      throw BadInputException.of(null, null, "--jobs", jobs, "must be at least 1");
    }
    List<Sweep.Cell> cells = sweep.cells();
    boolean[] done = new boolean[cells.size()];
    List<Integer> doneList = new ArrayList<>();
    for (Sweep.Cell c : cells) {
      done[c.index()] = Sweep.isDone(c, root);
    }
    Map<Integer, String> failed = new TreeMap<>();
    List<Integer> notRun = new ArrayList<>();
    // read by the shutdown hook too
    Map<Integer, Running> running = new java.util.concurrent.ConcurrentHashMap<>();
    Deque<Integer> freeSlots = new ArrayDeque<>();
    for (int s = 0; s < jobs; s++) {
      freeSlots.add(s);
    }
    boolean[] settled = done.clone();
    // children stop with this process (Ctrl-C, a scheduler's SIGTERM); their cells resume on the next run
    Thread stopChildren = new Thread(() -> running.values().forEach(r -> r.process.destroy()), "sweep-children");
    Runtime.getRuntime().addShutdownHook(stopChildren);
    try {
      schedule(sweep, root, jobs, launcher, progress, done, settled, failed, notRun, running, freeSlots);
    } finally {
      running.values().forEach(r -> r.process.destroy());
      try {
        Runtime.getRuntime().removeShutdownHook(stopChildren);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs already
      }
    }
    for (Sweep.Cell c : cells) {
      if (done[c.index()]) {
        doneList.add(c.index());
      }
    }
    String reportFailure = null;
    if (sweep.report() != null && failed.isEmpty() && notRun.isEmpty()) {
      Path out = root.resolve(sweep.report().out());
      Path log = root.resolve(sweep.report().out() + ".log");
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process p = new ProcessBuilder(launcher.report(out)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      int code = p.waitFor();
      if (code != 0) {
        reportFailure = "exit code " + code + " (see " + log + ")";
      } else if (progress != null) {
        progress.printf("report: %s%n", out);
      }
    }
    return new Result(List.copyOf(doneList), Map.copyOf(failed), List.copyOf(notRun), reportFailure);
  }

  /** Starts ready cells and collects ended ones until nothing runs and nothing more can start. */
  private static void schedule(Sweep sweep, Path root, int jobs, Launcher launcher, PrintStream progress,
      boolean[] done, boolean[] settled, Map<Integer, String> failed, List<Integer> notRun,
      Map<Integer, Running> running, Deque<Integer> freeSlots) throws IOException, InterruptedException {
    List<Sweep.Cell> cells = sweep.cells();
    while (true) {
      for (Sweep.Cell c : cells) {
        if (settled[c.index()] || running.containsKey(c.index())) {
          continue;
        }
        if (c.dependencies().stream().anyMatch(d -> failed.containsKey(d) || notRun.contains(d))) {
          settled[c.index()] = true;
          notRun.add(c.index());
          if (progress != null) {
            progress.printf("cell %d (%s): not run, a source failed%n", c.index(), c.label());
          }
        } else if (!freeSlots.isEmpty() && c.dependencies().stream().allMatch(d -> done[d])) {
          int slot = freeSlots.poll();
          running.put(c.index(), start(c, root, slot, launcher, progress));
        }
      }
      if (running.isEmpty()) {
        break;
      }
      Map.Entry<Integer, Running> ended = awaitAny(running);
      int index = ended.getKey();
      Running r = ended.getValue();
      running.remove(index);
      freeSlots.add(r.slot);
      settled[index] = true;
      Sweep.Cell c = cells.get(index);
      int code = r.process.exitValue();
      ExperimentLayout layout = c.experiment().layout(root);
      if (code == 0 && Sweep.isDone(c, root)) {
        done[index] = true;
        if (progress != null) {
          progress.printf("cell %d (%s): done%n", index, c.label());
        }
      } else {
        String line = code == 0 ? "exited 0 without every level record" : "exit code " + code;
        if (Files.exists(layout.failure())) {
          line += ": " + Files.readString(layout.failure(), StandardCharsets.UTF_8).strip();
        } else {
          recordFailure(layout, line + " (see " + layout.sweepLog() + ")");
        }
        failed.put(index, line);
        if (progress != null) {
          progress.printf("cell %d (%s): failed, %s (log %s)%n", index, c.label(), line, layout.sweepLog());
        }
      }
    }
  }

  private record Running(Process process, int slot) {}

  private static Running start(Sweep.Cell c, Path root, int slot, Launcher launcher, PrintStream progress)
      throws IOException {
    ExperimentLayout layout = c.experiment().layout(root);
    Files.createDirectories(layout.runDir());
    Files.writeString(layout.sweepLog(), "--- cell " + c.index() + " (" + c.label() + "), slot " + slot + ", "
        + Instant.now() + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(launcher.cell(c.index(), slot)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.sweepLog().toFile())).start();
    if (progress != null) {
      progress.printf("cell %d (%s): started (run %s)%n", c.index(), c.label(), c.runId());
    }
    return new Running(p, slot);
  }

  private static Map.Entry<Integer, Running> awaitAny(Map<Integer, Running> running) throws InterruptedException {
    while (true) {
      for (Map.Entry<Integer, Running> e : running.entrySet()) {
        if (!e.getValue().process.isAlive()) {
          return e;
        }
      }
      Thread.sleep(100);
    }
  }

  private static void recordFailure(ExperimentLayout layout, String line) throws IOException {
    AtomicFiles.writeString(layout.failure(), line + " (" + Instant.now() + ")\n");
  }
}
