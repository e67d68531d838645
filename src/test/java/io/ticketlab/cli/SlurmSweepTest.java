package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.sweep.Sweep;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm path on a real single-node cluster ({@code .ci/slurm-up.sh}: slurmctld and slurmd on
 * this machine): a sweep of two classifier cells and an ImageNet-ticket transfer into a tiny
 * detector, emitted with {@code sweep emit slurm}, submitted with its {@code submit.sh} (two job
 * arrays chained by afterok), gives every cell's {@code level.json} and mask byte for byte as {@code
 * sweep run} on this machine did. On the way, both stage-0 tasks fail (their data is not there yet),
 * which leaves stage 1 {@code DependencyNeverSatisfied}; once the data is back, {@code sweep
 * requeue} requeues them and makes stage 1 wait for them again. Then the transfer task is killed
 * (SIGKILL) mid-run, which Slurm records as a failed task, and {@code sweep requeue} runs it again
 * from its checkpoint. Skips where {@code sbatch}/{@code sinfo} are missing or no node is up.
 */
@Tag("engine")
@Tag("slurm")
class SlurmSweepTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final Pattern STAGE_JOB = Pattern.compile("stage (\\d+) \\((\\d+) cells?\\): job (\\d+)");

  @TempDir Path dir;

  private final List<String> submitted = new ArrayList<>();

  @AfterEach
  void cancelWhatIsLeft() throws Exception {
    if (!submitted.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("scancel"));
      cmd.addAll(submitted);
      shell(cmd, Duration.ofSeconds(30));
    }
  }

  /**
   * Runs {@code cmd}, returns its exit status and output (standard error included); one still
   * running after {@code timeout} is killed and gives exit status -1.
   */
  private static Shell shell(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("slurm-test", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Shell(-1, String.join(" ", cmd) + ": still running after " + timeout);
      }
      return new Shell(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private record Shell(int exitCode, String out) {}

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Paths.get(d, command)));
  }

  private static void assumeClusterUp() throws Exception {
    for (String c : List.of("sbatch", "sinfo", "squeue", "scontrol")) {
      assumeTrue(onPath(c), "no Slurm here: " + c + " is not on PATH (.ci/run installs and starts a single-node"
          + " cluster with .ci/slurm-up.sh, as root)");
    }
    Shell s = shell(List.of("sinfo", "-h", "-N", "-o", "%t"), Duration.ofSeconds(20));
    assumeTrue(s.exitCode() == 0 && s.out().lines().anyMatch(l -> l.matches("idle|mix|alloc")),
        "no Slurm cluster up (sinfo: " + s.out().strip() + "); start one with .ci/slurm-up.sh as root");
  }

  /** A launcher the batch scripts run as {@code ticketlab}: this JVM's Java and class path. */
  private Path launcher() throws IOException {
    List<String> words = new ArrayList<>();
    words.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xm") || a.startsWith("-D")) {
        words.add(a);
      }
    }
    words.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    String script = "#!/bin/sh\nexec " + words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" ")) + " \"$@\"\n";
    Path p = Files.writeString(dir.resolve("ticketlab"), script);
    assertThat(p.toFile().setExecutable(true)).isTrue();
    return p;
  }

  /** The state of every task of {@code job} ({@code scontrol show job}: one JobState per task). */
  private static List<String> taskStates(String job) throws Exception {
    Shell s = shell(List.of("scontrol", "-o", "show", "job", job), Duration.ofSeconds(20));
    assertThat(s.exitCode()).as(s.out()).isZero();
    List<String> states = new ArrayList<>();
    Matcher m = Pattern.compile("JobState=(\\S+)").matcher(s.out());
    while (m.find()) {
      states.add(m.group(1));
    }
    return states;
  }

  private static void waitUntil(String what, Instant deadline, Check check) throws Exception {
    while (!check.ok()) {
      if (Instant.now().isAfter(deadline)) {
        Shell q = shell(List.of("squeue", "-h", "-o", "%i %T %r"), Duration.ofSeconds(20));
        fail("timed out waiting for " + what + "; squeue: " + q.out());
      }
      Thread.sleep(200);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  @Test
  void aSweepSubmittedToSlurm_givesTheLocalRunsBytes_evenWithFailedAndKilledTasksRequeued() throws Exception {
    assumeClusterUp();
    ClassificationTrainingTestData.writeShapes(dir.resolve("crops"), 4, 3);
    SynthGenerator.write(dir.resolve("train"), new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    Path file = Files.writeString(dir.resolve("sweep.yaml"), String.join("\n",
        "resources: {cpus: 1, time: \"00:10:00\"}",
        "grids:",
        "  classify:",
        "    base: {data: {train: crops}, model: {arch: resnet18, width: 0.25},"
            + " training: {iterations: 4it, batch: 6, size: 32, lr: 0.02}, pruning: {rounds: 2}}",
        "    axes: {pruning.sparsity: [0.5, 0.8]}",
        "  ticket:",
        "    base: {task: det, data: {train: train/annotations.json}, model: {arch: resnet18, width: 0.25,"
            + " fpn_channels: 32, head_width: 64, min_size: [128], max_size: 128, scratch: true},"
            + " training: {iterations: 6it, batch: 2, lr: 0.01, warmup: 1it}}",
        "    source: {grid: classify, level: last, match: {pruning.sparsity: 0.8}}",
        "    axes: {transfer.kind: [imagenet-ticket]}", ""));
    // The transfer's run id names its source's folder under the root, so both runs use one root
    // path: the local run's folder is moved aside before Slurm runs the sweep there.
    Path root = dir.resolve("runs");
    Path local = dir.resolve("local");
    Sweep sweep = Sweep.read(file, root);
    assertThat(sweep.cells()).hasSize(3);
    assertThat(sweep.stages()).hasSize(2);
    Sweep.Cell transfer = sweep.stages().get(1).get(0);
    assertThat(transfer.experiment().spec().transfer()).isNotNull();

    MainTest.Outcome o = MainTest.run("sweep", "run", file.toString(), "--root", root.toString(), "--jobs", "2",
        "--threads-per-job", "1", "--quiet");
    assertThat(o.exitCode()).as(o.out() + o.err()).isZero();
    Files.move(root, local);

    Path jobs = dir.resolve("jobs");
    MainTest.Outcome emit = MainTest.run("sweep", "emit", "slurm", file.toString(), "--root", root.toString(),
        "--out", jobs.toString(), "--ticketlab", launcher().toString());
    assertThat(emit.exitCode()).as(emit.err()).isZero();
    // Stage 0 fails first: its data is not there yet (as when shared storage lags behind a submission).
    Path crops = dir.resolve("crops");
    Path away = dir.resolve("crops-not-yet");
    Files.move(crops, away);
    Instant deadline = Instant.now().plus(TIMEOUT);
    Shell submit = shell(List.of("sh", jobs.resolve("submit.sh").toString()), Duration.ofSeconds(60));
    assertThat(submit.exitCode()).as(submit.out()).isZero();
    List<String> stageJobs = new ArrayList<>();
    Matcher m = STAGE_JOB.matcher(submit.out());
    while (m.find()) {
      stageJobs.add(m.group(3));
    }
    submitted.addAll(stageJobs);
    assertThat(stageJobs).as(submit.out()).hasSize(2);
    // Slurm holds stage 1 for stage 0 (with 2 CPUs, resources alone might order them as well)
    assertThat(shell(List.of("scontrol", "-o", "show", "job", stageJobs.get(1)), Duration.ofSeconds(20)).out())
        .contains("Dependency=afterok:" + stageJobs.get(0));
    waitUntil("both stage-0 tasks to fail", deadline, () -> taskStates(stageJobs.get(0)).equals(List.of("FAILED", "FAILED")));
    // what Slurm does by itself: stage 1 can never start, whatever happens to stage 0 now
    waitUntil("stage 1 to be DependencyNeverSatisfied", deadline, () -> shell(List.of("scontrol", "-o", "show", "job",
        stageJobs.get(1)), Duration.ofSeconds(20)).out().contains("Reason=DependencyNeverSatisfied"));
    Files.move(away, crops);
    MainTest.Outcome requeue0 = MainTest.run("sweep", "requeue", jobs.toString());
    assertThat(requeue0.exitCode()).as(requeue0.out() + requeue0.err()).isZero();
    String j0 = stageJobs.get(0);
    assertThat(requeue0.out().lines()).containsExactly(
        "requeued " + j0 + "_0 (stage 0 job " + j0 + ", cell 0, was FAILED: NonZeroExitCode)",
        "requeued " + j0 + "_1 (stage 0 job " + j0 + ", cell 1, was FAILED: NonZeroExitCode)",
        "made stage 1 job " + stageJobs.get(1) + " wait for " + j0 + "_0, " + j0 + "_1 (was DependencyNeverSatisfied)");

    // Kill the transfer's task once it has started training (its first checkpoint is on disk).
    Path level = transfer.experiment().layout(root).level(0, LotteryRunner.levels(transfer.experiment().spec()).get(0));
    Path lock = transfer.experiment().layout(root).lock();
    waitUntil("the transfer task to start training", deadline, () -> {
      assertThat(ExperimentLayout.record(level)).as("the transfer finished before it could be killed").doesNotExist();
      return Files.exists(ExperimentLayout.checkpoint(level, 0)) && Files.exists(lock) && Files.size(lock) > 0;
    });
    String holder = Files.readString(lock).strip();
    assertThat(holder).startsWith("pid ");
    long pid = Long.parseLong(holder.substring(4, holder.indexOf(' ', 4)));
    ProcessHandle task = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + holder));
    assertThat(task.destroyForcibly()).isTrue();
    task.onExit().get(30, TimeUnit.SECONDS);
    assertThat(ExperimentLayout.record(level)).as("killed mid-run").doesNotExist();
    String transferTask = stageJobs.get(1) + "_0";
    waitUntil("Slurm to record the killed task as failed", deadline, () -> taskStates(transferTask).equals(List.of("FAILED")));

    MainTest.Outcome requeue1 = MainTest.run("sweep", "requeue", jobs.toString());
    assertThat(requeue1.exitCode()).as(requeue1.out() + requeue1.err()).isZero();
    // (the reason Slurm gives for a killed task varies: NonZeroExitCode, RaisedSignal:9, ...)
    assertThat(requeue1.out().lines()).singleElement().asString()
        .startsWith("requeued " + transferTask + " (stage 1 job " + stageJobs.get(1) + ", cell 2, was FAILED");
    // It starts again once its credential has expired: AuthInfo=cred_expire (10 s in .ci/slurm-up.sh,
    // 120 s by default). Starting it sooner (scontrol update StartTime=now) gets it killed at launch.
    for (String job : stageJobs) {
      waitUntil("job " + job + " to complete", deadline, () -> {
        List<String> states = taskStates(job);
        assertThat(states).as("job " + job).noneMatch(s -> s.equals("FAILED") || s.equals("CANCELLED") || s.equals("TIMEOUT"));
        return !states.isEmpty() && states.stream().allMatch("COMPLETED"::equals);
      });
    }
    assertThat(taskStates(stageJobs.get(0))).hasSize(2);
    assertThat(shell(List.of("scontrol", "-o", "show", "job", j0), Duration.ofSeconds(20)).out())
        .contains("Restarts=1").doesNotContain("Restarts=0");
    assertThat(shell(List.of("scontrol", "-o", "show", "job", transferTask), Duration.ofSeconds(20)).out())
        .contains("Restarts=1");

    for (Sweep.Cell c : sweep.cells()) {
      for (int l : LotteryRunner.levels(c.experiment().spec())) {
        Path slurmLevel = c.experiment().layout(root).level(0, l);
        Path localLevel = c.experiment().layout(local).level(0, l);
        assertThat(Files.readAllBytes(ExperimentLayout.record(slurmLevel))).as(c.label() + " level " + l)
            .isEqualTo(Files.readAllBytes(ExperimentLayout.record(localLevel)));
        if (Files.exists(ExperimentLayout.mask(localLevel))) {
          assertThat(Files.readAllBytes(ExperimentLayout.mask(slurmLevel))).as(c.label() + " mask " + l)
              .isEqualTo(Files.readAllBytes(ExperimentLayout.mask(localLevel)));
        }
      }
    }
    // the two classifier cells differ: the comparison is not of two copies of one run
    Path a = ExperimentLayout.record(sweep.stages().get(0).get(0).experiment().layout(root).level(0, 1));
    Path b = ExperimentLayout.record(sweep.stages().get(0).get(1).experiment().layout(root).level(0, 1));
    assertThat(Files.readString(a)).isNotEqualTo(Files.readString(b));
  }
}
