package io.ticketlab.lottery.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.ticketlab.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A sweep as cluster jobs: one job per dependency stage ({@link Sweep#stages()}), whose tasks are
 * the stage's cells, each task running {@code ticketlab sweep run-cell --index I}; a stage starts
 * when the one before it has succeeded. Slurm: an sbatch script per stage ({@code --array=0-K},
 * resources from the sweep, task k → the stage's k-th cell) and {@code submit.sh} chaining them with
 * {@code --dependency=afterok:JOB}. Kubernetes: an Indexed Job per stage ({@code completionMode:
 * Indexed}, {@code JOB_COMPLETION_INDEX} → cell) over a shared volume, and {@code apply.sh} applying
 * them in order. A requeued or duplicated task is safe: {@code run-cell} is idempotent and waits for
 * the experiment's lock. {@code submit.sh} records its jobs in {@link SlurmRequeue#SUBMITTED}, from
 * which {@link SlurmRequeue} requeues failed tasks and mends the dependencies after them. Every
 * file is written atomically, after all of them have been built.
 */
public final class ClusterJobs {
  /** The script that submits the Slurm stages. */
  public static final String SUBMIT = "submit.sh";
  /** The script that applies the Kubernetes stages in order. */
  public static final String APPLY = "apply.sh";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private ClusterJobs() {}

  /** The file of stage {@code k}: {@code stage_K.sbatch} or {@code stage_K.yaml}. */
  public static String stageFile(int k, boolean slurm) {
    return "stage_" + k + (slurm ? ".sbatch" : ".yaml");
  }

  /**
   * Writes the Slurm scripts of {@code sweep} (read from {@code sweepFile} for runs under {@code
   * root}) into {@code out}; {@code ticketlab} is the command on the nodes. Returns the files written.
   */
  public static List<Path> writeSlurm(Sweep sweep, Path sweepFile, Path root, Path out, String ticketlab)
      throws IOException {
    return writeSlurm(sweep, sweepFile, root, out, ticketlab, MAX_ARRAY);
  }

  /**
   * Slurm's default {@code MaxArraySize} is 1001 (task ids 0 to 1000): a stage of more cells is
   * split into several arrays of at most this many tasks, and the next stage waits for all of them.
   */
  public static final int MAX_ARRAY = 1000;

  /** {@link #writeSlurm(Sweep, Path, Path, Path, String)} with arrays of at most {@code maxArray} tasks. */
  public static List<Path> writeSlurm(Sweep sweep, Path sweepFile, Path root, Path out, String ticketlab, int maxArray)
      throws IOException {
    if (maxArray < 1) {
      throw io.ticketlab.common.BadInputException.of(null, null, "--max-array", maxArray, "must be at least 1");
    }
    Path outDir = out.toAbsolutePath().normalize();
    Path logs = outDir.resolve("logs");
    String name = jobName(sweepFile);
    Sweep.Resources res = sweep.resources();
    Map<String, String> files = new LinkedHashMap<>();
    List<List<Sweep.Cell>> stages = sweep.stages();
    StringBuilder submit = new StringBuilder(String.join("\n",
        "#!/bin/sh",
        "# Submits the sweep " + sweepFile.toAbsolutePath() + " (written by ticketlab sweep emit slurm): job arrays",
        "# per stage, each stage after every array of the one before it succeeded (afterok).",
        "set -eu",
        "here=$(cd \"$(dirname \"$0\")\" && pwd)",
        "mkdir -p " + quote(logs.toString()),
        "# the jobs, for ticketlab sweep requeue: a line per job array (stage K JOB FILE), report JOB FILE",
        ": > \"$here/" + SlurmRequeue.SUBMITTED + "\"",
        "prev=", ""));
    for (int k = 0; k < stages.size(); k++) {
      List<Sweep.Cell> stage = stages.get(k);
      int parts = (stage.size() + maxArray - 1) / maxArray;
      submit.append("ids=\n");
      for (int part = 0; part < parts; part++) {
        List<Sweep.Cell> cells = stage.subList(part * maxArray, Math.min(stage.size(), (part + 1) * maxArray));
        String file = parts == 1 ? stageFile(k, true) : "stage_" + k + "_" + part + ".sbatch";
        String suffix = parts == 1 ? "" : "_" + part;
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# Stage ").append(k).append(" of ").append(stages.size())
            .append(parts == 1 ? "" : ", part " + (part + 1) + " of " + parts).append(", of the sweep ")
            .append(sweepFile.toAbsolutePath()).append(": array task k runs cell cells[k].\n");
        s.append("#SBATCH --job-name=").append(name).append("-stage").append(k).append(suffix).append('\n');
        s.append("#SBATCH --array=0-").append(cells.size() - 1).append('\n');
        appendResources(s, res);
        s.append("#SBATCH --output=").append(logs.resolve("stage" + k + suffix + "_%a.out")).append('\n');
        s.append("#SBATCH --requeue\n");
        s.append("set -euo pipefail\n");
        s.append("cells=(").append(cells.stream().map(c -> Integer.toString(c.index())).collect(Collectors.joining(" ")))
            .append(")\n");
        s.append("exec ").append(runCell(ticketlab, res, sweepFile, root, "\"${cells[$SLURM_ARRAY_TASK_ID]}\""))
            .append('\n');
        files.put(file, s.toString());
        submit.append("job=$(sbatch --parsable ${prev:+--dependency=afterok:$prev} \"$here/").append(file).append("\")\n");
        submit.append("ids=${ids:+$ids:}${job%%;*}\n");
        submit.append("echo \"stage ").append(k).append(" ${job%%;*} ").append(file).append("\" >> \"$here/")
            .append(SlurmRequeue.SUBMITTED).append("\"\n");
      }
      submit.append("prev=$ids\n");
      submit.append("echo \"stage ").append(k).append(" (").append(stage.size()).append(" cells): job $prev\"\n");
    }
    if (sweep.report() != null) {
      StringBuilder s = new StringBuilder("#!/bin/bash\n# The sweep's report, after every stage.\n");
      s.append("#SBATCH --job-name=").append(name).append("-report\n");
      if (res.partition() != null) {
        s.append("#SBATCH --partition=").append(res.partition()).append('\n');
      }
      s.append("#SBATCH --output=").append(logs.resolve("report.out")).append('\n');
      s.append("set -euo pipefail\n");
      s.append("exec ").append(report(ticketlab, sweep, root)).append('\n');
      files.put("report.sbatch", s.toString());
      submit.append("job=$(sbatch --parsable ${prev:+--dependency=afterok:$prev} \"$here/report.sbatch\")\n");
      submit.append("echo \"report ${job%%;*} report.sbatch\" >> \"$here/").append(SlurmRequeue.SUBMITTED)
          .append("\"\n");
      submit.append("echo \"report: job ${job%%;*}\"\n");
    }
    files.put(SUBMIT, submit.toString());
    return write(outDir, files);
  }

  /**
   * Writes the Kubernetes manifests of {@code sweep} into {@code out}: {@code image} runs {@code
   * ticketlab}, the claim {@code claim} is mounted at {@code mount}. Returns the files written.
   */
  public static List<Path> writeKubernetes(Sweep sweep, Path sweepFile, Path root, Path out, String ticketlab,
      String image, String claim, Path mount) throws IOException {
    Path outDir = out.toAbsolutePath().normalize();
    String name = jobName(sweepFile);
    Sweep.Resources res = sweep.resources();
    Map<String, String> files = new LinkedHashMap<>();
    List<List<Sweep.Cell>> stages = sweep.stages();
    StringBuilder apply = new StringBuilder(String.join("\n",
        "#!/bin/sh",
        "# Applies the sweep " + sweepFile.toAbsolutePath() + " (written by ticketlab sweep emit k8s): one Indexed Job",
        "# per stage, each after the one before it completed.",
        "set -eu",
        "here=$(cd \"$(dirname \"$0\")\" && pwd)",
        "wait_job() {",
        "  while :; do",
        "    state=$(kubectl get job \"$1\" -o jsonpath='{.status.conditions[?(@.status==\"True\")].type}')",
        "    case \"$state\" in",
        "      *Failed*) echo \"job $1 failed\" >&2; exit 1 ;;",
        "      *Complete*) return 0 ;;",
        "    esac",
        "    sleep 30",
        "  done",
        "}", ""));
    for (int k = 0; k < stages.size(); k++) {
      List<Sweep.Cell> cells = stages.get(k);
      String jobName = name + "-stage-" + k;
      String list = cells.stream().map(c -> Integer.toString(c.index())).collect(Collectors.joining(" "));
      String command = "set -- " + list + "; shift \"$JOB_COMPLETION_INDEX\"; exec "
          + runCell(ticketlab, res, sweepFile, root, "\"$1\"");
      files.put(stageFile(k, false), manifest(jobName, name, Integer.toString(k), cells.size(), command, image, claim,
          mount, res, true));
      apply.append("kubectl apply -f \"$here/").append(stageFile(k, false)).append("\"\n");
      apply.append("wait_job ").append(jobName).append('\n');
    }
    if (sweep.report() != null) {
      files.put("report.yaml", manifest(name + "-report", name, "report", 1, "exec " + report(ticketlab, sweep, root),
          image, claim, mount, new Sweep.Resources(null, null, 1, res.memory(), res.time()), false));
      apply.append("kubectl apply -f \"$here/report.yaml\"\nwait_job ").append(name).append("-report\n");
    }
    files.put(APPLY, apply.toString());
    return write(outDir, files);
  }

  private static String manifest(String jobName, String sweepName, String stage, int completions, String command,
      String image, String claim, Path mount, Sweep.Resources res, boolean indexed) throws IOException {
    ObjectNode job = YAML.createObjectNode();
    job.put("apiVersion", "batch/v1");
    job.put("kind", "Job");
    ObjectNode meta = job.putObject("metadata");
    meta.put("name", jobName);
    ObjectNode labels = meta.putObject("labels");
    labels.put("app.kubernetes.io/name", "ticketlab");
    labels.put("ticketlab/sweep", sweepName);
    labels.put("ticketlab/stage", stage);
    ObjectNode spec = job.putObject("spec");
    if (indexed) {
      spec.put("completionMode", "Indexed");
    }
    spec.put("completions", completions);
    spec.put("parallelism", completions);
    // a failed pod is retried (run-cell resumes it), at most about three times per cell
    spec.put("backoffLimit", 3 * completions);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").set("labels", labels.deepCopy());
    ObjectNode pod = template.putObject("spec");
    pod.put("restartPolicy", "Never");
    if (res.time() != null) {
      pod.put("activeDeadlineSeconds", SlurmTime.seconds(res.time()));
    }
    ObjectNode container = pod.putArray("containers").addObject();
    container.put("name", "cell");
    container.put("image", image);
    ArrayNode cmd = container.putArray("command");
    cmd.add("/bin/sh").add("-c").add(command);
    ObjectNode resources = container.putObject("resources");
    ObjectNode requests = YAML.createObjectNode();
    ObjectNode limits = YAML.createObjectNode();
    if (res.cpus() != null) {
      requests.put("cpu", Integer.toString(res.cpus()));
    }
    if (res.memory() != null) {
      requests.put("memory", kubernetesMemory(res.memory()));
      limits.put("memory", kubernetesMemory(res.memory()));
    }
    if (res.gpus() != null && res.gpus() > 0) {
      limits.put("nvidia.com/gpu", res.gpus());
    }
    if (!requests.isEmpty()) {
      resources.set("requests", requests);
    }
    if (!limits.isEmpty()) {
      resources.set("limits", limits);
    }
    ObjectNode volumeMount = container.putArray("volumeMounts").addObject();
    volumeMount.put("name", "shared");
    volumeMount.put("mountPath", mount.toString());
    ObjectNode volume = pod.putArray("volumes").addObject();
    volume.put("name", "shared");
    volume.putObject("persistentVolumeClaim").put("claimName", claim);
    return YAML.writeValueAsString(job);
  }

  /** The command of one cell; {@code index} is the shell word that gives its index. */
  private static String runCell(String ticketlab, Sweep.Resources res, Path sweepFile, Path root, String index) {
    return ticketlab + (res.cpus() != null ? " --threads " + res.cpus() : "") + " sweep run-cell "
        + quote(sweepFile.toAbsolutePath().normalize().toString()) + " --root "
        + quote(root.toAbsolutePath().normalize().toString()) + " --index " + index + " --quiet";
  }

  private static String report(String ticketlab, Sweep sweep, Path root) {
    Path r = root.toAbsolutePath().normalize();
    return ticketlab + " report --root " + quote(r.toString()) + " --out " + quote(r.resolve(sweep.report().out()).toString());
  }

  private static void appendResources(StringBuilder s, Sweep.Resources res) {
    if (res.partition() != null) {
      s.append("#SBATCH --partition=").append(res.partition()).append('\n');
    }
    if (res.gpus() != null && res.gpus() > 0) {
      s.append("#SBATCH --gres=gpu:").append(res.gpus()).append('\n');
    }
    if (res.cpus() != null) {
      s.append("#SBATCH --cpus-per-task=").append(res.cpus()).append('\n');
    }
    if (res.memory() != null) {
      s.append("#SBATCH --mem=").append(res.memory()).append('\n');
    }
    if (res.time() != null) {
      s.append("#SBATCH --time=").append(res.time()).append('\n');
    }
  }

  /** Slurm's {@code 64G} as Kubernetes writes it ({@code 64Gi}); a bare number is megabytes. */
  static String kubernetesMemory(String slurm) {
    char unit = slurm.charAt(slurm.length() - 1);
    return Character.isDigit(unit) ? slurm + "Mi" : slurm.substring(0, slurm.length() - 1) + unit + "i";
  }

  /** A job name from the sweep file's name: lower case letters, digits and dashes (a DNS label). */
  static String jobName(Path sweepFile) {
    String base = sweepFile.getFileName().toString().replaceFirst("\\.[^.]*$", "").toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    String name = "ticketlab-" + (base.isEmpty() ? "sweep" : base);
    return name.length() > 40 ? name.substring(0, 40).replaceAll("-+$", "") : name;
  }

  /** A word for sh: single-quoted unless it is plainly safe. */
  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  private static List<Path> write(Path outDir, Map<String, String> files) throws IOException {
    AtomicFiles.createFolder(outDir);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = outDir.resolve(f.getKey());
      AtomicFiles.writeString(p, f.getValue());
      if (f.getKey().endsWith(".sh") || f.getKey().endsWith(".sbatch")) {
        p.toFile().setExecutable(true, false);
      }
      written.add(p);
    }
    return List.copyOf(written);
  }
}
