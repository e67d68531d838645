package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.cli.Main;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process owns an experiment: two child JVMs started at the same moment on one experiment —
 * exactly one trains, the other exits 2 naming the holder, or with {@code --wait} waits and then
 * finds the work done; either way the results equal a single run's bit for bit. Every level folder
 * holds a complete {@code provenance.json}.
 */
@Tag("engine")
class ExperimentLockTest {
  @TempDir Path dir;

  private Path config() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    return Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "data: {train: train}",
        "model: {arch: resnet18, width: 0.125}",
        "training: {iterations: 40it, batch: 6, size: 32, lr: 0.02, schedule: cosine}",
        "pruning: {sparsity: 0.8, rounds: 2}",
        "rewind: {at: 2it}",
        "seed: 5", ""));
  }

  private record Child(Process process, Path stderr) {
    String err() throws Exception {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }
  }

  private Child start(Path cfg, Path root, String name, String... extra) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "lottery", "--config", cfg.toString(), "--root", root.toString()));
    cmd.addAll(List.of(extra));
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile()).start();
    return new Child(p, err);
  }

  @Test
  void twoProcessesAtOnce_oneTrains_theOtherIsRefusedNamingIt_orWaitsWithWait() throws Exception {
    Path cfg = config();
    Path single = dir.resolve("single");
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        "lottery", "--config", cfg.toString(), "--root", single.toString(), "--quiet")).isZero();

    Path contested = dir.resolve("contested");
    Child a = start(cfg, contested, "a", "--quiet");
    Child b = start(cfg, contested, "b", "--quiet");
    assertThat(a.process().waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(b.process().waitFor(180, TimeUnit.SECONDS)).isTrue();
    List<Integer> codes = List.of(a.process().exitValue(), b.process().exitValue());
    assertThat(codes).as("exit codes; stderr a: %s; b: %s", a.err(), b.err()).containsExactlyInAnyOrder(0, 2);
    Child loser = codes.get(0) == 2 ? a : b;
    Child winner = loser == a ? b : a;
    String refusal = loser.err().strip();
    assertThat(refusal).doesNotContain("\n")
        .contains("another process runs this experiment: pid " + winner.process().pid())
        .contains("--wait");
    assertSameResults(single, contested);

    Path waited = dir.resolve("waited");
    Child c = start(cfg, waited, "c", "--wait");
    Child d = start(cfg, waited, "d", "--wait");
    assertThat(c.process().waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(d.process().waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(c.process().exitValue()).as(c.err()).isZero();
    assertThat(d.process().exitValue()).as(d.err()).isZero();
    assertThat(c.err() + d.err()).contains("waiting for pid ");
    assertSameResults(single, waited);
    // one process trained each level: one session in its provenance
    for (Path level : levels(waited)) {
      assertThat(new ObjectMapper().readTree(level.resolve("provenance.json").toFile()).get("sessions")).hasSize(1);
    }
  }

  private static List<Path> levels(Path root) throws Exception {
    ExperimentLayout layout = ExperimentLayout.under(root).get(0);
    return List.of(layout.level(0, 0), layout.level(0, 1));
  }

  private static void assertSameResults(Path expectedRoot, Path actualRoot) throws Exception {
    List<Path> expected = levels(expectedRoot);
    List<Path> actual = levels(actualRoot);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(TicketCheckpoint.read(actual.get(i).resolve("checkpoint_40.tlck")).weights())
          .isEqualTo(TicketCheckpoint.read(expected.get(i).resolve("checkpoint_40.tlck")).weights());
      for (String f : List.of("metrics.csv", "level.json", "sparsity.json")) {
        assertThat(actual.get(i).resolve(f)).hasSameBinaryContentAs(expected.get(i).resolve(f));
      }
      assertProvenanceComplete(actual.get(i));
    }
  }

  static void assertProvenanceComplete(Path runFolder) throws Exception {
    JsonNode sessions = new ObjectMapper().readTree(runFolder.resolve("provenance.json").toFile()).get("sessions");
    assertThat(sessions).isNotEmpty();
    JsonNode s = sessions.get(sessions.size() - 1);
    for (String key : List.of("ticketlab", "gitCommit", "java", "os", "djl", "libtorch", "devices", "threads",
        "onednnIsa", "nativeMemory", "seed", "host", "pid", "commandLine", "started", "finished")) {
      assertThat(s.hasNonNull(key)).as("provenance key %s in %s", key, runFolder).isTrue();
    }
    assertThat(s.get("devices")).isNotEmpty();
    assertThat(s.get("commandLine").asText()).startsWith("ticketlab lottery");
  }

  /** A lock left by a process that died on this host is taken over, with a warning. */
  @Test
  void aLockLeftByADeadProcess_isTakenOverWithAWarning() throws Exception {
    Path lock = dir.resolve("lock");
    Files.writeString(lock, "pid 999999999 on " + ExperimentLock.host() + " since 2026-01-01T00:00:00Z\n");
    java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
    try (ExperimentLock l = ExperimentLock.take(lock, false, new java.io.PrintStream(notes, true, StandardCharsets.UTF_8))) {
      assertThat(Files.readString(lock)).startsWith("pid " + ProcessHandle.current().pid() + " on ");
    }
    assertThat(notes.toString(StandardCharsets.UTF_8)).contains("taking over the lock of a process that ended");
    assertThat(Files.readString(lock)).isEmpty();
  }

}
