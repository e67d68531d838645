package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.cli.Main;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny two-level classification lottery in child JVMs, stopped ten times at pseudo-random
 * moments spread over the run (SIGKILL and SIGTERM in turn) and restarted with the same command
 * each time: the finished experiment holds, file for file and byte for byte, what an uninterrupted
 * run holds (checkpoints, masks, metrics.csv, level.json, sparsity.json, spec.json), no temporary
 * file is left anywhere, and each level's provenance has one session per process that worked there.
 */
@Tag("engine")
class LotteryRandomKillTest {
  private static final int KILLS = 10;

  @TempDir Path dir;

  @Test
  void tenKillsAtRandomMoments_eachResumed_endBitIdenticalToAnUninterruptedRun() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    Path cfg = Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "data: {train: train, val: val}",
        "model: {arch: resnet18, width: 0.125}",
        "training: {iterations: 20it, batch: 6, size: 32, lr: 0.02, schedule: cosine}",
        "pruning: {sparsity: 0.8, rounds: 2}",
        "rewind: {at: 3it}",
        "seed: 17", ""));

    // the reference: one uninterrupted child JVM; its wall time spreads the kills over a run
    Path a = dir.resolve("a");
    long t0 = System.nanoTime();
    Process reference = start(cfg, a);
    assertThat(reference.waitFor(300, TimeUnit.SECONDS)).as("uninterrupted run ends").isTrue();
    assertThat(reference.exitValue()).as("uninterrupted run's exit code").isZero();
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    Path b = dir.resolve("b");
    Random random = new Random(20261202L);
    Set<Long> pids = new HashSet<>();
    List<String> kills = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      // a moment between a tenth and half of a whole run after the start (JVM start included):
      // early ones land in start-up and level set-up, later ones mid-level, so the run advances
      long delay = (long) (runMillis * (0.1 + 0.4 * random.nextDouble()));
      Process child = start(cfg, b);
      pids.add(child.pid());
      if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
        kills.add("run " + i + " ended by itself (exit " + child.exitValue() + ") before " + delay + " ms");
        break;
      }
      boolean sigkill = i % 2 == 0;
      if (sigkill) {
        child.destroyForcibly(); // SIGKILL
      } else {
        child.destroy(); // SIGTERM: TicketLab stops at a safe point
      }
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child %d stops after the signal", i).isTrue();
      kills.add((sigkill ? "SIGKILL" : "SIGTERM") + " at " + delay + " ms (exit " + child.exitValue() + ")");
    }
    assertThat(kills).as("every child was stopped by a signal, not finished: %s", kills)
        .allMatch(k -> k.startsWith("SIG")).hasSize(KILLS);
    Process last = start(cfg, b);
    pids.add(last.pid());
    assertThat(last.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).as("resumed run's exit code after %s", kills).isZero();

    ExperimentLayout la = ExperimentLayout.under(a).get(0);
    ExperimentLayout lb = ExperimentLayout.under(b).get(0);
    assertThat(lb.spec()).hasSameBinaryContentAs(la.spec());
    for (int level = 0; level <= 1; level++) {
      Path ra = la.level(0, level);
      Path rb = lb.level(0, level);
      Set<String> names = files(ra);
      assertThat(files(rb)).as("files of level %d after %s", level, kills).isEqualTo(names);
      assertThat(names).contains("level.json", "metrics.csv", "sparsity.json", "checkpoint_20.tlck");
      for (String name : names) {
        if (!name.equals("provenance.json")) {
          assertThat(rb.resolve(name)).as("level %d: %s after %s", level, name, kills).hasSameBinaryContentAs(ra.resolve(name));
        }
      }
      assertOneSessionPerProcess(rb, pids);
    }
    try (Stream<Path> s = Files.walk(b)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList())
          .as("temporary files left after %s", kills).isEmpty();
    }
  }

  /** The sessions of a level's provenance: distinct processes, all ours, the last one finished. */
  private static void assertOneSessionPerProcess(Path level, Set<Long> pids) throws Exception {
    JsonNode sessions = new ObjectMapper().readTree(level.resolve("provenance.json").toFile()).get("sessions");
    assertThat(sessions).isNotEmpty();
    List<Long> seen = new ArrayList<>();
    sessions.forEach(s -> seen.add(s.get("pid").asLong()));
    assertThat(seen).as("pids of the sessions in %s", level).doesNotHaveDuplicates();
    assertThat(pids).as("children that ran").containsAll(seen);
    assertThat(sessions.get(sessions.size() - 1).hasNonNull("finished")).as("last session finished").isTrue();
  }

  private static Set<String> files(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  private static Process start(Path cfg, Path root) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "lottery", "--config", cfg.toString(), "--root", root.toString(), "--quiet")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }
}
