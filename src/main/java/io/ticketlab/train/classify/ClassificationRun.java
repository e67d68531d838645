package io.ticketlab.train.classify;

import io.ticketlab.train.Provenance;
import io.ticketlab.config.ExperimentSpec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.common.InputFiles;
import io.ticketlab.config.Step;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.RunFolder;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One classification training run in a folder: {@code checkpoint_<iteration>.tlck} at the requested
 * points (weights + momentum + step), {@code metrics.csv} (per iteration: lr, loss) and {@code
 * eval.json} (top-1/top-5 on the validation folder). Re-running the same command resumes from the
 * latest checkpoint in the folder.
 */
public final class ClassificationRun {
  /** What the run was asked to do. */
  public record Spec(
      Path trainDir,
      Path valDir,
      int depth,
      double width,
      int batchSize,
      int imageSize,
      double cropScale,
      Step length,
      double lr,
      float momentum,
      float weightDecay,
      Step warmup,
      boolean cosine,
      List<Step> milestones,
      List<Step> checkpointAt,
      long seed,
      Path initWeights,
      Path outDir) {

    /**
     * The run of a resolved classification experiment: data paths against {@code base}, seed
     * {@code seed} (a replicate's), extra checkpoints at {@code checkpointAt}, in {@code outDir}.
     */
    public static Spec of(ExperimentSpec e, Path base, long seed, List<Step> checkpointAt, Path outDir) {
      if (e.isDetector()) {
        throw new IllegalArgumentException("not a classification experiment: " + e.task());
      }
      ExperimentSpec.Training t = e.training();
      return new Spec(
          resolve(base, e.data().train()), resolve(base, e.data().val()), e.model().depth(), e.model().width(),
          t.batch(), t.size(), t.cropScale(), t.iterations(), t.lr(), (float) t.momentum(), (float) t.weightDecay(), t.warmup(),
          t.cosine(), t.milestones(), checkpointAt, seed, resolve(base, e.model().weights()), outDir);
    }
  }

  /** {@code path} against {@code base} (null: as it is); null stays null. */
  static Path resolve(Path base, String path) {
    if (path == null) {
      return null;
    }
    return base == null ? Path.of(path) : base.resolve(path);
  }

  /** The outcome: iterations trained now, final accuracy (null without a validation folder). */
  public record Result(long fromIteration, long toIteration, ClassificationTrainer.Accuracy accuracy) {}

  private ClassificationRun() {}

  /**
   * Where a run starts when its folder has no checkpoint yet: given weights (and optionally the
   * optimizer's momentum buffers) at iteration {@code iteration} — a lottery level starts from the
   * rewind point this way.
   */
  public record Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration) {}

  /** Trains (or resumes) the run described by {@code spec}. */
  public static Result run(Spec spec, PrintStream progress) throws IOException {
    return run(spec, spec.outDir(), null, null, progress);
  }

  /** Iterations per epoch and total iterations of {@code spec} (reads the training folder). */
  public static long[] lengths(Spec spec) {
    ClassificationData data =
        new ClassificationData(ImageFolder.scan(spec.trainDir()), spec.batchSize(), spec.imageSize(), spec.cropScale(),
            spec.seed(), ClassificationData.DEFAULT_THREADS, 2);
    long perEpoch = data.iterationsPerEpoch();
    return new long[] {perEpoch, spec.length().toIterations(perEpoch)};
  }

  /** The parameter shapes of the model {@code spec} trains (for prunable-set selection). */
  public static Map<String, int[]> parameterShapes(Spec spec) {
    ImageFolder train = ImageFolder.scan(spec.trainDir());
    ResNet model =
        new ResNet(new ResNetConfig(spec.depth(), spec.width(), train.classes().size(), false, 3));
    Map<String, int[]> shapes = new LinkedHashMap<>();
    ModelParameters.of(model).forEach((n, p) -> {
      if (p.requiresGradient()) {
        shapes.put(n, java.util.Arrays.stream(p.getShape().getShape()).mapToInt(Math::toIntExact).toArray());
      }
    });
    return shapes;
  }

  /**
   * Checks the files a run of {@code spec} reads, before anything is written: the starting weights
   * and every training and validation image whole ({@link ImageFolder#checkImageFiles}). A lottery
   * calls this before it creates its experiment folder.
   *
   * @throws BadInputException naming the file
   */
  public static void checkInputs(Spec spec) {
    checkFiles(spec, ImageFolder.scan(spec.trainDir()), spec.valDir() == null ? null : ImageFolder.scan(spec.valDir()));
  }

  private static void checkFiles(Spec spec, ImageFolder train, ImageFolder val) {
    if (spec.initWeights() != null) {
      InputFiles.requireFile(spec.initWeights());
    }
    train.checkImageFiles();
    if (val != null) {
      val.checkImageFiles();
    }
  }

  /**
   * Trains (or resumes) {@code spec} in folder {@code dir}: from the latest checkpoint there if any,
   * else from {@code start} (or the spec's initial weights, or a seeded initialisation); with {@code
   * mask} in force when not null (pruned weights zeroed now and kept at zero; checkpoints carry the
   * mask).
   */
  public static Result run(Spec spec, Path dir, Start start, io.ticketlab.prune.Mask mask, PrintStream progress)
      throws IOException {
    ImageFolder train = ImageFolder.scan(spec.trainDir());
    ImageFolder val = spec.valDir() == null ? null : ImageFolder.scan(spec.valDir());
    if (val != null && !val.classes().equals(train.classes())) {
      throw BadInputException.of(
          spec.valDir(), null, null, val.classes(), "classes differ from the training folder's " + train.classes());
    }
    ClassificationData data =
        new ClassificationData(train, spec.batchSize(), spec.imageSize(), spec.cropScale(), spec.seed(),
            ClassificationData.DEFAULT_THREADS, 2);
    long perEpoch = data.iterationsPerEpoch();
    long total = spec.length().toIterations(perEpoch);
    if (total < 1) {
      throw BadInputException.of(null, null, "--iterations", spec.length(), "must be at least one iteration");
    }
    long[] points = spec.checkpointAt().stream().mapToLong(s -> s.toIterations(perEpoch)).toArray();
    for (long p : points) {
      if (p > total || p < 0) {
        throw BadInputException.of(
            null, null, "--checkpoint-at", p + "it", "after the end of training (" + total + "it)");
      }
    }
    long[] withEnd = java.util.stream.LongStream.concat(java.util.Arrays.stream(points), java.util.stream.LongStream.of(total)).distinct().sorted().toArray();
    long[] milestones = spec.milestones().stream().mapToLong(s -> s.toIterations(perEpoch)).toArray();
    LrSchedule schedule =
        spec.cosine()
            ? LrSchedule.cosine(spec.lr(), spec.warmup().toIterations(perEpoch), total)
            : LrSchedule.multiStep(spec.lr(), spec.warmup().toIterations(perEpoch), 0.001, 0.1, milestones);

    if (!Files.isDirectory(dir)) { // a new run folder: its inputs checked before it is created
      checkFiles(spec, train, val);
    }
    Files.createDirectories(dir);
    AtomicFiles.removeStaleTemporaries(dir); // of a killed earlier run
    Provenance.Session session = Provenance.capture(spec.seed());
    Provenance.started(dir, session);
    Engine engine = Engines.pytorch();
    engine.setRandomSeed((int) spec.seed());
    ResNetConfig config = new ResNetConfig(spec.depth(), spec.width(), train.classes().size(), false, 3);
    ResNet model = new ResNet(config);
    List<Device> devices = Engines.devices();
    if (spec.batchSize() % devices.size() != 0) {
      throw BadInputException.of(null, null, "--batch", spec.batchSize(),
          "must be a multiple of the " + devices.size() + " devices (each forwards an equal slice)");
    }
    try (NDManager manager = engine.newBaseManager(devices.get(0))) {
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.imageSize(), spec.imageSize()));
      List<TrainingLoop.Replica<ClassificationData.Batch>> replicas = new ArrayList<>();
      for (Device d : devices.subList(1, devices.size())) {
        ResNet copy = new ResNet(config);
        NDManager m = manager.newSubManager(d);
        copy.initialize(m, DataType.FLOAT32, new Shape(1, 3, spec.imageSize(), spec.imageSize()));
        replicas.add(ClassificationTrainer.replica(copy, m));
      }
      Sgd sgd = ClassificationTrainer.optimizer(model, spec.momentum(), spec.weightDecay());
      long from = 0;
      Map.Entry<Long, Path> latest = latestCheckpoint(dir);
      if (latest != null) {
        TicketCheckpoint ck = TicketCheckpoint.read(latest.getValue());
        Weights.load(model, ck.weights().toFloatTensors(), latest.getValue().toString(), true);
        sgd.loadMomentumBuffers(momentumOf(ck));
        from = ck.step();
      } else if (start != null) {
        Weights.load(model, start.weights(), "rewind point", true);
        if (start.momentum() != null) {
          sgd.loadMomentumBuffers(start.momentum());
        }
        from = start.iteration();
      } else if (spec.initWeights() != null) {
        Weights.load(
            model,
            Checkpoints.readStateDict(spec.initWeights()).toFloatTensors(),
            spec.initWeights().toString(),
            true,
            "num_batches_tracked");
      }
      List<io.ticketlab.train.StepHook> hooks = new ArrayList<>();
      if (mask != null) {
        io.ticketlab.train.MaskHook hook =
            new io.ticketlab.train.MaskHook(ModelParameters.of(model), mask, manager);
        hook.apply();
        hooks.add(hook);
      }
      if (from == 0 && latest == null && java.util.Arrays.stream(withEnd).anyMatch(p -> p == 0)) {
        save(dir, model, sgd, 0, mask); // the initialisation itself is a rewind point (original LTH)
      }
      List<TrainingLoop.Record> log = new ArrayList<>(readMetrics(dir, from));
      if (from < total) {
        // metrics.csv is rewritten with every checkpoint, so a resumed run continues it
        ClassificationTrainer.train(
            manager, model, data, sgd, schedule, from, total, hooks,
            (iteration, optimizer) -> {
              // metrics first: whenever a checkpoint exists, the metrics up to it exist too
              writeMetricsUnchecked(dir, log);
              save(dir, model, optimizer, iteration, mask);
            },
            withEnd, progress, log::add, replicas);
      }
      ClassificationTrainer.Accuracy acc = null;
      if (val != null) {
        acc = ClassificationTrainer.evaluate(manager, model, val, spec.imageSize(), spec.batchSize());
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("iteration", total);
        eval.put("top1", acc.top1());
        eval.put("top5", acc.top5());
        eval.put("images", acc.images());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(eval);
        AtomicFiles.writeString(dir.resolve("eval.json"), json + "\n");
      }
      Provenance.finished(dir, session);
      return new Result(from, total, acc);
    }
  }

  /** Prefix of momentum buffers in a checkpoint's optimizer state ({@link RunFolder#MOMENTUM}). */
  public static final String MOMENTUM = RunFolder.MOMENTUM;

  /** Momentum buffers by parameter name from a checkpoint's optimizer state. */
  public static Map<String, float[]> momentumOf(TicketCheckpoint ck) {
    return RunFolder.momentumOf(ck);
  }

  private static void save(Path dir, ResNet model, Sgd sgd, long iteration, io.ticketlab.prune.Mask mask) {
    RunFolder.save(dir, model, sgd, iteration, mask);
  }

  /** The checkpoint with the highest iteration in {@code dir}, or null. */
  static Map.Entry<Long, Path> latestCheckpoint(Path dir) throws IOException {
    return RunFolder.latestCheckpoint(dir);
  }

  private static void writeMetricsUnchecked(Path dir, List<TrainingLoop.Record> log) {
    RunFolder.writeMetrics(dir, log);
  }

  private static List<TrainingLoop.Record> readMetrics(Path dir, long upTo) throws IOException {
    return RunFolder.readMetrics(dir, upTo, "loss_classifier");
  }
}
