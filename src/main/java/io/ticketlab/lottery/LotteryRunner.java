package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.Step;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.prune.PruningSchedule;
import io.ticketlab.prune.PruningStrategy;
import io.ticketlab.train.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a lottery-ticket experiment (iterative magnitude pruning with late rewinding) in its
 * hash-named folder: {@code <root>/lottery_<id>/replicate_<n>/level_<k>/main}. Level 0 trains the
 * dense network and saves the rewind point; level k prunes the trained weights of level k−1
 * (keeping a subset of its mask), rewinds the survivors to their values at the rewind point and
 * trains from there to the end with the mask fixed.
 *
 * <p>The same engine runs classifiers and detectors (Faster/Mask/Keypoint R-CNN): {@link
 * LotteryTask} is the only task-specific part (model shapes, training length, the training run and
 * the reported metrics: top-1/top-5, or COCO AP per IoU type with {@code bbox/AP} first).
 *
 * <p>Every step skips what is on disk: a finished level has {@code level.json}; an unfinished one
 * resumes from its latest checkpoint; masks are written once ({@code mask.tlck}). Killing the
 * process at any moment and running the same command again therefore ends with the same masks,
 * weights and metrics as an uninterrupted run (same seed; batches depend only on the iteration).
 */
public final class LotteryRunner {
  /**
   * What one level produced.
   *
   * @param metricNames the metrics the task reports, main one first ({@code top1}, {@code top5};
   *     or {@code bbox/AP}, {@code segm/AP}, {@code keypoints/AP} for detectors)
   * @param metrics the final evaluation (empty without validation data)
   */
  public record LevelOutcome(
      int replicate,
      int level,
      double targetDensity,
      double prunePercent,
      double networkSparsityPercent,
      List<String> metricNames,
      Map<String, Double> metrics,
      Path folder,
      boolean alreadyDone) {

    /** The level's main metric: top-1 for classification, {@code bbox/AP} for detectors; null if not evaluated. */
    public Double metric() {
      return metrics.get(metricNames.get(0));
    }

    /** The main metric's name. */
    public String metricName() {
      return metricNames.get(0);
    }

    /** Top-1 accuracy (classification), or null. */
    public Double top1() {
      return metrics.get("top1");
    }

    /** Top-5 accuracy (classification), or null. */
    public Double top5() {
      return metrics.get("top5");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LotteryRunner() {}

  /**
   * @param config the experiment
   * @param base folder against which relative data paths are resolved (the config file's folder)
   * @param root where run folders go
   * @param levelsOverride run up to this level (null: the schedule's last level)
   * @param replicatesOverride number of replicates (null: the config's)
   */
  public static List<LevelOutcome> run(
      LotteryConfig config, Path base, Path root, Integer levelsOverride, Integer replicatesOverride,
      PrintStream progress) throws IOException {
    PruningSchedule schedule = schedule(config);
    int lastLevel = levelsOverride != null ? levelsOverride : schedule.lastLevel();
    if (lastLevel < 0) {
      throw BadInputException.of(null, "pruning", "levels", null, "give the number of levels (with a fraction per level)");
    }
    if (schedule.lastLevel() >= 0 && lastLevel > schedule.lastLevel()) {
      throw BadInputException.of(null, null, "--levels", lastLevel,
          "beyond the schedule's last level " + schedule.lastLevel() + " (rounds - 1)");
    }
    int replicates = replicatesOverride != null ? replicatesOverride : config.replicateCount();
    if (replicates < 1) {
      throw BadInputException.of(null, null, "--replicates", replicates, "must be at least 1");
    }
    Path runDir = root.resolve("lottery_" + config.runId());
    // everything that can fail is checked before any training starts
    LotteryTask task = LotteryTask.of(config, base);
    Map<String, int[]> shapes = task.parameterShapes();
    PrunableSet prunable = prunableSet(config);
    Map<String, int[]> prunableShapes = prunable.select(shapes);
    long[] lengths = task.lengths();
    long total = lengths[1];
    long rewindAt = config.rewindStep().toIterations(lengths[0]);
    if (rewindAt > total) {
      throw BadInputException.of(null, "rewind", "at", config.rewindStep(),
          "after the end of training (" + total + " iterations)");
    }
    PruningStrategy strategy =
        config.strategyName().equals("layerwise") ? MagnitudePruning.layerwise() : MagnitudePruning.global();

    Files.createDirectories(runDir);
    Path configCopy = runDir.resolve("config.json");
    if (!Files.exists(configCopy)) {
      AtomicFiles.writeString(configCopy, JSON.writeValueAsString(JSON.readTree(config.canonicalJson())) + "\n");
    }

    List<LevelOutcome> out = new ArrayList<>();
    for (int r = 0; r < replicates; r++) {
      Path replicateDir = runDir.resolve("replicate_" + r);
      for (int level = 0; level <= lastLevel; level++) {
        Path dir = levelDir(replicateDir, level);
        Path done = dir.resolve("level.json");
        if (Files.exists(done)) {
          out.add(readOutcome(r, level, dir, done, task));
          continue;
        }
        Files.createDirectories(dir);
        Mask mask = null;
        LotteryTask.Start start = null;
        if (level > 0) {
          mask = levelMask(replicateDir, level, total, prunableShapes, strategy, schedule.density(level));
          Path rewindCheckpoint = levelDir(replicateDir, 0).resolve("checkpoint_" + rewindAt + ".tlck");
          TicketCheckpoint rewind = TicketCheckpoint.read(rewindCheckpoint);
          start = new LotteryTask.Start(
              rewind.weights().toFloatTensors(),
              config.rewindOptimizer() ? RunFolder.momentumOf(rewind) : null,
              rewindAt);
        }
        if (progress != null) {
          progress.printf(Locale.ROOT, "replicate %d, level %d: keep %.4f of the prunable set%n",
              r, level, schedule.density(level));
        }
        out.add(trainAndRecord(task, seed(config, r), checkpointAt(config, total), dir, start, mask, prunable, total,
            r, level, schedule.density(level), progress));
      }
    }
    return out;
  }

  /** Trains one level (or branch) in {@code dir} and writes its {@code level.json}. */
  private static LevelOutcome trainAndRecord(
      LotteryTask task, long seed, List<Step> checkpointAt, Path dir, LotteryTask.Start start, Mask mask,
      PrunableSet prunable, long total, int r, int level, double density, PrintStream progress) throws IOException {
    Path done = dir.resolve("level.json");
    Map<String, Double> metrics = task.train(dir, seed, checkpointAt, start, mask, progress);
    Map<String, FloatTensor> trained =
        TicketCheckpoint.read(dir.resolve("checkpoint_" + total + ".tlck")).weights().toFloatTensors();
    NetworkSparsity sparsity = NetworkSparsity.of(trained, prunable);
    LevelOutcome o = new LevelOutcome(r, level, density, 100 * sparsity.pruneFraction(),
        100 * sparsity.networkSparsity(), task.reported(), metrics, dir, false);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("replicate", r);
    json.put("level", level);
    json.put("targetDensity", o.targetDensity());
    json.put("prunePercent", o.prunePercent());
    json.put("networkSparsityPercent", o.networkSparsityPercent());
    if (!task.config.isDetector()) {
      json.put("top1", o.top1()); // the classification layout of earlier versions
      json.put("top5", o.top5());
    }
    json.put("metric", o.metricName());
    json.put("metrics", metrics);
    AtomicFiles.writeString(dir.resolve("sparsity.json"), JSON.writeValueAsString(sparsity.perTensor()) + "\n");
    AtomicFiles.writeString(done, JSON.writeValueAsString(json) + "\n");
    return o;
  }

  /** The control experiments of open_lth, run beside a level's ticket. */
  public enum Branch {
    /** The ticket's mask on a fresh random initialisation (another seed), trained from iteration 0. */
    RANDOM_REINIT("random-reinit"),
    /** Random survivors with the ticket's per-tensor counts, rewound like the ticket. */
    RANDOM_PRUNING("random-pruning"),
    /** The trained weights of the previous level with the ticket's mask, no rewinding: trained from the rewind iteration to the end. */
    FINETUNE("finetune"),
    /**
     * An early-bird ticket (paper Fig. 2f): the mask from level 0's checkpoint at a fraction of
     * training (same density as the ticket), rewound and trained like the ticket; its IoU with the
     * ticket's mask is recorded.
     */
    EARLY_BIRD("early-bird");

    private final String id;

    Branch(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Branch parse(String name) {
      for (Branch b : values()) {
        if (b.id.equalsIgnoreCase(name)) {
          return b;
        }
      }
      throw BadInputException.of(null, null, "--name", name, "unknown branch; expected random-reinit, random-pruning, finetune or early-bird");
    }
  }

  /**
   * Runs a control branch of level {@code level} (≥ 1) of replicate {@code replicate} in {@code
   * level_<k>/branch_<name>}; the level's ticket must exist (its mask is read). Resumable like a
   * level.
   */
  public static LevelOutcome runBranch(
      LotteryConfig config, Path base, Path root, int replicate, int level, Branch branch, PrintStream progress)
      throws IOException {
    return runBranch(config, base, root, replicate, level, branch, null, progress);
  }

  /** As above; {@code fraction} selects the early-bird checkpoint (only for {@link Branch#EARLY_BIRD}). */
  public static LevelOutcome runBranch(
      LotteryConfig config, Path base, Path root, int replicate, int level, Branch branch, Double fraction,
      PrintStream progress) throws IOException {
    if (branch == Branch.EARLY_BIRD && (fraction == null || !config.earlyBirdFractions().contains(fraction))) {
      throw BadInputException.of(null, null, "--fraction", fraction,
          "must be one of the config's early_bird fractions " + config.earlyBirdFractions());
    }
    if (level < 1) {
      throw BadInputException.of(null, null, "--level", level, "branches need a pruned level (1 or more)");
    }
    Path runDir = root.resolve("lottery_" + config.runId());
    Path replicateDir = runDir.resolve("replicate_" + replicate);
    Path maskFile = levelDir(replicateDir, level).resolve("mask.tlck");
    if (!Files.exists(maskFile)) {
      throw BadInputException.of(maskFile, null, null, null, "no ticket at this level yet: run 'ticketlab lottery' first");
    }
    LotteryTask task = LotteryTask.of(config, base);
    PrunableSet prunable = prunableSet(config);
    Map<String, int[]> prunableShapes = prunable.select(task.parameterShapes());
    long[] lengths = task.lengths();
    long total = lengths[1];
    long rewindAt = config.rewindStep().toIterations(lengths[0]);
    Mask ticket = Mask.of(TicketCheckpoint.read(maskFile).masks()).validate(prunableShapes, maskFile.toString());
    String folderName = branch == Branch.EARLY_BIRD ? branch.id() + "-" + fraction : branch.id();
    Path dir = replicateDir.resolve("level_" + level).resolve("branch_" + folderName);
    Path done = dir.resolve("level.json");
    if (Files.exists(done)) {
      return readOutcome(replicate, level, dir, done, task);
    }
    Files.createDirectories(dir);
    long seed = seed(config, replicate);
    List<Step> checkpointAt = checkpointAt(config, total);
    Mask mask = ticket;
    LotteryTask.Start start;
    switch (branch) {
      case RANDOM_REINIT:
        seed += 1_000_003L;
        checkpointAt = List.of();
        start = null;
        break;
      case RANDOM_PRUNING: {
        Map<String, FloatTensor> weights =
            TicketCheckpoint.read(levelDir(replicateDir, 0).resolve("checkpoint_" + rewindAt + ".tlck")).weights().toFloatTensors();
        mask = MagnitudePruning.randomLike(ticket, seed + 7_000_001L).prune(weights, Mask.ones(prunableShapes), ticket.density());
        start = new LotteryTask.Start(weights, null, rewindAt);
        break;
      }
      case EARLY_BIRD: {
        long at = earlyBirdIteration(total, fraction);
        Map<String, FloatTensor> early =
            TicketCheckpoint.read(levelDir(replicateDir, 0).resolve("checkpoint_" + at + ".tlck")).weights().toFloatTensors();
        mask = (config.strategyName().equals("layerwise") ? MagnitudePruning.layerwise() : MagnitudePruning.global())
            .prune(early, Mask.ones(prunableShapes), ticket.density());
        AtomicFiles.writeString(dir.resolve("mask_iou.json"),
            JSON.writeValueAsString(Map.of("fraction", fraction, "iteration", at, "maskIouWithTicket", mask.iou(ticket))) + "\n");
        Map<String, FloatTensor> weights =
            TicketCheckpoint.read(levelDir(replicateDir, 0).resolve("checkpoint_" + rewindAt + ".tlck")).weights().toFloatTensors();
        start = new LotteryTask.Start(weights, null, rewindAt);
        break;
      }
      default: {
        Map<String, FloatTensor> trained =
            TicketCheckpoint.read(levelDir(replicateDir, level - 1).resolve("checkpoint_" + total + ".tlck")).weights().toFloatTensors();
        start = new LotteryTask.Start(trained, null, rewindAt);
        break;
      }
    }
    return trainAndRecord(task, seed, checkpointAt, dir, start, mask, prunable, total, replicate, level,
        ticket.density(), progress);
  }

  /** The level-0 iteration of an early-bird fraction: round(fraction × total), at least 1. */
  static long earlyBirdIteration(long total, double fraction) {
    return Math.max(1, Math.round(fraction * total));
  }

  static Path levelDir(Path replicateDir, int level) {
    return replicateDir.resolve("level_" + level).resolve("main");
  }

  /** The mask of {@code level}: read if written before, else pruned from level − 1 and written. */
  private static Mask levelMask(
      Path replicateDir, int level, long total, Map<String, int[]> prunableShapes,
      PruningStrategy strategy, double density) throws IOException {
    Path file = levelDir(replicateDir, level).resolve("mask.tlck");
    if (Files.exists(file)) {
      return Mask.of(TicketCheckpoint.read(file).masks()).validate(prunableShapes, file.toString());
    }
    Path previous = levelDir(replicateDir, level - 1);
    Map<String, FloatTensor> trained =
        TicketCheckpoint.read(previous.resolve("checkpoint_" + total + ".tlck")).weights().toFloatTensors();
    Mask before = level == 1
        ? Mask.ones(prunableShapes)
        : Mask.of(TicketCheckpoint.read(previous.resolve("mask.tlck")).masks());
    Mask mask = strategy.prune(trained, before, density);
    new TicketCheckpoint(StateDict.of(Map.of()), mask.tensors(), StateDict.of(Map.of()), level, "", Map.of("density", density))
        .write(file);
    return mask;
  }

  private static LevelOutcome readOutcome(int r, int level, Path dir, Path done, LotteryTask task) throws IOException {
    var j = JSON.readTree(done.toFile());
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (j.has("metrics")) {
      j.get("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    } else { // written before detector tasks: classification only
      for (String k : List.of("top1", "top5")) {
        if (j.hasNonNull(k)) {
          metrics.put(k, j.get(k).asDouble());
        }
      }
    }
    return new LevelOutcome(r, level, j.get("targetDensity").asDouble(), j.get("prunePercent").asDouble(),
        j.get("networkSparsityPercent").asDouble(), task.reported(), metrics, dir, true);
  }

  static PruningSchedule schedule(LotteryConfig c) {
    LotteryConfig.Pruning p = c.pruning();
    if (p.fraction() != null) {
      return PruningSchedule.fixedFraction(p.fraction());
    }
    return PruningSchedule.rounds(1 - p.sparsity(), p.rounds() == null ? 2 : p.rounds());
  }

  static PrunableSet prunableSet(LotteryConfig c) {
    LotteryConfig.Pruning p = c.pruning();
    String defaultPreset = c.isDetector() ? "paper-coco" : "classifier-convs";
    return PrunableSet.of(p.preset() == null ? defaultPreset : p.preset(),
        p.include() == null ? List.of() : p.include(), p.exclude() == null ? List.of() : p.exclude());
  }

  /** The seed of a replicate: the config's seed + the replicate number. */
  static long seed(LotteryConfig c, int replicate) {
    return c.baseSeed() + replicate;
  }

  /** The extra checkpoints of every level: the rewind point and the early-bird iterations. */
  static List<Step> checkpointAt(LotteryConfig c, long total) {
    List<Step> checkpointAt = new ArrayList<>();
    checkpointAt.add(c.rewindStep());
    if (total > 0) {
      for (Double f : c.earlyBirdFractions()) {
        checkpointAt.add(Step.ofIterations(earlyBirdIteration(total, f)));
      }
    }
    return checkpointAt;
  }
}
