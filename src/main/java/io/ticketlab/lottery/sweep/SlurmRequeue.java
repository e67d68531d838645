package io.ticketlab.lottery.sweep;

import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requeues the failed tasks of a submitted Slurm sweep and mends the dependencies of the stages
 * after them. Slurm never re-tests an {@code afterok} dependency it has found failed: once a task of
 * stage k has failed, the jobs of stage k+1 stay pending with {@code DependencyNeverSatisfied}, even
 * after the task has been requeued and has completed; and an {@code afterok} on the whole array
 * stays failed for good (the array keeps its worst exit code). What Slurm does re-test is a
 * dependency on single tasks: so each pending job after a stage with a failed task is made to wait,
 * task by task, for every task of that stage that has not completed ({@code scontrol update
 * Dependency=afterok:J_0:J_3:…}), or for nothing when all of them have.
 *
 * <p>The jobs come from {@code submitted.txt}, which {@code submit.sh} writes: one line per job
 * array, {@code stage K JOB FILE}, and {@code report JOB FILE}. Slurm forgets finished jobs after
 * {@code MinJobAge}; a job it no longer knows is one line, telling to submit again (done cells
 * finish at once).
 */
public final class SlurmRequeue {
  /** The file {@code submit.sh} records its jobs in. */
  public static final String SUBMITTED = "submitted.txt";

  /** States of a task that ended without success, which {@code scontrol requeue} runs again. */
  static final Set<String> FAILED = Set.of("FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE");

  private static final Pattern CELLS = Pattern.compile("(?m)^cells=\\(([0-9 ]*)\\)$");

  private SlurmRequeue() {}

  /** Runs {@code scontrol} with arguments; a test gives a fake. */
  @FunctionalInterface
  public interface Scontrol {
    /** The exit status and output (standard error included) of {@code scontrol ARGS}. */
    Output run(List<String> args) throws IOException, InterruptedException;
  }

  /** What one {@code scontrol} call printed. */
  public record Output(int exitCode, String text) {}

  /** The real {@code scontrol} on the {@code PATH}, at most a minute per call. */
  public static Scontrol onPath() {
    return args -> {
      List<String> cmd = new ArrayList<>(List.of("scontrol"));
      cmd.addAll(args);
      Path out = Files.createTempFile("ticketlab-scontrol", ".out");
      try {
        Process p;
        try {
          p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
          throw new BadInputException("scontrol: cannot run it (" + e.getMessage() + "); run sweep requeue on a"
              + " machine of the cluster, where Slurm's commands are");
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          return new Output(-1, "still running after 60 s");
        }
        return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    };
  }

  /** One job of the submission: its stage ({@code -1} for the report), id and script. */
  public record Job(int stage, String id, String file, List<Integer> cells) {
    String name() {
      return stage < 0 ? "report job " + id : "stage " + stage + " job " + id;
    }
  }

  /** One task (or a pending range of tasks) as {@code scontrol -o show job} prints it. */
  record Task(String id, String state, String reason, String dependency, int arrayIndex) {
    boolean completed() {
      return state.equals("COMPLETED");
    }

    boolean failed() {
      return FAILED.contains(state);
    }
  }

  /** What a call did (or, with {@code dryRun}, would do): a line per action and the counts. */
  public record Outcome(List<String> lines, int requeued, int mended, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** The jobs {@code submit.sh} recorded in {@code dir/submitted.txt}, in submission order. */
  public static List<Job> readSubmission(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw BadInputException.of(dir, null, null, null, "not a folder (give the --out folder of sweep emit slurm)");
    }
    Path file = dir.resolve(SUBMITTED);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw BadInputException.of(file, null, null, null, Files.isDirectory(dir)
          ? "no submission recorded here (submit.sh writes it: run " + dir.resolve(ClusterJobs.SUBMIT) + " first)"
          : "no such folder (give the --out folder of sweep emit slurm)");
    }
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] w = line.split("\\s+");
      String where = "line " + (i + 1);
      boolean stage = w[0].equals("stage") && w.length == 4 && w[1].matches("[0-9]{1,6}");
      boolean report = w[0].equals("report") && w.length == 3;
      String id = stage ? w[2] : report ? w[1] : null;
      if (id == null || !id.matches("[0-9]{1,18}")) {
        throw BadInputException.of(file, where, null, line, "expected 'stage K JOB FILE' or 'report JOB FILE'");
      }
      String script = stage ? w[3] : w[2];
      jobs.add(new Job(stage ? Integer.parseInt(w[1]) : -1, id, script, cellsOf(dir.resolve(script))));
    }
    if (jobs.isEmpty()) {
      throw BadInputException.of(file, null, null, null, "no job recorded (did submit.sh fail before its first sbatch?)");
    }
    return jobs;
  }

  /** The cell indices of a stage script ({@code cells=(…)}), or none when it cannot be read. */
  private static List<Integer> cellsOf(Path script) {
    try {
      Matcher m = CELLS.matcher(Files.readString(script, StandardCharsets.UTF_8));
      if (!m.find()) {
        return List.of();
      }
      List<Integer> cells = new ArrayList<>();
      for (String s : m.group(1).strip().split(" +")) {
        if (!s.isEmpty()) {
          cells.add(Integer.parseInt(s));
        }
      }
      return cells;
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }

  /**
   * Requeues every failed task of the jobs in {@code dir/submitted.txt} and mends the dependencies
   * of the pending jobs after them; with {@code dryRun}, only says what it would do.
   */
  public static Outcome requeue(Path dir, Scontrol scontrol, boolean dryRun) throws IOException, InterruptedException {
    List<Job> jobs = readSubmission(dir);
    Map<Job, List<Task>> tasks = new LinkedHashMap<>();
    for (Job j : jobs) {
      tasks.put(j, show(dir, j, scontrol));
    }
    List<String> lines = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int requeued = 0;
    int mended = 0;
    // the stages in order: the jobs of one stage, and the report after the last
    List<List<Job>> stages = new ArrayList<>();
    for (Job j : jobs) {
      if (stages.isEmpty() || stages.get(stages.size() - 1).get(0).stage() != j.stage()) {
        stages.add(new ArrayList<>());
      }
      stages.get(stages.size() - 1).add(j);
    }
    for (int s = 0; s < stages.size(); s++) {
      List<Job> before = s == 0 ? List.of() : stages.get(s - 1);
      boolean beforeFailed = false;
      List<String> waitFor = new ArrayList<>();
      for (Job b : before) {
        for (Task t : tasks.get(b)) {
          beforeFailed |= t.failed();
          if (!t.completed()) {
            waitFor.add(t.id());
          }
        }
      }
      for (Job j : stages.get(s)) {
        boolean mend = false;
        for (Task t : tasks.get(j)) {
          if (t.failed()) {
            // a task of a later stage whose stage before is not complete must not start at once
            boolean hold = !waitFor.isEmpty();
            lines.add((dryRun ? "would requeue " : "requeued ") + t.id() + " (" + j.name() + cellOf(j, t) + ", was "
                + t.state() + (t.reason().isEmpty() || t.reason().equals("None") ? "" : ": " + t.reason()) + ")"
                + (hold ? " to wait for " + describe(waitFor) : ""));
            requeued++;
            if (!dryRun) {
              call(scontrol, errors, hold ? "requeuehold" : "requeue", t.id());
              if (hold) {
                call(scontrol, errors, "update", "JobId=" + t.id(), "Dependency=" + dependency(waitFor));
                call(scontrol, errors, "release", t.id());
              }
            }
          } else if (t.state().equals("PENDING") && (beforeFailed || t.dependency().contains("(failed)"))) {
            mend = true;
          }
        }
        if (mend) {
          // one update of the job: Slurm applies it to every pending task of an array
          boolean never = tasks.get(j).stream().anyMatch(t -> t.reason().equals("DependencyNeverSatisfied"));
          lines.add((dryRun ? "would make " : "made ") + j.name() + " wait for "
              + (waitFor.isEmpty() ? "nothing (every task before it completed)" : describe(waitFor))
              + (never ? " (was DependencyNeverSatisfied)" : ""));
          mended++;
          if (!dryRun) {
            call(scontrol, errors, "update", "JobId=" + j.id(), "Dependency=" + dependency(waitFor));
          }
        }
      }
    }
    return new Outcome(List.copyOf(lines), requeued, mended, List.copyOf(errors));
  }

  private static String cellOf(Job j, Task t) {
    return t.arrayIndex() >= 0 && t.arrayIndex() < j.cells().size() ? ", cell " + j.cells().get(t.arrayIndex()) : "";
  }

  private static String dependency(List<String> waitFor) {
    return waitFor.isEmpty() ? "" : "afterok:" + String.join(":", waitFor);
  }

  private static String describe(List<String> ids) {
    return ids.size() <= 6 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 5)) + " and " + (ids.size() - 5)
        + " more tasks";
  }

  private static void call(Scontrol scontrol, List<String> errors, String... args)
      throws IOException, InterruptedException {
    Output o = scontrol.run(List.of(args));
    if (o.exitCode() != 0) {
      errors.add("scontrol " + String.join(" ", args) + ": " + firstLine(o.text()));
    }
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return t.isEmpty() ? "(no output)" : nl < 0 ? t : t.substring(0, nl);
  }

  /** The tasks of one job, every pending range expanded ({@code 12_[2-4]} → 12_2, 12_3, 12_4). */
  static List<Task> show(Path dir, Job job, Scontrol scontrol) throws IOException, InterruptedException {
    Output o = scontrol.run(List.of("-o", "show", "job", job.id()));
    if (o.exitCode() != 0) {
      if (o.text().contains("Invalid job id")) {
        throw BadInputException.of(dir.resolve(SUBMITTED), null, null, null, job.name() + " is no longer known"
            + " to Slurm (it forgets finished jobs after MinJobAge): submit the sweep again with "
            + dir.resolve(ClusterJobs.SUBMIT) + " (done cells finish at once)");
      }
      throw new BadInputException("scontrol show job " + job.id() + ": " + firstLine(o.text()));
    }
    List<Task> tasks = new ArrayList<>();
    for (String line : o.text().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String jobId = field(line, "JobId");
      String state = field(line, "JobState");
      if (jobId == null || state == null) {
        throw new BadInputException("scontrol show job " + job.id() + ": no JobId/JobState in: " + firstLine(line));
      }
      String reason = orEmpty(field(line, "Reason"));
      String dependency = orEmpty(field(line, "Dependency"));
      String array = field(line, "ArrayJobId");
      String index = field(line, "ArrayTaskId");
      if (array == null || index == null) {
        tasks.add(new Task(jobId, state, reason, dependency, -1));
        continue;
      }
      for (int i : taskIndices(index, job)) {
        tasks.add(new Task(array + "_" + i, state, reason, dependency, i));
      }
    }
    // scontrol prints the pending range first and the started tasks newest first: in task order
    tasks.sort(java.util.Comparator.comparingInt(Task::arrayIndex));
    return tasks;
  }

  /** Slurm's task list: {@code 3}, {@code 2-4}, {@code 1,3,5-7}, with an optional {@code %N} limit. */
  static List<Integer> taskIndices(String s, Job job) {
    List<Integer> out = new ArrayList<>();
    String list = s.replaceFirst("%\\d+$", "").replace("[", "").replace("]", "");
    for (String part : list.split(",")) {
      Matcher m = Pattern.compile("(\\d+)(?:-(\\d+))?(?::(\\d+))?").matcher(part);
      if (!m.matches()) {
        throw new BadInputException("scontrol show job " + job.id() + ": ArrayTaskId=" + s + ": not a task list");
      }
      int from = Integer.parseInt(m.group(1));
      int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
      int step = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      for (int i = from; i <= to; i += step) {
        out.add(i);
      }
    }
    return out;
  }

  private static String field(String line, String key) {
    Matcher m = Pattern.compile("(?:^|\\s)" + key + "=(\\S*)").matcher(line);
    return m.find() ? m.group(1) : null;
  }

  private static String orEmpty(String s) {
    return s == null || s.equals("(null)") ? "" : s;
  }
}
