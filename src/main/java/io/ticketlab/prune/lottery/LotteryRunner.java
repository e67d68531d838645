package io.ticketlab.prune.lottery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.Step;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.prune.PruningSchedule;
import io.ticketlab.prune.PruningStrategy;
import io.ticketlab.train.classify.ClassificationRun;
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
 * <p>Every step skips what is on disk: a finished level has {@code level.json}; an unfinished one
 * resumes from its latest checkpoint; masks are written once ({@code mask.tlck}). Killing the
 * process at any moment and running the same command again therefore ends with the same masks,
 * weights and metrics as an uninterrupted run (same seed; batches depend only on the iteration).
 */
public final class LotteryRunner {
  /** What one level produced. */
  public record LevelOutcome(
      int replicate,
      int level,
      double targetDensity,
      double prunePercent,
      double networkSparsityPercent,
      Double top1,
      Double top5,
      Path folder,
      boolean alreadyDone) {}

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
    ClassificationRun.Spec probeSpec = spec(config, base, 0, runDir, 0);
    // everything that can fail is checked before any training starts
    Map<String, int[]> shapes = ClassificationRun.parameterShapes(probeSpec);
    PrunableSet prunable = prunableSet(config);
    Map<String, int[]> prunableShapes = prunable.select(shapes);
    long[] lengths = ClassificationRun.lengths(probeSpec);
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
          out.add(readOutcome(r, level, dir, done));
          continue;
        }
        Files.createDirectories(dir);
        ClassificationRun.Spec spec = spec(config, base, r, dir, total);
        Mask mask = null;
        ClassificationRun.Start start = null;
        if (level > 0) {
          mask = levelMask(replicateDir, level, total, prunableShapes, strategy, schedule.density(level));
          Path rewindCheckpoint = levelDir(replicateDir, 0).resolve("checkpoint_" + rewindAt + ".tlck");
          TicketCheckpoint rewind = TicketCheckpoint.read(rewindCheckpoint);
          start = new ClassificationRun.Start(
              rewind.weights().toFloatTensors(),
              config.rewindOptimizer() ? ClassificationRun.momentumOf(rewind) : null,
              rewindAt);
        }
        if (progress != null) {
          progress.printf(Locale.ROOT, "replicate %d, level %d: keep %.4f of the prunable set%n",
              r, level, schedule.density(level));
        }
        out.add(trainAndRecord(spec, dir, start, mask, prunable, total, r, level, schedule.density(level), progress));
      }
    }
    return out;
  }

  /** Trains one level (or branch) in {@code dir} and writes its {@code level.json}. */
  private static LevelOutcome trainAndRecord(
      ClassificationRun.Spec spec, Path dir, ClassificationRun.Start start, Mask mask, PrunableSet prunable,
      long total, int r, int level, double density, PrintStream progress) throws IOException {
    Path done = dir.resolve("level.json");
    ClassificationRun.Result result = ClassificationRun.run(spec, dir, start, mask, progress);
    Map<String, FloatTensor> trained =
        TicketCheckpoint.read(dir.resolve("checkpoint_" + total + ".tlck")).weights().toFloatTensors();
    NetworkSparsity sparsity = NetworkSparsity.of(trained, prunable);
    LevelOutcome o = new LevelOutcome(r, level, density, 100 * sparsity.pruneFraction(),
        100 * sparsity.networkSparsity(),
        result.accuracy() == null ? null : result.accuracy().top1(),
        result.accuracy() == null ? null : result.accuracy().top5(), dir, false);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("replicate", r);
    json.put("level", level);
    json.put("targetDensity", o.targetDensity());
    json.put("prunePercent", o.prunePercent());
    json.put("networkSparsityPercent", o.networkSparsityPercent());
    json.put("top1", o.top1());
    json.put("top5", o.top5());
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
    ClassificationRun.Spec probe = spec(config, base, replicate, runDir, 0);
    PrunableSet prunable = prunableSet(config);
    Map<String, int[]> prunableShapes = prunable.select(ClassificationRun.parameterShapes(probe));
    long[] lengths = ClassificationRun.lengths(probe);
    long total = lengths[1];
    long rewindAt = config.rewindStep().toIterations(lengths[0]);
    Mask ticket = Mask.of(TicketCheckpoint.read(maskFile).masks()).validate(prunableShapes, maskFile.toString());
    String folderName = branch == Branch.EARLY_BIRD ? branch.id() + "-" + fraction : branch.id();
    Path dir = replicateDir.resolve("level_" + level).resolve("branch_" + folderName);
    Path done = dir.resolve("level.json");
    if (Files.exists(done)) {
      return readOutcome(replicate, level, dir, done);
    }
    Files.createDirectories(dir);
    ClassificationRun.Spec spec = spec(config, base, replicate, dir, total);
    Mask mask = ticket;
    ClassificationRun.Start start;
    switch (branch) {
      case RANDOM_REINIT:
        spec = withSeed(spec, spec.seed() + 1_000_003L);
        start = null;
        break;
      case RANDOM_PRUNING: {
        Map<String, FloatTensor> weights =
            TicketCheckpoint.read(levelDir(replicateDir, 0).resolve("checkpoint_" + rewindAt + ".tlck")).weights().toFloatTensors();
        mask = MagnitudePruning.randomLike(ticket, spec.seed() + 7_000_001L).prune(weights, Mask.ones(prunableShapes), ticket.density());
        start = new ClassificationRun.Start(weights, null, rewindAt);
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
        start = new ClassificationRun.Start(weights, null, rewindAt);
        break;
      }
      default: {
        Map<String, FloatTensor> trained =
            TicketCheckpoint.read(levelDir(replicateDir, level - 1).resolve("checkpoint_" + total + ".tlck")).weights().toFloatTensors();
        start = new ClassificationRun.Start(trained, null, rewindAt);
        break;
      }
    }
    return trainAndRecord(spec, dir, start, mask, prunable, total, replicate, level, ticket.density(), progress);
  }

  /** The level-0 iteration of an early-bird fraction: round(fraction × total), at least 1. */
  static long earlyBirdIteration(long total, double fraction) {
    return Math.max(1, Math.round(fraction * total));
  }

  private static ClassificationRun.Spec withSeed(ClassificationRun.Spec s, long seed) {
    return new ClassificationRun.Spec(s.trainDir(), s.valDir(), s.depth(), s.width(), s.batchSize(), s.imageSize(),
        s.length(), s.lr(), s.momentum(), s.weightDecay(), s.warmup(), s.cosine(), s.milestones(), List.of(),
        seed, s.initWeights(), s.outDir());
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

  private static LevelOutcome readOutcome(int r, int level, Path dir, Path done) throws IOException {
    var j = JSON.readTree(done.toFile());
    return new LevelOutcome(r, level, j.get("targetDensity").asDouble(), j.get("prunePercent").asDouble(),
        j.get("networkSparsityPercent").asDouble(),
        j.get("top1").isNull() ? null : j.get("top1").asDouble(),
        j.get("top5").isNull() ? null : j.get("top5").asDouble(), dir, true);
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
    return PrunableSet.of(p.preset() == null ? "classifier-convs" : p.preset(),
        p.include() == null ? List.of() : p.include(), p.exclude() == null ? List.of() : p.exclude());
  }

  static ClassificationRun.Spec spec(LotteryConfig c, Path base, int replicate, Path dir, long total) {
    LotteryConfig.Training t = c.training();
    int depth;
    try {
      depth = ResNetConfig.parseArch(c.model().arch());
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(null, "model", "arch", c.model().arch(), e.getMessage());
    }
    String schedule = t.schedule() == null ? "cosine" : t.schedule().toLowerCase(Locale.ROOT);
    if (!schedule.equals("cosine") && !schedule.equals("step")) {
      throw BadInputException.of(null, "training", "schedule", t.schedule(), "expected cosine or step");
    }
    List<Step> checkpointAt = new ArrayList<>();
    checkpointAt.add(c.rewindStep());
    if (total > 0) {
      for (Double f : c.earlyBirdFractions()) {
        checkpointAt.add(Step.ofIterations(earlyBirdIteration(total, f)));
      }
    }
    return new ClassificationRun.Spec(
        base.resolve(c.data().train()),
        c.data().val() == null ? null : base.resolve(c.data().val()),
        depth,
        c.model().width() == null ? 1.0 : c.model().width(),
        t.batch() == null ? 32 : t.batch(),
        t.size() == null ? 224 : t.size(),
        Step.parse(t.iterations()),
        t.lr() == null ? 0.1 : t.lr(),
        t.momentum() == null ? 0.9f : t.momentum().floatValue(),
        t.weightDecay() == null ? 1e-4f : t.weightDecay().floatValue(),
        Step.parse(t.warmup() == null ? "0it" : t.warmup()),
        schedule.equals("cosine"),
        t.milestones() == null ? List.of() : t.milestones().stream().map(Step::parse).toList(),
        checkpointAt,
        c.baseSeed() + replicate,
        null,
        dir);
  }
}
