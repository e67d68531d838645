package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.sweep.SlurmRequeue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab sweep requeue} against a fake {@code scontrol} that prints what Slurm 22.05's
 * {@code scontrol -o show job} printed for the same situations on the single-node test cluster
 * (a split task per line, a pending range as one line, a failed dependency as {@code (failed)}), and
 * records the calls. What the calls do on a real cluster is {@code SlurmSweepTest}'s part.
 */
class SweepRequeueTest {
  @TempDir Path dir;

  private final Map<String, String> shown = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final Map<String, String> failing = new HashMap<>();

  @BeforeEach
  void fakeScontrol() {
    SweepCommand.scontrolForTests = args -> {
      String call = String.join(" ", args);
      if (args.size() == 4 && args.get(0).equals("-o") && args.get(1).equals("show")) {
        String out = shown.get(args.get(3));
        return out == null ? new SlurmRequeue.Output(1, "slurm_load_jobs error: Invalid job id specified\n")
            : new SlurmRequeue.Output(0, out);
      }
      calls.add(call);
      String err = failing.get(call);
      return err == null ? new SlurmRequeue.Output(0, "") : new SlurmRequeue.Output(1, err);
    };
  }

  @AfterEach
  void realScontrol() {
    SweepCommand.scontrolForTests = null;
  }

  /** One line of {@code scontrol -o show job} (the fields the command reads, in Slurm's order, and some it does not). */
  private static String task(String jobId, String arrayJob, String arrayTask, String state, String reason, String dependency) {
    return "JobId=" + jobId + (arrayJob == null ? "" : " ArrayJobId=" + arrayJob + " ArrayTaskId=" + arrayTask)
        + " JobName=ticketlab-sweep-stage0 UserId=root(0) Priority=1 Nice=0 Account=(null) QOS=(null)"
        + " JobState=" + state + " Reason=" + reason + " Dependency=" + dependency
        + " Requeue=1 Restarts=0 BatchFlag=1 Command=/a dir/with spaces/stage_0.sbatch StdOut=/tmp/x y.out\n";
  }

  private Path jobs(String... lines) throws IOException {
    Path out = Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(out.resolve("stage_0.sbatch"), "#!/bin/bash\nset -euo pipefail\ncells=(0 1 2 3 4)\nexec x\n");
    Files.writeString(out.resolve("stage_1.sbatch"), "#!/bin/bash\nset -euo pipefail\ncells=(5 6)\nexec x\n");
    Files.writeString(out.resolve("report.sbatch"), "#!/bin/bash\nexec x\n");
    Files.writeString(out.resolve("submitted.txt"), String.join("\n", lines) + "\n");
    return out;
  }

  @Test
  void aFailedTaskOfStage0_isRequeued_andStage1WaitsForEveryUnfinishedTaskOfStage0() throws Exception {
    Path out = jobs("stage 0 10 stage_0.sbatch", "stage 1 11 stage_1.sbatch", "report 12 report.sbatch");
    shown.put("10", task("10", "10", "3-4%2", "PENDING", "JobArrayTaskLimit", "(null)")
        + task("13", "10", "2", "RUNNING", "None", "(null)")
        + task("12", "10", "1", "FAILED", "NonZeroExitCode", "(null)")
        + task("14", "10", "0", "COMPLETED", "None", "(null)"));
    shown.put("11", task("11", "11", "0-1", "PENDING", "DependencyNeverSatisfied", "afterok:10_*(failed)"));
    shown.put("12", task("12", null, null, "PENDING", "Dependency", "afterok:11_*(unfulfilled)"));

    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());

    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(calls).containsExactly("requeue 10_1", "update JobId=11 Dependency=afterok:10_1:10_2:10_3:10_4");
    assertThat(o.out().lines()).containsExactly(
        "requeued 10_1 (stage 0 job 10, cell 1, was FAILED: NonZeroExitCode)",
        "made stage 1 job 11 wait for 10_1, 10_2, 10_3, 10_4 (was DependencyNeverSatisfied)");
  }

  @Test
  void aFailedTaskOfStage1_whileStage0IsComplete_isRequeued_andTheReportWaitsForItAgain() throws Exception {
    Path out = jobs("stage 0 10 stage_0.sbatch", "stage 1 11 stage_1.sbatch", "report 12 report.sbatch");
    shown.put("10", task("10", "10", "0", "COMPLETED", "None", "(null)") + task("15", "10", "1", "COMPLETED", "None", "(null)"));
    shown.put("11", task("11", "11", "0", "FAILED", "NonZeroExitCode", "(null)")
        + task("16", "11", "1", "COMPLETED", "None", "(null)"));
    shown.put("12", task("12", null, null, "PENDING", "DependencyNeverSatisfied", "afterok:11_*(failed)"));

    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());

    assertThat(o.exitCode()).as(o.err()).isZero();
    // stage 0 is complete: the task may start at once; the report waits for that one task
    assertThat(calls).containsExactly("requeue 11_0", "update JobId=12 Dependency=afterok:11_0");
    assertThat(o.out()).contains("requeued 11_0 (stage 1 job 11, cell 5, was FAILED: NonZeroExitCode)",
        "made report job 12 wait for 11_0 (was DependencyNeverSatisfied)");
  }

  @Test
  void aFailedTaskOfALaterStage_whoseStageBeforeIsNotComplete_isRequeuedHeld_untilThatStageIs() throws Exception {
    // e.g. a cluster with kill_invalid_depend, which cancels the jobs after a failed one
    Path out = jobs("stage 0 10 stage_0.sbatch", "stage 1 11 stage_1.sbatch");
    shown.put("10", task("10", "10", "0", "COMPLETED", "None", "(null)") + task("15", "10", "1", "TIMEOUT", "TimeLimit", "(null)"));
    shown.put("11", task("11", "11", "0-1", "CANCELLED", "DependencyNeverSatisfied", "(null)"));

    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());

    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(calls).containsExactly("requeue 10_1",
        "requeuehold 11_0", "update JobId=11_0 Dependency=afterok:10_1", "release 11_0",
        "requeuehold 11_1", "update JobId=11_1 Dependency=afterok:10_1", "release 11_1");
    assertThat(o.out()).contains("requeued 10_1 (stage 0 job 10, cell 1, was TIMEOUT: TimeLimit)",
        "requeued 11_1 (stage 1 job 11, cell 6, was CANCELLED: DependencyNeverSatisfied) to wait for 10_1");
  }

  @Test
  void aJobAfterStagesThatCompletedMeanwhile_waitsForNothing() throws Exception {
    // a task requeued by hand with scontrol, which has completed since: only the dependency is left to mend
    Path out = jobs("stage 0 10 stage_0.sbatch", "stage 1 11 stage_1.sbatch");
    shown.put("10", task("10", "10", "0", "COMPLETED", "None", "(null)") + task("15", "10", "1", "COMPLETED", "None", "(null)"));
    shown.put("11", task("11", "11", "0-1", "PENDING", "DependencyNeverSatisfied", "afterok:10_*(failed)"));

    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());

    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(calls).containsExactly("update JobId=11 Dependency=");
    assertThat(o.out()).contains("made stage 1 job 11 wait for nothing (every task before it completed)");
  }

  @Test
  void nothingFailed_nothingIsCalled_andDryRunOnlySays() throws Exception {
    Path out = jobs("stage 0 10 stage_0.sbatch", "stage 1 11 stage_1.sbatch");
    shown.put("10", task("10", "10", "0", "COMPLETED", "None", "(null)") + task("15", "10", "1", "RUNNING", "None", "(null)"));
    shown.put("11", task("11", "11", "0-1", "PENDING", "Dependency", "afterok:10_*(unfulfilled)"));
    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());
    assertThat(o.exitCode()).isZero();
    assertThat(calls).isEmpty();
    assertThat(o.out()).startsWith("nothing to requeue: no task of " + out.resolve("submitted.txt") + " has failed");

    shown.put("10", task("10", "10", "0", "COMPLETED", "None", "(null)") + task("15", "10", "1", "FAILED", "NonZeroExitCode", "(null)"));
    o = MainTest.run("sweep", "requeue", out.toString(), "--dry-run");
    assertThat(o.exitCode()).isZero();
    assertThat(calls).isEmpty();
    assertThat(o.out().lines()).containsExactly("would requeue 10_1 (stage 0 job 10, cell 1, was FAILED: NonZeroExitCode)",
        "would make stage 1 job 11 wait for 10_1");
  }

  @Test
  void aFailingScontrolCall_isNamed_andExits1() throws Exception {
    Path out = jobs("stage 0 10 stage_0.sbatch");
    shown.put("10", task("10", "10", "0", "FAILED", "NonZeroExitCode", "(null)"));
    failing.put("requeue 10_0", "Requested operation is presently disabled for job 10_0\n");
    MainTest.Outcome o = MainTest.run("sweep", "requeue", out.toString());
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.err().strip()).isEqualTo(
        "sweep requeue: scontrol requeue 10_0: Requested operation is presently disabled for job 10_0");
  }

  @Test
  void badInput_isOneLine_exit2() throws Exception {
    Path missing = dir.resolve("nowhere");
    MainTest.Outcome o = MainTest.run("sweep", "requeue", missing.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep requeue: " + missing.resolve("submitted.txt")
        + ": no such folder (give the --out folder of sweep emit slurm)");

    Path aFile = Files.writeString(dir.resolve("sweep.yaml"), "grids: {}\n");
    o = MainTest.run("sweep", "requeue", aFile.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep requeue: " + aFile
        + ": not a folder (give the --out folder of sweep emit slurm)");

    Path empty = Files.createDirectories(dir.resolve("emitted"));
    o = MainTest.run("sweep", "requeue", empty.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep requeue: " + empty.resolve("submitted.txt")
        + ": no submission recorded here (submit.sh writes it: run " + empty.resolve("submit.sh") + " first)");

    Path out = jobs("stage 0 10 stage_0.sbatch", "stage one 11 stage_1.sbatch");
    o = MainTest.run("sweep", "requeue", out.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep requeue: " + out.resolve("submitted.txt")
        + ": line 2: bad value stage one 11 stage_1.sbatch: expected 'stage K JOB FILE' or 'report JOB FILE'");

    out = jobs("stage 0 10 stage_0.sbatch");
    o = MainTest.run("sweep", "requeue", out.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip()).isEqualTo("ticketlab sweep requeue: " + out.resolve("submitted.txt") + ": stage 0 job 10 is no longer"
        + " known to Slurm (it forgets finished jobs after MinJobAge): submit the sweep again with "
        + out.resolve("submit.sh") + " (done cells finish at once)");
    assertThat(o.err()).doesNotContain("Exception");
    assertThat(calls).isEmpty();
  }
}
