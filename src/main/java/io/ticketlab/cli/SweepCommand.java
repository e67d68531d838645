package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import io.ticketlab.engine.DeviceChoice;
import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.LocalLibtorch;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.sweep.ClusterJobs;
import io.ticketlab.lottery.sweep.SlurmRequeue;
import io.ticketlab.lottery.sweep.Sweep;
import io.ticketlab.lottery.sweep.SweepRunner;
import io.ticketlab.lottery.sweep.SweepStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ticketlab sweep}: the paper's experiment grid as independent runs, locally or on a cluster scheduler. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    header = "Run a grid of experiments (axes over a base experiment, transfers from other cells) locally or on Slurm/Kubernetes.",
    description = {
      "A sweep file names grids: a base experiment (inline or a config file) and axes (key path -> values), expanded"
          + " into cells; each cell is an ordinary experiment in <root>/lottery_<hash>. A grid with a source takes"
          + " its transfers from another grid's cells, which gives the dependencies. Format: README, \"Sweeps\".",
      "Each run trains on one machine (DJL has no multi-node training): a cell is one process, one node."
    },
    subcommands = {SweepCommand.Plan.class, SweepCommand.Status.class, SweepCommand.Run.class,
        SweepCommand.RunCell.class, SweepCommand.Emit.class, SweepCommand.Requeue.class})
final class SweepCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: plan, status, run, run-cell, emit or requeue");
  }

  /** The sweep file and the root its cells run under: what every subcommand takes (a picocli mixin). */
  static final class SweepOptions {
    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file (YAML).")
    Path file;

    @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Where run folders go (default: ${DEFAULT-VALUE}).")
    Path root;

    Sweep read() {
      return Sweep.read(file, root);
    }
  }

  /** {@code ticketlab sweep plan}. */
  @Command(name = "plan", mixinStandardHelpOptions = true,
      header = "List every cell: index, stage, run id, dependencies, done or not, axis values.")
  static final class Plan implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SweepOptions sweep;

    @Override
    public Integer call() throws IOException {
      Sweep s = sweep.read();
      PrintWriter out = spec.commandLine().getOut();
      List<List<Sweep.Cell>> stages = s.stages();
      int[] stageOf = new int[s.cells().size()];
      for (int k = 0; k < stages.size(); k++) {
        for (Sweep.Cell c : stages.get(k)) {
          stageOf[c.index()] = k;
        }
      }
      int done = 0;
      List<String> lines = new ArrayList<>();
      for (Sweep.Cell c : s.cells()) {
        boolean d = Sweep.isDone(c, sweep.root);
        done += d ? 1 : 0;
        lines.add(String.format(Locale.ROOT, "%5d %5d  %-12s  %-8s  %-10s  %s", c.index(), stageOf[c.index()], c.runId(),
            d ? "done" : "not done", deps(c), c.label()));
      }
      out.printf("%s: %d cells in %d stages, %d done (root %s)%n", sweep.file, s.cells().size(), stages.size(), done,
          sweep.root);
      out.printf("%5s %5s  %-12s  %-8s  %-10s  %s%n", "cell", "stage", "run id", "state", "after", "grid and axis values");
      lines.forEach(out::println);
      if (s.report() != null) {
        out.printf("report %s after every cell%n", sweep.root.resolve(s.report().out()));
      }
      out.flush();
      return 0;
    }
  }

  private static String deps(Sweep.Cell c) {
    return c.dependencies().isEmpty() ? "-" : c.dependencies().stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** {@code ticketlab sweep status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      header = "Per cell: done, running (on which host), failed (with the failure line), ready or waiting.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SweepOptions sweep;

    @Override
    public Integer call() throws IOException {
      Sweep s = sweep.read();
      PrintWriter out = spec.commandLine().getOut();
      List<SweepStatus.CellState> states = SweepStatus.of(s, sweep.root);
      for (SweepStatus.State st : SweepStatus.State.values()) {
        long n = states.stream().filter(x -> x.state() == st).count();
        out.printf("%s %d%s", st.label(), n, st == SweepStatus.State.WAITING ? "" : ", ");
      }
      out.println();
      for (SweepStatus.CellState x : states) {
        out.printf(Locale.ROOT, "%5d  %-12s  %-8s  %s%s%n", x.cell().index(), x.cell().runId(), x.state().label(),
            x.cell().label(), x.detail().isEmpty() ? "" : "  (" + x.detail() + ")");
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab sweep run}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      header = "Run the cells that are not done as parallel child processes on this machine, each when its sources are done.",
      description = "Resumable: done cells are skipped, a killed cell continues from its level checkpoints, and a cell"
          + " another process runs is waited for. A child's output is appended to <run folder>/sweep.log. Exits 1"
          + " naming the failed cells (and those not run because their source failed).")
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SweepOptions sweep;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "N", description = "Cells at a time (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--threads-per-job", paramLabel = "T",
        description = "Engine threads of each child (default: the cores divided by --jobs, at least 1).")
    Integer threadsPerJob;

    @Option(names = "--device-per-job", paramLabel = "DEVICE,...", split = ",",
        description = "One device per job slot, e.g. gpu:0,gpu:1 (as many as --jobs); default: each child's --device auto.")
    List<String> devicePerJob;

    @Mixin ProgressOption progress;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Sweep s = sweep.read();
      if (threadsPerJob != null && threadsPerJob < 1) {
        throw BadInputException.of(null, null, "--threads-per-job", threadsPerJob, "must be at least 1");
      }
      if (devicePerJob != null && devicePerJob.size() != jobs) {
        throw BadInputException.of(null, null, "--device-per-job", String.join(",", devicePerJob),
            "give one device per job slot (--jobs " + jobs + ")");
      }
      for (String d : devicePerJob == null ? List.<String>of() : devicePerJob) {
        try {
          DeviceChoice.parse(d);
        } catch (IllegalArgumentException e) {
          throw BadInputException.of(null, null, "--device-per-job", d, e.getMessage());
        }
      }
      int threads = threadsPerJob != null ? threadsPerJob : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, jobs));
      SweepRunner.Result r = SweepRunner.run(s, sweep.root, jobs, new ChildJvm(sweep, threads, devicePerJob),
          progress.stream());
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%d of %d cells done%n", r.done().size(), s.cells().size());
      r.failed().forEach((i, line) -> out.printf("failed: cell %d (%s): %s%n", i, s.cells().get(i).label(), line));
      r.notRun().forEach(i -> out.printf("not run: cell %d (%s): a source failed%n", i, s.cells().get(i).label()));
      if (r.reportFailure() != null) {
        out.printf("report failed: %s%n", r.reportFailure());
      }
      out.flush();
      if (!r.ok()) {
        spec.commandLine().getErr().printf("sweep %s: failed cells: %s%n", sweep.file,
            r.failed().keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        spec.commandLine().getErr().flush();
        return 1;
      }
      return 0;
    }
  }

  /** Child JVMs of this one's Java and class path: {@code ticketlab sweep run-cell} and {@code ticketlab report}. */
  record ChildJvm(SweepOptions sweep, int threads, List<String> devices) implements SweepRunner.Launcher {
    private List<String> java() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("-Xm") || a.startsWith("-Xss") || a.startsWith("-XX:") || a.startsWith("-D")) {
          cmd.add(a);
        }
      }
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Main.class.getName());
      LocalLibtorch local = EngineSettings.localLibtorch();
      if (local != null) {
        // the cells load the same libtorch (a system property set at run time is not an input argument)
        cmd.addAll(List.of(LocalLibtorch.OPTION, local.dir().toString()));
      }
      return cmd;
    }

    @Override
    public List<String> cell(int index, int slot) {
      List<String> cmd = java();
      cmd.addAll(List.of("--threads", Integer.toString(threads)));
      if (devices != null) {
        cmd.addAll(List.of("--device", devices.get(slot)));
      }
      cmd.addAll(List.of("sweep", "run-cell", sweep.file.toAbsolutePath().toString(),
          "--root", sweep.root.toAbsolutePath().toString(), "--index", Integer.toString(index), "--quiet"));
      return cmd;
    }

    @Override
    public List<String> report(Path out) {
      List<String> cmd = java();
      cmd.addAll(List.of("report", "--root", sweep.root.toAbsolutePath().toString(), "--out", out.toAbsolutePath().toString()));
      return cmd;
    }
  }

  /** {@code ticketlab sweep run-cell}. */
  @Command(name = "run-cell", mixinStandardHelpOptions = true,
      header = "Run one cell here (what a Slurm array task or a Kubernetes pod runs); its sources must be done.",
      description = "Idempotent and resumable: a done cell prints its levels, a killed one continues, and one that another"
          + " process runs is waited for, so a requeued or duplicated task is safe.")
  static final class RunCell implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SweepOptions sweep;

    @Option(names = "--index", required = true, paramLabel = "I", description = "The cell (see sweep plan).")
    int index;

    @Mixin ProgressOption progress;

    @Override
    public Integer call() throws IOException {
      Sweep s = sweep.read();
      List<LotteryRunner.LevelOutcome> outcomes = SweepRunner.runCell(s, sweep.root, index, progress.stream());
      PrintWriter out = spec.commandLine().getOut();
      Sweep.Cell c = s.cell(index);
      out.printf("cell %d (%s): run folder %s%n", index, c.label(), c.experiment().layout(sweep.root).runDir());
      for (LotteryRunner.LevelOutcome o : outcomes) {
        out.printf(Locale.ROOT, "  replicate %d, level %d: network sparsity %.2f%%, %s %s%s%n", o.replicate(), o.level(),
            o.networkSparsityPercent(), LotteryCommand.label(o.metricName()),
            o.metric() == null ? "-" : String.format(Locale.ROOT, "%.4f", o.metric()), o.alreadyDone() ? " (done before)" : "");
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab sweep emit}. */
  @Command(name = "emit", mixinStandardHelpOptions = true,
      header = "Write the sweep as cluster jobs: one job array (Slurm) or Indexed Job (Kubernetes) per dependency stage.",
      subcommands = {Emit.Slurm.class, Emit.Kubernetes.class})
  static final class Emit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a scheduler is required: slurm or k8s");
    }

    /** What both schedulers' emitters take (a picocli mixin). */
    static final class EmitOptions {
      @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the job files go.")
      Path out;

      @Option(names = "--ticketlab", defaultValue = "ticketlab", paramLabel = "CMD",
          description = "The ticketlab command on the cluster's nodes (default: ${DEFAULT-VALUE}).")
      String ticketlab;
    }

    /** {@code ticketlab sweep emit slurm}. */
    @Command(name = "slurm", mixinStandardHelpOptions = true,
        header = "One sbatch script per stage (--array over its cells, resources from the sweep) and submit.sh chaining them with afterok.",
        description = "The sweep, its base configs, its data and the root must be at the same paths on every node (shared storage).")
    static final class Slurm implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Mixin SweepOptions sweep;

      @Mixin EmitOptions emit;

      @Option(names = "--max-array", defaultValue = "" + ClusterJobs.MAX_ARRAY, paramLabel = "N",
          description = "Tasks per job array at most (Slurm's MaxArraySize - 1; default: ${DEFAULT-VALUE}): a larger"
              + " stage is split into several arrays.")
      int maxArray;

      @Override
      public Integer call() throws IOException {
        Sweep s = sweep.read();
        List<Path> written = ClusterJobs.writeSlurm(s, sweep.file, sweep.root, emit.out, emit.ticketlab, maxArray);
        return printWritten(spec, written, "sh " + emit.out.resolve(ClusterJobs.SUBMIT));
      }
    }

    /** {@code ticketlab sweep emit k8s}. */
    @Command(name = "k8s", mixinStandardHelpOptions = true,
        header = "One Indexed Job manifest per stage (completionMode: Indexed) over a shared volume, and apply.sh running the stages in order.",
        description = "The volume claim is mounted at --mount; the sweep, its base configs, its data and the root must lie"
            + " under it at the same paths as here.")
    static final class Kubernetes implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Mixin SweepOptions sweep;

      @Mixin EmitOptions emit;

      @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "The container image with ticketlab.")
      String image;

      @Option(names = "--volume-claim", required = true, paramLabel = "NAME",
          description = "The PersistentVolumeClaim of the shared storage.")
      String claim;

      @Option(names = "--mount", paramLabel = "DIR", description = "Where the claim is mounted (default: the root's folder).")
      Path mount;

      @Override
      public Integer call() throws IOException {
        Path at = mount != null ? mount : sweep.root.toAbsolutePath();
        List<Path> written = ClusterJobs.writeKubernetes(sweep.read(), sweep.file, sweep.root, emit.out, emit.ticketlab,
            image, claim, at);
        return printWritten(spec, written, "sh " + emit.out.resolve(ClusterJobs.APPLY));
      }
    }

    private static int printWritten(CommandLine.Model.CommandSpec spec, List<Path> written, String next) {
      PrintWriter out = spec.commandLine().getOut();
      written.forEach(p -> out.printf("wrote %s%n", p));
      out.printf("submit with: %s%n", next);
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab sweep requeue}. */
  @Command(name = "requeue", mixinStandardHelpOptions = true,
      header = "Requeue the failed tasks of a Slurm sweep submitted with submit.sh, and make the stages after them wait for them again.",
      description = {
        "Slurm never re-tests a dependency it found failed: after a task of one stage fails, the next stage stays pending"
            + " (DependencyNeverSatisfied) even once the task has been requeued and has completed. This command requeues"
            + " every failed, cancelled, timed-out or out-of-memory task recorded in DIR/" + SlurmRequeue.SUBMITTED
            + " (scontrol requeue) and makes each pending job after them wait, task by task, for the tasks of the stage"
            + " before it that have not completed (scontrol update Dependency=afterok:JOB_TASK:...).",
        "Run it on a machine of the cluster after the cause of the failure is mended; the cells resume from their"
            + " checkpoints. Exits 1 when an scontrol call failed."
      })
  static final class Requeue implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The --out folder of sweep emit slurm, after submit.sh ran.")
    Path dir;

    @Option(names = "--dry-run", description = "Only say what would be requeued and mended.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException, InterruptedException {
      SlurmRequeue.Outcome o = SlurmRequeue.requeue(dir, scontrol(), dryRun);
      PrintWriter out = spec.commandLine().getOut();
      o.lines().forEach(out::println);
      if (o.requeued() == 0 && o.mended() == 0) {
        out.println("nothing to requeue: no task of " + dir.resolve(SlurmRequeue.SUBMITTED) + " has failed");
      }
      out.flush();
      if (!o.ok()) {
        o.errors().forEach(e -> spec.commandLine().getErr().println("sweep requeue: " + e));
        spec.commandLine().getErr().flush();
        return 1;
      }
      return 0;
    }
  }

  /** The scontrol that {@code sweep requeue} calls: the one on the PATH, or a test's. */
  static SlurmRequeue.Scontrol scontrol() {
    return scontrolForTests != null ? scontrolForTests : SlurmRequeue.onPath();
  }

  /** A fake scontrol for in-process tests; null for the real one. */
  static volatile SlurmRequeue.Scontrol scontrolForTests;
}
