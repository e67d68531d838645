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
        "training: {iterations: 30it, batch: 6, size: 32, lr: 0.02, schedule: cosine}",
        "pruning: {sparsity: 0.8, rounds: 2}",
        "rewind: {at: 3it}",
        "early_bird: {fractions: [0.3, 0.6]}", // checkpoints at 9it and 18it of every level: resume points
        "seed: 17", ""));

    // the reference: one uninterrupted child JVM; its start-up (until it holds the experiment's
    // lock) and the rest of its wall time spread the kills over a run
    Path a = dir.resolve("a");
    long t0 = System.nanoTime();
    Process reference = start(cfg, a);
    long startupMillis = -1;
    long setupMillis = -1; // from the lock to level 0's rewind checkpoint: engine, model, data, first iterations
    while (!reference.waitFor(10, TimeUnit.MILLISECONDS)) {
      if (startupMillis < 0 && holdsLock(a, reference)) {
        startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      }
      if (startupMillis > 0 && setupMillis < 0 && hasRewindCheckpoint(a)) {
        setupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) - startupMillis;
      }
      assertThat(System.nanoTime() - t0).as("uninterrupted run ends").isLessThan(TimeUnit.SECONDS.toNanos(300));
    }
    assertThat(reference.exitValue()).as("uninterrupted run's exit code").isZero();
    assertThat(startupMillis).as("the reference took the lock").isPositive();
    assertThat(setupMillis).as("the reference's rewind checkpoint was seen").isPositive();
    long workMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) - startupMillis - setupMillis;
    String runDir = ExperimentLayout.under(a).get(0).runDir().getFileName().toString();

    Path b = dir.resolve("b");
    Random random = new Random(20261202L);
    Set<Long> pids = new HashSet<>();
    List<String> kills = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      Process child = start(cfg, b);
      pids.add(child.pid());
      long delay;
      String when;
      if (i % 4 == 3) { // a moment of start-up: JVM, config, spec.json, lock
        delay = (long) (startupMillis * random.nextDouble());
        when = "start-up + " + delay + " ms";
      } else if (i == KILLS / 2) { // a moment of level 1: let this one finish level 0 first
        long t = System.nanoTime();
        while (!hasLevel0Record(b) && child.isAlive() && System.nanoTime() - t < TimeUnit.SECONDS.toNanos(120)) {
          Thread.sleep(10);
        }
        delay = (long) (workMillis * 0.2 * random.nextDouble());
        when = "level 0 done + " + delay + " ms";
      } else { // a moment once it owns the experiment and has set up; on average 0.6 of the work over the kills
        long t = System.nanoTime();
        while (!holdsLock(b.resolve(runDir), child) && child.isAlive()
            && System.nanoTime() - t < TimeUnit.SECONDS.toNanos(120)) {
          Thread.sleep(10);
        }
        delay = setupMillis + (long) (workMillis * 1.2 / (KILLS - KILLS / 4) * random.nextDouble());
        when = "lock + " + delay + " ms";
      }
      if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
        kills.add("run " + i + " ended by itself (exit " + child.exitValue() + ") before " + when);
        break;
      }
      boolean sigkill = i % 2 == 0;
      if (sigkill) {
        child.destroyForcibly(); // SIGKILL
      } else {
        child.destroy(); // SIGTERM: TicketLab stops at a safe point
      }
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child %d stops after the signal", i).isTrue();
      kills.add((sigkill ? "SIGKILL" : "SIGTERM") + " at " + when + " (exit " + child.exitValue() + "): "
          + state(b.resolve(runDir)));
    }
    // resumed children skip what is done, so on a fast machine the last one may finish before its moment
    assertThat(kills.stream().filter(k -> k.startsWith("SIG")).count())
        .as("children stopped by a signal, not finished: %s", kills).isGreaterThanOrEqualTo(KILLS - 2);
    System.out.println("kills: " + String.join("; ", kills));
    assertThat(kills).as("some kills landed mid-level (a checkpoint after the start, no level.json yet)")
        .anyMatch(k -> k.contains("level 0 mid-level"))
        .anyMatch(k -> k.contains("level 0 done, level 1 "));
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
      assertThat(names).contains("level.json", "metrics.csv", "sparsity.json", "checkpoint_30.tlck");
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

  /** Whether {@code process} holds the lock of the experiment folder {@code runDir} (or of the one under {@code root}). */
  private static boolean holdsLock(Path folder, Process process) throws Exception {
    Path lock = folder.resolve("lock");
    if (!Files.exists(lock) && Files.isDirectory(folder)) {
      try (Stream<Path> s = Files.list(folder)) {
        lock = s.filter(p -> p.getFileName().toString().startsWith("lottery_")).findFirst().orElse(folder).resolve("lock");
      }
    }
    try {
      return Files.readString(lock).startsWith("pid " + process.pid() + " ");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Where a run stands: per level, done, mid-level (checkpoints after its start) or started. */
  private static String state(Path runDir) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int level = 0; level <= 1; level++) {
      Path l = runDir.resolve("replicate_0/level_" + level + "/main");
      boolean pruned = level > 0;
      String st = !Files.isDirectory(l) ? "-"
          : Files.exists(l.resolve("level.json")) ? "done"
          : files(l).stream().anyMatch(n -> n.startsWith("checkpoint_") && !n.equals("checkpoint_0.tlck")
              && !(pruned && n.equals("checkpoint_3.tlck"))) ? "mid-level"
          : "started";
      sb.append("level ").append(level).append(' ').append(st).append(level == 0 ? ", " : "");
    }
    return sb.toString();
  }

  private static boolean hasLevel0Record(Path root) throws Exception {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.anyMatch(p -> Files.exists(p.resolve("replicate_0/level_0/main/level.json")));
    }
  }

  private static boolean hasRewindCheckpoint(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.anyMatch(p -> Files.exists(p.resolve("replicate_0/level_0/main/checkpoint_3.tlck")));
    }
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
