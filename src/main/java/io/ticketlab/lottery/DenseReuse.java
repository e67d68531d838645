package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.config.ExperimentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Level 0 of a lottery is the dense network, and it depends only on what one training run is: task,
 * data, model, training and seed ({@link ExperimentSpec#trainingJson()}), not on how its tickets are
 * pruned afterwards. Experiments that differ only in pruning (sparsity, rounds, strategy, prunable
 * set, rewind point, early-bird fractions) therefore share it: when a replicate's level 0 has not
 * started and another experiment under the same root finished the same training for the same
 * replicate (and saved every checkpoint this one rewinds to), its files are copied instead of
 * training the network again — what training would write on the same machine, since a run is
 * deterministic for its seed. The level record and per-tensor sparsity are written anew with this
 * experiment's prunable set, and {@code reused_from.json} names the source.
 *
 * <p>The copy is assembled in a hidden sibling folder and renamed into place with its record
 * already in it, so a killed copy leaves either nothing or a finished level; the hidden folder of a
 * killed copy is removed by the next attempt (which holds the experiment's lock).
 */
final class DenseReuse {
  /** Files of a level folder that belong to its experiment, not to the training run. */
  private static final Set<String> OWN = Set.of(name(ExperimentLayout.record(Path.of("."))),
      name(ExperimentLayout.sparsity(Path.of("."))), ExperimentLayout.REUSED_FROM);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Writes a level's own records (level.json last) into a folder. */
  @FunctionalInterface
  interface Recorder {
    void record(Path dir, Map<String, Double> metrics) throws IOException;
  }

  private DenseReuse() {}

  /**
   * The finished level-0 folder of another experiment under {@code root} with the same training as
   * {@code spec} for {@code replicate} and a checkpoint at every one of {@code iterations}, or null.
   * Experiments are tried in folder-name order, so the choice is the same on every call.
   */
  static Path source(Path root, ExperimentLayout self, ExperimentSpec spec, int replicate, List<Long> iterations)
      throws IOException {
    String training = spec.trainingJson();
    for (ExperimentLayout other : ExperimentLayout.under(root)) {
      if (other.runDir().equals(self.runDir()) || !Files.isRegularFile(other.spec())) {
        continue;
      }
      ExperimentSpec otherSpec;
      try {
        otherSpec = ExperimentSpec.fromCanonicalJson(Files.readString(other.spec(), StandardCharsets.UTF_8));
      } catch (UncheckedIOException | IllegalArgumentException e) {
        continue; // not a spec this version reads: never a source
      }
      if (otherSpec.transfer() != null || !otherSpec.trainingJson().equals(training)) {
        continue;
      }
      Path dir = other.level(replicate, 0);
      if (!Files.isRegularFile(ExperimentLayout.record(dir))) {
        continue;
      }
      boolean all = true;
      for (long it : iterations) {
        all &= Files.isRegularFile(ExperimentLayout.checkpoint(dir, it));
      }
      if (all) {
        return dir;
      }
    }
    return null;
  }

  /**
   * Copies the training run of {@code source} into {@code target} (which must not hold a started
   * run), then lets {@code recorder} write this experiment's records beside it, then renames the
   * whole into place.
   */
  static void copy(Path source, Path target, Recorder recorder) throws IOException {
    Path staging = staging(target);
    deleteTree(staging);
    Files.createDirectories(staging);
    try (Stream<Path> s = Files.list(source)) {
      for (Path f : s.sorted().toList()) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f) && !OWN.contains(name) && !name.endsWith(".tmp")) {
          Files.copy(f, staging.resolve(name)); // created with the process's umask, like every output
        }
      }
    }
    Map<String, Object> from = new LinkedHashMap<>();
    Path experiment = source.getParent().getParent().getParent();
    from.put("experiment", experiment.getFileName().toString());
    from.put("folder", experiment.relativize(source).toString().replace('\\', '/'));
    from.put("why", "the same training (task, data, model, training, seed): level 0 is shared, not trained again");
    AtomicFiles.writeString(staging.resolve(ExperimentLayout.REUSED_FROM), JSON.writeValueAsString(from) + "\n");
    recorder.record(staging, LevelRecord.read(ExperimentLayout.record(source)).metrics());
    if (Files.isDirectory(target)) {
      Files.delete(target); // an empty folder only: the caller checked that nothing was started there
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(staging, target);
    }
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  /** Whether {@code dir} holds nothing of a started run (absent, or an empty folder). */
  static boolean notStarted(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** Removes what a killed copy left (the hidden staging folder), if anything. */
  static void removeLeftover(Path target) throws IOException {
    deleteTree(staging(target));
  }

  private static Path staging(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".reuse");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
