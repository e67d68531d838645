package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.lottery.sweep.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab sweep emit slurm|k8s} on the paper's COCO grid: the files are parsed (sbatch
 * directives, manifests as YAML) and their shell run with fake {@code sbatch}, {@code kubectl} and
 * {@code ticketlab} that record what they were called with: array task k of a stage runs the stage's
 * k-th cell, and each stage is submitted after the one before it.
 */
class SweepEmitTest {
  @TempDir Path dir;

  /** A fake command that appends its arguments (one line) to {@code log}, then prints {@code reply}. */
  private Path fake(String name, Path log, String reply) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho \"" + name + " $*\" >> '" + log + "'\n" + reply + "\n");
    p.toFile().setExecutable(true);
    return p;
  }

  private static String sh(Path script, Map<String, String> env, String... shell) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(shell));
    cmd.add(script.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static List<String> directives(String script) {
    return script.lines().filter(l -> l.startsWith("#SBATCH ")).map(l -> l.substring(8)).toList();
  }

  @Test
  void slurm_oneArrayPerStage_taskKRunsTheStagesKthCell_stagesChainedWithAfterok() throws Exception {
    Path root = dir.resolve("runs");
    Path out = dir.resolve("slurm");
    Path calls = dir.resolve("calls.txt");
    Path ticketlab = fake("ticketlab", calls, "");
    Path sweepFile = SweepCommandTest.paperGrid();
    MainTest.Outcome o = MainTest.run("sweep", "emit", "slurm", sweepFile.toString(), "--root", root.toString(),
        "--out", out.toString(), "--ticketlab", ticketlab.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    Sweep sweep = Sweep.read(sweepFile, root);
    List<List<Sweep.Cell>> stages = sweep.stages();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("report.sbatch", "stage_0.sbatch", "stage_1.sbatch", "submit.sh");
    }
    for (int k = 0; k < 2; k++) {
      String script = Files.readString(out.resolve("stage_" + k + ".sbatch"));
      assertThat(script).startsWith("#!/bin/bash\n");
      assertThat(directives(script)).containsSubsequence(
          "--array=0-" + (stages.get(k).size() - 1), "--partition=gpu", "--gres=gpu:8", "--cpus-per-task=32",
          "--mem=256G", "--time=2-00:00:00");
      assertThat(directives(script)).contains("--requeue", "--job-name=ticketlab-sweep-stage" + k);
      // every directive comes before the first command (sbatch stops reading them there)
      List<String> lines = script.lines().toList();
      int lastDirective = lines.lastIndexOf(lines.stream().filter(l -> l.startsWith("#SBATCH")).reduce((a, b) -> b).orElseThrow());
      assertThat(lines.subList(1, lastDirective)).allMatch(l -> l.startsWith("#"));
      String cells = stages.get(k).stream().map(c -> Integer.toString(c.index())).collect(Collectors.joining(" "));
      assertThat(script).contains("\ncells=(" + cells + ")\n");
    }
    // array task 5 of stage 1 runs the 6th cell of stage 1
    Files.deleteIfExists(calls);
    sh(out.resolve("stage_1.sbatch"), Map.of("SLURM_ARRAY_TASK_ID", "5"), "bash");
    assertThat(Files.readString(calls).strip()).isEqualTo("ticketlab --threads 32 sweep run-cell " + sweepFile
        + " --root " + root.toAbsolutePath() + " --index " + stages.get(1).get(5).index() + " --quiet");
    assertThat(Files.readString(out.resolve("report.sbatch")))
        .contains("report --root " + root.toAbsolutePath() + " --out " + root.toAbsolutePath().resolve("report.html"));
    // submit.sh: stage 0 first, then stage 1 and the report, each after the job before it
    Files.deleteIfExists(calls);
    Path counter = dir.resolve("n");
    Files.writeString(counter, "1000");
    fake("sbatch", calls, "n=$(( $(cat '" + counter + "') + 1 )); echo $n > '" + counter + "'; echo \"$n;cluster\"");
    String printed = sh(out.resolve("submit.sh"), Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH")), "sh");
    assertThat(Files.readAllLines(calls)).containsExactly(
        "sbatch --parsable " + out.toAbsolutePath().resolve("stage_0.sbatch"),
        "sbatch --parsable --dependency=afterok:1001 " + out.toAbsolutePath().resolve("stage_1.sbatch"),
        "sbatch --parsable --dependency=afterok:1002 " + out.toAbsolutePath().resolve("report.sbatch"));
    assertThat(printed).contains("stage 0 (60 cells): job 1001", "stage 1 (108 cells): job 1002", "report: job 1003");
    assertThat(out.resolve("logs")).isDirectory();
    // the jobs, for sweep requeue: written afresh by every submission
    assertThat(Files.readAllLines(out.resolve("submitted.txt"))).containsExactly(
        "stage 0 1001 stage_0.sbatch", "stage 1 1002 stage_1.sbatch", "report 1003 report.sbatch");
    sh(out.resolve("submit.sh"), Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH")), "sh");
    assertThat(Files.readAllLines(out.resolve("submitted.txt"))).containsExactly(
        "stage 0 1004 stage_0.sbatch", "stage 1 1005 stage_1.sbatch", "report 1006 report.sbatch");
  }

  @Test
  void slurm_aStageLargerThanTheArrayLimit_isSplit_andTheNextStageWaitsForEveryPart() throws Exception {
    Path root = dir.resolve("runs");
    Path out = dir.resolve("slurm");
    Path calls = dir.resolve("calls.txt");
    Path sweepFile = SweepCommandTest.paperGrid();
    MainTest.Outcome o = MainTest.run("sweep", "emit", "slurm", sweepFile.toString(), "--root", root.toString(),
        "--out", out.toString(), "--max-array", "50");
    assertThat(o.exitCode()).as(o.err()).isZero();
    List<List<Sweep.Cell>> stages = Sweep.read(sweepFile, root).stages();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("report.sbatch",
          "stage_0_0.sbatch", "stage_0_1.sbatch", "stage_1_0.sbatch", "stage_1_1.sbatch", "stage_1_2.sbatch", "submit.sh");
    }
    int[][] sizes = {{50, 10}, {50, 50, 8}};
    for (int k = 0; k < 2; k++) {
      List<String> all = new ArrayList<>();
      for (int part = 0; part < sizes[k].length; part++) {
        String script = Files.readString(out.resolve("stage_" + k + "_" + part + ".sbatch"));
        assertThat(directives(script)).contains("--array=0-" + (sizes[k][part] - 1));
        String cells = script.lines().filter(l -> l.startsWith("cells=(")).findFirst().orElseThrow();
        all.addAll(List.of(cells.substring(7, cells.length() - 1).split(" ")));
      }
      assertThat(all).isEqualTo(stages.get(k).stream().map(c -> Integer.toString(c.index())).toList());
    }
    Path counter = dir.resolve("n");
    Files.writeString(counter, "1000");
    fake("sbatch", calls, "n=$(( $(cat '" + counter + "') + 1 )); echo $n > '" + counter + "'; echo \"$n\"");
    sh(out.resolve("submit.sh"), Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH")), "sh");
    Path o2 = out.toAbsolutePath();
    assertThat(Files.readAllLines(calls)).containsExactly(
        "sbatch --parsable " + o2.resolve("stage_0_0.sbatch"),
        "sbatch --parsable " + o2.resolve("stage_0_1.sbatch"),
        "sbatch --parsable --dependency=afterok:1001:1002 " + o2.resolve("stage_1_0.sbatch"),
        "sbatch --parsable --dependency=afterok:1001:1002 " + o2.resolve("stage_1_1.sbatch"),
        "sbatch --parsable --dependency=afterok:1001:1002 " + o2.resolve("stage_1_2.sbatch"),
        "sbatch --parsable --dependency=afterok:1003:1004:1005 " + o2.resolve("report.sbatch"));
    MainTest.Outcome bad = MainTest.run("sweep", "emit", "slurm", sweepFile.toString(), "--root", root.toString(),
        "--out", dir.resolve("other").toString(), "--max-array", "0");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("ticketlab sweep emit slurm: --max-array: bad value 0: must be at least 1");
    assertThat(dir.resolve("other")).doesNotExist();
  }

  @Test
  void k8s_oneIndexedJobPerStage_theCompletionIndexPicksTheCell_appliedInOrder() throws Exception {
    Path root = dir.resolve("runs");
    Path out = dir.resolve("k8s");
    Path calls = dir.resolve("calls.txt");
    Path ticketlab = fake("ticketlab", calls, "");
    Path sweepFile = SweepCommandTest.paperGrid();
    MainTest.Outcome o = MainTest.run("sweep", "emit", "k8s", sweepFile.toString(), "--root", root.toString(),
        "--out", out.toString(), "--ticketlab", ticketlab.toString(), "--image", "registry.example/ticketlab:0.3",
        "--volume-claim", "shared-runs", "--mount", "/shared");
    assertThat(o.exitCode()).as(o.err()).isZero();
    List<List<Sweep.Cell>> stages = Sweep.read(sweepFile, root).stages();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (int k = 0; k < 2; k++) {
      JsonNode job = yaml.readTree(out.resolve("stage_" + k + ".yaml").toFile());
      assertThat(job.path("apiVersion").asText()).isEqualTo("batch/v1");
      assertThat(job.path("kind").asText()).isEqualTo("Job");
      assertThat(job.at("/metadata/name").asText()).isEqualTo("ticketlab-sweep-stage-" + k);
      JsonNode spec = job.path("spec");
      assertThat(spec.path("completionMode").asText()).isEqualTo("Indexed");
      assertThat(spec.path("completions").asInt()).isEqualTo(stages.get(k).size());
      assertThat(spec.path("parallelism").asInt()).isEqualTo(stages.get(k).size());
      JsonNode pod = spec.at("/template/spec");
      assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
      assertThat(pod.path("activeDeadlineSeconds").asLong()).isEqualTo(2 * 86400);
      JsonNode c = pod.at("/containers/0");
      assertThat(c.path("image").asText()).isEqualTo("registry.example/ticketlab:0.3");
      assertThat(c.at("/resources/requests/cpu").asText()).isEqualTo("32");
      assertThat(c.at("/resources/requests/memory").asText()).isEqualTo("256Gi");
      assertThat(c.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(8);
      assertThat(c.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/shared");
      assertThat(pod.at("/volumes/0/persistentVolumeClaim/claimName").asText()).isEqualTo("shared-runs");
      assertThat(c.at("/command/0").asText()).isEqualTo("/bin/sh");
      assertThat(c.at("/command/1").asText()).isEqualTo("-c");
      // the pod's shell with JOB_COMPLETION_INDEX=i runs the stage's i-th cell
      int i = k == 0 ? 59 : 3;
      Path script = Files.writeString(dir.resolve("pod.sh"), c.at("/command/2").asText());
      Files.deleteIfExists(calls);
      sh(script, Map.of("JOB_COMPLETION_INDEX", Integer.toString(i)), "/bin/sh");
      assertThat(Files.readString(calls).strip()).isEqualTo("ticketlab --threads 32 sweep run-cell " + sweepFile
          + " --root " + root.toAbsolutePath() + " --index " + stages.get(k).get(i).index() + " --quiet");
    }
    JsonNode report = yaml.readTree(out.resolve("report.yaml").toFile());
    assertThat(report.at("/spec/completionMode").isMissingNode()).isTrue();
    assertThat(report.at("/spec/completions").asInt()).isEqualTo(1);
    // apply.sh applies a stage only once the one before it is complete
    Files.deleteIfExists(calls);
    fake("kubectl", calls, "case \"$1\" in get) echo Complete ;; esac");
    sh(out.resolve("apply.sh"), Map.of("PATH", dir.resolve("bin") + ":" + System.getenv("PATH")), "sh");
    Path o2 = out.toAbsolutePath();
    assertThat(Files.readAllLines(calls)).containsExactly(
        "kubectl apply -f " + o2.resolve("stage_0.yaml"),
        "kubectl get job ticketlab-sweep-stage-0 -o jsonpath={.status.conditions[?(@.status==\"True\")].type}",
        "kubectl apply -f " + o2.resolve("stage_1.yaml"),
        "kubectl get job ticketlab-sweep-stage-1 -o jsonpath={.status.conditions[?(@.status==\"True\")].type}",
        "kubectl apply -f " + o2.resolve("report.yaml"),
        "kubectl get job ticketlab-sweep-report -o jsonpath={.status.conditions[?(@.status==\"True\")].type}");
    // a failed stage stops the chain
    Files.deleteIfExists(calls);
    fake("kubectl", calls, "case \"$1\" in get) echo Failed ;; esac");
    ProcessBuilder pb = new ProcessBuilder("sh", out.resolve("apply.sh").toString()).redirectErrorStream(true);
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    Process p = pb.start();
    String printed = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    assertThat(p.exitValue()).as(printed).isNotZero();
    assertThat(printed).contains("job ticketlab-sweep-stage-0 failed");
    assertThat(Files.readAllLines(calls)).hasSize(2);
  }
}
