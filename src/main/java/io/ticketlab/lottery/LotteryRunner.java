package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.common.InputFiles;
import io.ticketlab.config.ExperimentSpec;
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
 * <p>Every step skips what is on disk: a finished level has its {@link LevelRecord}; an unfinished
 * one resumes from its latest checkpoint; masks are written once. Killing the process at any moment
 * and running the same command again therefore ends with the same masks, weights and metrics as an
 * uninterrupted run (same seed; batches depend only on the iteration). One process owns an
 * experiment at a time ({@link ExperimentLock}); {@link ExperimentLayout} names every file.
 */
public final class LotteryRunner {
  /**
   * What one level (or branch) produced: its {@link LevelRecord}, the metrics its task reports
   * (main first), its folder, and whether it was done before this call.
   */
  public record LevelOutcome(LevelRecord record, List<String> metricNames, Path folder, boolean alreadyDone) {
    public int replicate() {
      return record.replicate();
    }

    public int level() {
      return record.level();
    }

    public double targetDensity() {
      return record.targetDensity();
    }

    public double prunePercent() {
      return record.prunePercent();
    }

    public double networkSparsityPercent() {
      return record.networkSparsityPercent();
    }

    public Map<String, Double> metrics() {
      return record.metrics();
    }

    /** The level's main metric: top-1 for classification, {@code bbox/AP} for detectors; null if not evaluated. */
    public Double metric() {
      return record.metrics().get(metricName());
    }

    /** The main metric's name. */
    public String metricName() {
      return metricNames.get(0);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LotteryRunner() {}

  /** The level-0 folders and schedule of one experiment, checked before anything trains. */
  private record Prepared(
      ExperimentSpec spec, ExperimentLayout layout, LotteryTask task, PrunableSet prunable,
      Map<String, int[]> prunableShapes, long total, long rewindAt, PruningStrategy strategy) {}

  private static Prepared prepare(Experiment e, Path root) {
    ExperimentSpec spec = e.spec();
    ExperimentLayout layout = e.layout(root);
    refuseLegacyFolder(e, root, layout);
    // everything that can fail is checked before any training starts
    LotteryTask task = LotteryTask.of(spec, e.base());
    PrunableSet prunable = spec.pruning().prunableSet();
    Map<String, int[]> prunableShapes = prunable.select(task.parameterShapes());
    if (task instanceof LotteryTask.Detector d) {
      // named by the config's key, not by the flag of `train detect` that the training run would name
      int images = d.trainingImages();
      int batch = spec.training().batch();
      int accumulate = spec.training().accumulate();
      if ((long) batch * accumulate > images) {
        throw BadInputException.of(e.file(), null, "training.batch", batch, "larger than the " + images
            + " training images of " + resolve(e.base(), spec.data().train())
            + (accumulate > 1 ? " with training.accumulate " + accumulate + " (" + batch + " × " + accumulate
                + " images an iteration)" : ""));
      }
    }
    long[] lengths = task.lengths();
    long total = lengths[1];
    long rewindAt = spec.rewind().at().toIterations(lengths[0]);
    if (rewindAt > total) {
      throw BadInputException.of(e.file(), "rewind", "at", spec.rewind().at(),
          "after the end of training (" + total + " iterations)");
    }
    // the inputs the training runs read later, checked before any folder is created
    if (spec.model().weights() != null) {
      InputFiles.requireFile(resolve(e.base(), spec.model().weights()));
    }
    if (spec.data().val() != null) {
      Path val = resolve(e.base(), spec.data().val());
      if (spec.isDetector()) {
        InputFiles.requireFile(val);
      } else {
        InputFiles.requireFolder(val);
      }
    }
    task.checkInputs();
    PruningStrategy strategy = spec.pruning().layerwise() ? MagnitudePruning.layerwise() : MagnitudePruning.global();
    return new Prepared(spec, layout, task, prunable, prunableShapes, total, rewindAt, strategy);
  }

  private static Path resolve(Path base, String path) {
    return base == null ? Path.of(path) : base.resolve(path);
  }

  /**
   * A folder of TicketLab 0.1 for the same config (its id hashed the config as written) is not
   * retrained silently under this version's defaults: the run stops with one line saying what to do.
   */
  private static void refuseLegacyFolder(Experiment e, Path root, ExperimentLayout layout) {
    if (Files.exists(layout.runDir()) || e.legacyRunId() == null) {
      return;
    }
    ExperimentLayout legacy = ExperimentLayout.of(root, e.legacyRunId());
    if (Files.exists(legacy.legacyConfig()) && !Files.exists(legacy.spec())) {
      throw BadInputException.of(legacy.runDir(), null, null, null,
          "written by TicketLab 0.1 for this config, whose run id hashed the config as written; defaults have"
              + " changed since, so its levels are not continued here. Move it aside (or use another --root)"
              + " to run this experiment afresh in " + layout.runDir().getFileName());
    }
  }

  /** Writes the resolved spec once; a folder holding another spec under this id is refused. */
  static void writeSpec(ExperimentLayout layout, ExperimentSpec spec) throws IOException {
    Files.createDirectories(layout.runDir());
    Path file = layout.spec();
    String canonical = JSON.writeValueAsString(JSON.readTree(spec.canonicalJson())) + "\n";
    if (!Files.exists(file)) {
      AtomicFiles.writeString(file, canonical);
    } else if (!Files.readString(file).equals(canonical)) {
      throw BadInputException.of(file, null, null, null,
          "holds another experiment than this config's (same run id): move the folder aside");
    }
  }

  /**
   * Runs (or continues) an experiment.
   *
   * @param root where run folders go
   * @param levelsOverride run up to this level (null: the schedule's last level)
   * @param replicatesOverride number of replicates (null: the config's)
   * @param wait wait for another process that runs the same experiment instead of exiting
   */
  public static List<LevelOutcome> run(
      Experiment e, Path root, Integer levelsOverride, Integer replicatesOverride, boolean wait,
      PrintStream progress) throws IOException {
    InputFiles.requireOutputFolder(root);
    ExperimentSpec spec = e.spec();
    if (spec.transfer() != null) {
      if (levelsOverride != null && levelsOverride != TransferRun.LEVEL) {
        throw BadInputException.of(null, null, "--levels", levelsOverride, "a transfer experiment has one level (1)");
      }
      return TransferRun.run(e, root, replicatesOverride, wait, progress);
    }
    PruningSchedule schedule = schedule(spec);
    int lastLevel = levelsOverride != null ? levelsOverride : schedule.lastLevel();
    if (lastLevel < 0) {
      throw BadInputException.of(e.file(), "pruning", "levels", null,
          "give the number of levels (pruning.levels, or --levels) with a fraction per level");
    }
    if (schedule.lastLevel() >= 0 && lastLevel > schedule.lastLevel()) {
      throw BadInputException.of(null, null, "--levels", lastLevel,
          "beyond the schedule's last level " + schedule.lastLevel() + " (rounds - 1)");
    }
    int replicates = replicatesOverride != null ? replicatesOverride : spec.replicates();
    if (replicates < 1) {
      throw BadInputException.of(null, null, "--replicates", replicates, "must be at least 1");
    }
    Prepared p = prepare(e, root);
    writeSpec(p.layout(), p.spec());
    List<LevelOutcome> out = new ArrayList<>();
    try (ExperimentLock lock = ExperimentLock.take(p.layout().lock(), wait, progress)) {
      for (int r = 0; r < replicates; r++) {
        for (int level = 0; level <= lastLevel; level++) {
          Path dir = p.layout().level(r, level);
          if (Files.exists(ExperimentLayout.record(dir))) {
            out.add(outcome(dir, p.task(), true));
            continue;
          }
          if (level == 0 && reuseDense(root, p, r, dir, schedule.density(0), progress)) {
            out.add(outcome(dir, p.task(), false));
            continue;
          }
          Files.createDirectories(dir);
          Mask mask = null;
          LotteryTask.Start start = null;
          if (level > 0) {
            mask = levelMask(p, r, level, schedule.density(level));
            TicketCheckpoint rewind = TicketCheckpoint.read(rewindCheckpoint(p, r));
            start = new LotteryTask.Start(
                rewind.weights().toFloatTensors(),
                spec.rewind().optimizer() ? RunFolder.momentumOf(rewind) : null,
                p.rewindAt());
          }
          if (progress != null) {
            progress.printf(Locale.ROOT, "replicate %d, level %d: keep %.4f of the prunable set%n",
                r, level, schedule.density(level));
          }
          out.add(trainAndRecord(p, seed(spec, r), checkpointAt(spec, p.total()), dir, start, mask, r, level,
              schedule.density(level), progress));
        }
      }
    }
    return out;
  }

  private static Path rewindCheckpoint(Prepared p, int replicate) {
    return ExperimentLayout.checkpoint(p.layout().level(replicate, 0), p.rewindAt());
  }

  /** Trains one level (or branch) in {@code dir} and writes its {@link LevelRecord}. */
  private static LevelOutcome trainAndRecord(
      Prepared p, long seed, List<Step> checkpointAt, Path dir, LotteryTask.Start start, Mask mask,
      int r, int level, double density, PrintStream progress) throws IOException {
    Map<String, Double> metrics = p.task().train(dir, seed, checkpointAt, start, mask, progress);
    LevelRecord record = record(p, dir, metrics, r, level, density);
    return new LevelOutcome(record, p.task().reported(), dir, false);
  }

  /** Writes a trained level's per-tensor sparsity and then its record (which marks it done). */
  private static LevelRecord record(Prepared p, Path dir, Map<String, Double> metrics, int r, int level,
      double density) throws IOException {
    Map<String, FloatTensor> trained =
        TicketCheckpoint.read(ExperimentLayout.checkpoint(dir, p.total())).weights().toFloatTensors();
    NetworkSparsity sparsity = NetworkSparsity.of(trained, p.prunable());
    LevelRecord record = LevelRecord.of(r, level, density, 100 * sparsity.pruneFraction(),
        100 * sparsity.networkSparsity(), p.task().reported(), metrics);
    AtomicFiles.writeString(ExperimentLayout.sparsity(dir), JSON.writeValueAsString(sparsity.perTensor()) + "\n");
    record.write(ExperimentLayout.record(dir));
    return record;
  }

  /**
   * Level 0 of replicate {@code r} copied from another experiment under {@code root} with the same
   * training ({@link DenseReuse}), when it has not started here and such a finished one exists.
   */
  private static boolean reuseDense(Path root, Prepared p, int r, Path dir, double density, PrintStream progress)
      throws IOException {
    DenseReuse.removeLeftover(dir);
    if (!DenseReuse.notStarted(dir)) {
      return false;
    }
    List<Long> needed = new ArrayList<>();
    needed.add(p.rewindAt());
    for (Double f : p.spec().earlyBird()) {
      needed.add(earlyBirdIteration(p.total(), f));
    }
    needed.add(p.total());
    Path source = DenseReuse.source(root, p.layout(), p.spec(), r, needed);
    if (source == null) {
      return false;
    }
    if (progress != null) {
      progress.printf("replicate %d, level 0: the same dense training as %s, reused%n", r,
          root.relativize(source.getParent().getParent().getParent()));
    }
    DenseReuse.copy(source, dir, (staging, metrics) -> record(p, staging, metrics, r, 0, density));
    return true;
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

    /** The ids, for help texts and errors. */
    public static String ids() {
      return String.join(", ", java.util.Arrays.stream(values()).map(Branch::id).toList());
    }

    public static Branch parse(String name) {
      for (Branch b : values()) {
        if (b.id.equalsIgnoreCase(name)) {
          return b;
        }
      }
      throw BadInputException.of(null, null, "--name", name, "unknown branch; expected " + ids());
    }
  }

  /**
   * Runs a control branch of level {@code level} (≥ 1) of replicate {@code replicate}; the level's
   * ticket must exist (its mask is read). Resumable like a level. {@code fraction} selects the
   * early-bird checkpoint (only for {@link Branch#EARLY_BIRD}).
   */
  public static LevelOutcome runBranch(
      Experiment e, Path root, int replicate, int level, Branch branch, Double fraction, boolean wait,
      PrintStream progress) throws IOException {
    InputFiles.requireOutputFolder(root);
    ExperimentSpec spec = e.spec();
    if (spec.transfer() != null) {
      throw BadInputException.of(null, null, "--name", branch.id(),
          "branches are controls of direct pruning; this experiment is a transfer");
    }
    if (branch == Branch.EARLY_BIRD && (fraction == null || !spec.earlyBird().contains(fraction))) {
      throw BadInputException.of(null, null, "--fraction", fraction,
          "must be one of the config's early_bird fractions " + spec.earlyBird());
    }
    if (level < 1) {
      throw BadInputException.of(null, null, "--level", level, "branches need a pruned level (1 or more)");
    }
    Prepared p = prepare(e, root);
    Path maskFile = ExperimentLayout.mask(p.layout().level(replicate, level));
    if (!Files.exists(maskFile)) {
      throw BadInputException.of(maskFile, null, null, null, "no ticket at this level yet: run 'ticketlab lottery' first");
    }
    Mask ticket = Mask.of(TicketCheckpoint.read(maskFile).masks()).validate(p.prunableShapes(), maskFile.toString());
    String folderName = branch == Branch.EARLY_BIRD ? branch.id() + "-" + fraction : branch.id();
    Path dir = p.layout().branch(replicate, level, folderName);
    if (Files.exists(ExperimentLayout.record(dir))) {
      return outcome(dir, p.task(), true);
    }
    try (ExperimentLock lock = ExperimentLock.take(p.layout().lock(), wait, progress)) {
      if (Files.exists(ExperimentLayout.record(dir))) { // finished by the process we waited for
        return outcome(dir, p.task(), true);
      }
      Files.createDirectories(dir);
      long seed = seed(spec, replicate);
      List<Step> checkpointAt = checkpointAt(spec, p.total());
      Mask mask = ticket;
      LotteryTask.Start start;
      switch (branch) {
        case RANDOM_REINIT:
          seed += 1_000_003L;
          checkpointAt = List.of();
          start = null;
          break;
        case RANDOM_PRUNING: {
          Map<String, FloatTensor> weights = TicketCheckpoint.read(rewindCheckpoint(p, replicate)).weights().toFloatTensors();
          mask = MagnitudePruning.randomLike(ticket, seed + 7_000_001L)
              .prune(weights, Mask.ones(p.prunableShapes()), ticket.density());
          start = new LotteryTask.Start(weights, null, p.rewindAt());
          break;
        }
        case EARLY_BIRD: {
          long at = earlyBirdIteration(p.total(), fraction);
          Map<String, FloatTensor> early = TicketCheckpoint.read(
              ExperimentLayout.checkpoint(p.layout().level(replicate, 0), at)).weights().toFloatTensors();
          mask = p.strategy().prune(early, Mask.ones(p.prunableShapes()), ticket.density());
          Map<String, Object> iou = new LinkedHashMap<>();
          iou.put("fraction", fraction);
          iou.put("iteration", at);
          iou.put("maskIouWithTicket", mask.iou(ticket));
          AtomicFiles.writeString(ExperimentLayout.maskIou(dir), JSON.writeValueAsString(iou) + "\n");
          Map<String, FloatTensor> weights = TicketCheckpoint.read(rewindCheckpoint(p, replicate)).weights().toFloatTensors();
          start = new LotteryTask.Start(weights, null, p.rewindAt());
          break;
        }
        default: {
          Map<String, FloatTensor> trained = TicketCheckpoint.read(
              ExperimentLayout.checkpoint(p.layout().level(replicate, level - 1), p.total())).weights().toFloatTensors();
          start = new LotteryTask.Start(trained, null, p.rewindAt());
          break;
        }
      }
      return trainAndRecord(p, seed, checkpointAt, dir, start, mask, replicate, level, ticket.density(), progress);
    }
  }

  /** The level-0 iteration of an early-bird fraction: round(fraction × total), at least 1. */
  static long earlyBirdIteration(long total, double fraction) {
    return Math.max(1, Math.round(fraction * total));
  }

  /** The mask of {@code level}: read if written before, else pruned from level − 1 and written. */
  private static Mask levelMask(Prepared p, int replicate, int level, double density) throws IOException {
    Path file = ExperimentLayout.mask(p.layout().level(replicate, level));
    if (Files.exists(file)) {
      return Mask.of(TicketCheckpoint.read(file).masks()).validate(p.prunableShapes(), file.toString());
    }
    Path previous = p.layout().level(replicate, level - 1);
    Map<String, FloatTensor> trained =
        TicketCheckpoint.read(ExperimentLayout.checkpoint(previous, p.total())).weights().toFloatTensors();
    Mask before = level == 1
        ? Mask.ones(p.prunableShapes())
        : Mask.of(TicketCheckpoint.read(ExperimentLayout.mask(previous)).masks());
    Mask mask = p.strategy().prune(trained, before, density);
    new TicketCheckpoint(StateDict.of(Map.of()), mask.tensors(), StateDict.of(Map.of()), level, "", Map.of("density", density))
        .write(file);
    return mask;
  }

  private static LevelOutcome outcome(Path dir, LotteryTask task, boolean alreadyDone) {
    return new LevelOutcome(LevelRecord.read(ExperimentLayout.record(dir)), task.reported(), dir, alreadyDone);
  }

  /**
   * The levels a finished run of {@code spec} has in every replicate: 0 to the schedule's last level,
   * or the one level of a transfer; empty when the schedule has no last level (a fixed fraction
   * without {@code pruning.levels}: as many as {@code --levels} asks).
   */
  public static List<Integer> levels(ExperimentSpec spec) {
    if (spec.transfer() != null) {
      return List.of(TransferRun.LEVEL);
    }
    int last = schedule(spec).lastLevel();
    List<Integer> out = new ArrayList<>();
    for (int level = 0; level <= last; level++) {
      out.add(level);
    }
    return List.copyOf(out);
  }

  static PruningSchedule schedule(ExperimentSpec spec) {
    ExperimentSpec.Pruning p = spec.pruning();
    if (p.fraction() != null) {
      return p.levels() == null ? PruningSchedule.fixedFraction(p.fraction())
          : PruningSchedule.fixedFraction(p.fraction(), p.levels());
    }
    return PruningSchedule.rounds(1 - p.sparsity(), p.rounds());
  }

  /** The seed of a replicate: the config's seed + the replicate number. */
  static long seed(ExperimentSpec spec, int replicate) {
    return spec.seed() + replicate;
  }

  /** The extra checkpoints of every level: the rewind point and the early-bird iterations. */
  static List<Step> checkpointAt(ExperimentSpec spec, long total) {
    List<Step> checkpointAt = new ArrayList<>();
    checkpointAt.add(spec.rewind().at());
    if (total > 0) {
      for (Double f : spec.earlyBird()) {
        checkpointAt.add(Step.ofIterations(earlyBirdIteration(total, f)));
      }
    }
    return checkpointAt;
  }
}
