package io.ticketlab.train.detect;

import io.ticketlab.train.Provenance;
import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.model.detector.DetectorOptions;

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
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.CocoWriter;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.detection.DetectionOptions;
import io.ticketlab.engine.Engines;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.model.detector.Detectors;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.prune.Mask;
import io.ticketlab.train.MaskHook;
import io.ticketlab.train.Losses;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.RunFolder;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.StepHook;
import io.ticketlab.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One detector training run in a folder: {@code checkpoint_<iteration>.tlck} at the requested
 * points and at every evaluation point, {@code metrics.csv} (per iteration: lr, total loss, each
 * loss term), {@code validation.csv} (at every evaluation point: epoch, validation loss terms, COCO
 * AP / AP50 / AP75 per IoU type — the convergence curves), and at the end {@code eval.json} and
 * {@code results.json} (COCO results on the validation set). Re-running the same run resumes from
 * its latest checkpoint and gives the same numbers as an uninterrupted run.
 */
public final class DetectionRun {
  /**
   * What the run was asked to do.
   *
   * @param trainAnnotations COCO json of the training set
   * @param trainImages its image folder
   * @param valAnnotations COCO json of the validation set, or null for none
   * @param valImages its image folder
   * @param model the detector
   * @param batchSize images per forward pass
   * @param accumulate forward passes per iteration (gradient accumulation: an iteration, one
   *     optimizer step, sees {@code batchSize × accumulate} images; 1 for none)
   * @param length training length ("12ep", "90000it")
   * @param lr base learning rate
   * @param momentum SGD momentum
   * @param weightDecay L2 on conv/linear weights
   * @param warmup linear warm-up length
   * @param warmupFactor the warm-up's starting fraction of the rate
   * @param milestones learning-rate steps (×0.1 each)
   * @param checkpointAt extra checkpoints (rewind points)
   * @param evalEvery evaluation interval (validation loss + COCO AP), null for only at the end
   * @param apEvery COCO AP at the evaluation points that are multiples of this and at the end, null
   *     for at every evaluation point (the others get validation loss only)
   * @param flip random horizontal flips
   * @param seed seed of initialisation, data order and sampling
   * @param initWeights a detector checkpoint, or an ImageNet ResNet checkpoint for the backbone,
   *     or null
   */
  public record Spec(
      Path trainAnnotations,
      Path trainImages,
      Path valAnnotations,
      Path valImages,
      DetectorSpec model,
      int batchSize,
      int accumulate,
      Step length,
      double lr,
      float momentum,
      float weightDecay,
      Step warmup,
      double warmupFactor,
      List<Step> milestones,
      List<Step> checkpointAt,
      Step evalEvery,
      Step apEvery,
      boolean flip,
      long seed,
      Path initWeights) {

    public Spec {
      // the values come checked from ExperimentSpec.resolve, which names their keys or flags
      if (batchSize < 1 || accumulate < 1 || !(lr > 0)) {
        throw new IllegalArgumentException("batch " + batchSize + ", accumulate " + accumulate + ", lr " + lr);
      }
      milestones = List.copyOf(milestones);
      checkpointAt = List.copyOf(checkpointAt);
    }

    /**
     * The run of a resolved detector experiment: data paths against {@code base} (null: as
     * written), seed {@code seed} (a replicate's), extra checkpoints at {@code checkpointAt}; a bad
     * model choice is an error naming its key through {@code keys}.
     */
    public static Spec of(ExperimentSpec e, Path base, long seed, List<Step> checkpointAt, ConfigKeys keys) {
      ExperimentSpec.Data d = e.data();
      ExperimentSpec.Training t = e.training();
      Path train = resolve(base, d.train());
      return new Spec(
          train, resolve(base, d.trainImages()), resolve(base, d.val()), resolve(base, d.valImages()),
          detector(e, train, keys), t.batch(), t.accumulate(), t.iterations(), t.lr(), (float) t.momentum(),
          (float) t.weightDecay(), t.warmup(), t.warmupFactor(), t.milestones(), checkpointAt, t.evalEvery(), t.apEvery(), t.flip(),
          seed, resolve(base, e.model().weights()));
    }

    /** The detector of a resolved experiment; its classes from {@code annotations} unless given. */
    public static DetectorSpec detector(ExperimentSpec e, Path annotations, ConfigKeys keys) {
      ExperimentSpec.Model m = e.model();
      DetectorOptions options = new DetectorOptions(
          e.task().key(), m.arch(), m.variant(), m.width(), m.fpnChannels(), m.headWidth(), m.minSize(), m.maxSize(),
          m.trainableLayers(), m.scratch());
      try {
        return options.spec(m.numClasses(), annotations).withRoiSamplesPerImage(m.roiSamples());
      } catch (DetectorOptions.InvalidOption x) {
        String key = x.option() == null ? "model" : "model." + x.option().replace('-', '_');
        throw keys.bad(key, x.value(), x.getMessage());
      }
    }

    private static Path resolve(Path base, String path) {
      return path == null ? null : base == null ? Path.of(path) : base.resolve(path);
    }

    /** Images one iteration (one optimizer step) consumes. */
    public int imagesPerIteration() {
      return Math.multiplyExact(batchSize, accumulate);
    }

    public Spec withSeed(long newSeed) {
      return new Spec(trainAnnotations, trainImages, valAnnotations, valImages, model, batchSize, accumulate, length, lr,
          momentum, weightDecay, warmup, warmupFactor, milestones, checkpointAt, evalEvery, apEvery, flip, newSeed,
          initWeights);
    }

    /** This run with the extra checkpoints {@code points} instead (a lottery level's rewind points). */
    public Spec withCheckpointAt(List<Step> points) {
      return new Spec(trainAnnotations, trainImages, valAnnotations, valImages, model, batchSize, accumulate, length, lr,
          momentum, weightDecay, warmup, warmupFactor, milestones, points, evalEvery, apEvery, flip, seed, initWeights);
    }
  }

  /** Where a run starts when its folder has no checkpoint: weights (+ momentum) at an iteration. */
  public record Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration, boolean partial) {
    /** A complete start (every tensor of the model given: a rewind point). */
    public Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration) {
      this(weights, momentum, iteration, false);
    }

    /**
     * Some tensors only (a ticket transfer): they replace the fresh initialisation's (the seed's),
     * the rest stays fresh; unknown or mis-shaped names are refused.
     */
    public static Start partial(Map<String, FloatTensor> weights) {
      return new Start(weights, null, 0, true);
    }
  }

  /** The outcome: iterations trained now and the final evaluation ("bbox/AP", "segm/AP50", ...). */
  public record Result(long fromIteration, long toIteration, Map<String, Double> metrics) {}

  private DetectionRun() {}

  /** The IoU types a task is scored with. */
  public static List<IouType> iouTypes(DetectorSpec.Task task) {
    switch (task) {
      case SEGMENTATION:
        return List.of(IouType.BBOX, IouType.SEGM);
      case KEYPOINTS:
        return List.of(IouType.BBOX, IouType.KEYPOINTS);
      default:
        return List.of(IouType.BBOX);
    }
  }

  /** Dataset options of a task (masks for Mask R-CNN, person keypoints for Keypoint R-CNN). */
  public static DetectionOptions options(DetectorSpec.Task task, boolean training) {
    DetectionOptions o = training ? DetectionOptions.training() : DetectionOptions.evaluation();
    if (task == DetectorSpec.Task.SEGMENTATION) {
      o = o.withMasks();
    } else if (task == DetectorSpec.Task.KEYPOINTS) {
      o = o.withPersonKeypoints();
    }
    return o;
  }

  /**
   * The training set of a spec, read from its json. Each call parses the file again (seconds for
   * train2017): a caller that needs it more than once (a lottery's levels) opens it once and hands
   * it to the overloads that take it.
   */
  public static DetectionDataset trainingSet(Spec spec) {
    return DetectionDataset.open(spec.trainAnnotations(), spec.trainImages(), options(spec.model().task(), true));
  }

  /** The validation set of a spec, read from its json (as {@link #trainingSet}); null without one. */
  public static DetectionDataset validationSet(Spec spec) {
    return spec.valAnnotations() == null
        ? null
        : DetectionDataset.open(spec.valAnnotations(), spec.valImages(), options(spec.model().task(), false));
  }

  /** {iterations per epoch, total iterations} of a spec. */
  public static long[] lengths(Spec spec) {
    return lengths(spec, trainingSet(spec));
  }

  /** {iterations per epoch, total iterations} of a spec, whose training set {@code train} is already open. */
  public static long[] lengths(Spec spec, DetectionDataset train) {
    requireData(spec, train, null, false);
    DetectionData data = new DetectionData(train, spec.imagesPerIteration(), spec.seed(), spec.flip());
    long perEpoch = data.iterationsPerEpoch();
    return new long[] {perEpoch, spec.length().toIterations(perEpoch)};
  }

  /** The parameter shapes of the model a spec trains (trainable ones, for prunable-set selection). */
  public static Map<String, int[]> parameterShapes(DetectorSpec model) {
    GeneralizedRcnn m = Detectors.build(model);
    Map<String, int[]> shapes = new LinkedHashMap<>();
    ModelParameters.of(m).forEach((n, p) -> shapes.put(n,
        Arrays.stream(p.getShape().getShape()).mapToInt(Math::toIntExact).toArray()));
    return shapes;
  }

  /**
   * COCO results of a detector with the weights of {@code weights} on {@code data}, on the devices
   * of {@code --device}: one copy of the model per device, the batches dealt round-robin, results in
   * image order ({@code ticketlab predict}).
   */
  public static List<CocoResult> predict(
      DetectorSpec detector, Path weights, DetectionDataset data, java.util.function.IntUnaryOperator categoryOf,
      int batchSize, PrintStream progress) {
    List<Device> devices = Engines.devices();
    try (NDManager manager = Engines.pytorch().newBaseManager(devices.get(0))) {
      List<DetectionTrainer.OnDevice> copies = new ArrayList<>();
      for (Device d : devices) {
        NDManager m = copies.isEmpty() ? manager : manager.newSubManager(d);
        copies.add(new DetectionTrainer.OnDevice(m, build(detector, m, weights)));
      }
      return DetectionTrainer.predict(copies, data, categoryOf, batchSize, progress);
    }
  }

  /**
   * The weights a run of {@code detector} with seed {@code seed} starts from when given {@code
   * start} (a partial start: the fresh initialisation of that seed with these tensors in place),
   * pruned weights +0.0 under {@code mask}: what {@link #run} saves as the start point, computed
   * without training (a transfer's dry run).
   */
  public static Map<String, FloatTensor> startingWeights(
      DetectorSpec detector, long seed, Map<String, FloatTensor> start, Mask mask) {
    Engine engine = Engines.pytorch();
    engine.setRandomSeed((int) seed);
    try (NDManager manager = engine.newBaseManager(Engines.device())) {
      GeneralizedRcnn model = build(detector, manager, null);
      Weights.LoadReport report = Weights.load(model, start, "transferred weights", false);
      if (!report.unexpected().isEmpty() || !report.misShaped().isEmpty()) {
        throw new IllegalArgumentException("transferred weights do not fit: " + report);
      }
      Map<String, FloatTensor> out = Weights.read(model);
      if (mask != null) {
        out = mask.applyTo(out);
      }
      return out;
    }
  }

  /**
   * A detector of {@code spec} initialised with the seed, then given weights (a full detector
   * state dict by name, or an ImageNet ResNet's under {@code backbone.body.}; the classifier
   * {@code fc.*} is dropped), then frozen as the spec says.
   */
  public static GeneralizedRcnn build(DetectorSpec spec, NDManager manager, Path weights) {
    GeneralizedRcnn model = Detectors.build(spec);
    model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
    if (weights != null) {
      Map<String, FloatTensor> given = Checkpoints.readStateDict(weights).toFloatTensors();
      Map<String, FloatTensor> all = new LinkedHashMap<>(Weights.read(model));
      boolean detector = given.keySet().stream().anyMatch(k -> k.startsWith("backbone."));
      int used = 0;
      for (Map.Entry<String, FloatTensor> e : given.entrySet()) {
        String key = detector ? e.getKey() : "backbone.body." + e.getKey();
        if (key.endsWith("num_batches_tracked") || (!detector && e.getKey().startsWith("fc."))) {
          continue;
        }
        all.put(key, e.getValue());
        used++;
      }
      if (used == 0) {
        throw BadInputException.of(weights, null, null, null, "holds no tensors for this detector");
      }
      Weights.load(model, all, weights.toString(), true);
    }
    model.backbone().applyFreezing();
    return model;
  }

  /**
   * Checks the files a run of {@code spec} reads, before anything is written: the starting weights,
   * and every training and validation image whole ({@link DetectionDataset#checkImageFiles}). A
   * lottery calls this before it creates its experiment folder.
   *
   * @throws BadInputException naming the file (and the annotation record of an image)
   */
  public static void checkInputs(Spec spec) {
    checkInputs(spec, trainingSet(spec), validationSet(spec));
  }

  /**
   * As {@link #checkInputs(Spec)}, on the spec's training and validation sets already open ({@link
   * #trainingSet}, {@link #validationSet}: {@code val} null when the spec has none).
   */
  public static void checkInputs(Spec spec, DetectionDataset train, DetectionDataset val) {
    requireData(spec, train, val, true);
    checkFiles(spec, train, val);
  }

  /**
   * Refuses data opened for another spec: {@code train} (and, when {@code withVal}, {@code val})
   * must be this spec's sets, opened with its task's options.
   */
  private static void requireData(Spec spec, DetectionDataset train, DetectionDataset val, boolean withVal) {
    DetectorSpec.Task task = spec.model().task();
    if (!train.annotationFile().equals(spec.trainAnnotations()) || !train.options().equals(options(task, true))) {
      throw new IllegalArgumentException("training set " + train.annotationFile() + " (" + train.options()
          + ") is not the one of this run: " + spec.trainAnnotations() + " (" + options(task, true) + ")");
    }
    if (!withVal) {
      return;
    }
    if (spec.valAnnotations() == null ? val != null
        : val == null || !val.annotationFile().equals(spec.valAnnotations()) || !val.options().equals(options(task, false))) {
      throw new IllegalArgumentException("validation set " + (val == null ? null : val.annotationFile())
          + " is not the one of this run: " + spec.valAnnotations());
    }
  }

  private static void checkFiles(Spec spec, DetectionDataset train, DetectionDataset val) {
    if (spec.initWeights() != null) {
      InputFiles.requireFile(spec.initWeights());
    }
    train.checkImageFiles();
    if (val != null) {
      val.checkImageFiles();
    }
  }

  /** Trains (or resumes) {@code spec} in {@code dir}. */
  public static Result run(Spec spec, Path dir, PrintStream progress) throws IOException {
    return run(spec, dir, null, null, progress);
  }

  /**
   * Trains (or resumes) {@code spec} in {@code dir}: from the latest checkpoint there if any, else
   * from {@code start}, else from the spec's weights; with {@code mask} in force when not null.
   */
  public static Result run(Spec spec, Path dir, Start start, Mask mask, PrintStream progress) throws IOException {
    return run(spec, dir, start, mask, progress, Engines.devices());
  }

  /**
   * As {@link #run(Spec, Path, Start, Mask, PrintStream)}, on {@code devices}: the model lives on
   * the first; with several, each iteration's {@code accumulate} forward passes are shared between
   * copies of the model on all of them (data parallel; the same iteration as on one device, up to
   * float rounding), and validation shares its batches between them.
   */
  public static Result run(Spec spec, Path dir, Start start, Mask mask, PrintStream progress, List<Device> devices)
      throws IOException {
    checkDevices(spec, devices);
    return train(spec, trainingSet(spec), validationSet(spec), dir, start, mask, progress, devices);
  }

  /**
   * As {@link #run(Spec, Path, Start, Mask, PrintStream)}, on the spec's training and validation
   * sets already open ({@link #trainingSet}, {@link #validationSet}: {@code val} null when the spec
   * has none), so that a lottery parses its json files once for all its levels.
   */
  public static Result run(Spec spec, DetectionDataset train, DetectionDataset val, Path dir, Start start, Mask mask,
      PrintStream progress) throws IOException {
    return run(spec, train, val, dir, start, mask, progress, Engines.devices());
  }

  /** As {@link #run(Spec, DetectionDataset, DetectionDataset, Path, Start, Mask, PrintStream)}, on {@code devices}. */
  public static Result run(Spec spec, DetectionDataset train, DetectionDataset val, Path dir, Start start, Mask mask,
      PrintStream progress, List<Device> devices) throws IOException {
    checkDevices(spec, devices);
    requireData(spec, train, val, true);
    return train(spec, train, val, dir, start, mask, progress, devices);
  }

  private static void checkDevices(Spec spec, List<Device> devices) {
    if (devices.isEmpty()) {
      throw new IllegalArgumentException("no device");
    }
    if (devices.size() > spec.accumulate()) {
      throw BadInputException.of(null, null, "--device", devices.size() + " devices",
          "need at least as many forward passes per iteration: use --accumulate " + devices.size()
              + " or more (training.accumulate in a lottery config; each device forwards --batch images at a time)");
    }
  }

  private static Result train(Spec spec, DetectionDataset train, DetectionDataset val, Path dir, Start start, Mask mask,
      PrintStream progress, List<Device> devices) throws IOException {
    if (spec.model().numClasses() != train.numClasses() + 1) {
      throw BadInputException.of(spec.trainAnnotations(), null, "categories", train.numClasses(),
          "the model has " + (spec.model().numClasses() - 1) + " classes (plus background)");
    }
    if (val != null && !val.classes().equals(train.classes())) {
      throw BadInputException.of(spec.valAnnotations(), null, "categories", val.classes().size() + " categories",
          "differ from the training set's " + train.classes().size() + " categories in " + spec.trainAnnotations());
    }
    DetectionData data = new DetectionData(train, spec.imagesPerIteration(), spec.seed(), spec.flip());
    long perEpoch = data.iterationsPerEpoch();
    long total = spec.length().toIterations(perEpoch);
    if (total < 1) {
      throw BadInputException.of(null, null, "--iterations", spec.length(), "must be at least one iteration");
    }
    TreeSet<Long> points = new TreeSet<>();
    for (Step s : spec.checkpointAt()) {
      long p = s.toIterations(perEpoch);
      if (p > total || p < 0) {
        throw BadInputException.of(null, null, "--checkpoint-at", p + "it", "after the end of training (" + total + "it)");
      }
      points.add(p);
    }
    TreeSet<Long> evalPoints = new TreeSet<>();
    if (val != null && spec.evalEvery() != null) {
      long every = spec.evalEvery().toIterations(perEpoch);
      if (every < 1) {
        throw BadInputException.of(null, null, "--eval-every", spec.evalEvery(), "must be at least one iteration");
      }
      for (long p = every; p < total; p += every) {
        evalPoints.add(p);
      }
    }
    if (val != null) {
      evalPoints.add(total);
    }
    points.addAll(evalPoints);
    points.add(total);
    long[] milestones = spec.milestones().stream().mapToLong(s -> s.toIterations(perEpoch)).toArray();
    LrSchedule schedule =
        LrSchedule.multiStep(spec.lr(), spec.warmup().toIterations(perEpoch), spec.warmupFactor(), 0.1, milestones);

    if (!Files.isDirectory(dir)) { // a new run folder: its inputs checked before it is created
      checkFiles(spec, train, val);
    }
    Files.createDirectories(dir);
    new DetectorModelFile(spec.model(), train.classes()).write(dir);
    AtomicFiles.removeStaleTemporaries(dir); // of a killed earlier run
    Provenance.Session session = Provenance.capture(spec.seed());
    Provenance.started(dir, session);
    Engine engine = Engines.pytorch();
    engine.setRandomSeed((int) spec.seed());
    try (NDManager manager = engine.newBaseManager(devices.get(0))) {
      Map.Entry<Long, Path> latest = RunFolder.latestCheckpoint(dir);
      GeneralizedRcnn model =
          build(spec.model(), manager, latest == null && start == null ? spec.initWeights() : null);
      Sgd sgd = DetectionTrainer.optimizer(model, spec.momentum(), spec.weightDecay());
      long from = 0;
      if (latest != null) {
        TicketCheckpoint ck = TicketCheckpoint.read(latest.getValue());
        Weights.load(model, ck.weights().toFloatTensors(), latest.getValue().toString(), true);
        sgd.loadMomentumBuffers(RunFolder.momentumOf(ck));
        from = ck.step();
      } else if (start != null) {
        if (start.partial()) {
          Weights.LoadReport report = Weights.load(model, start.weights(), "transferred weights", false);
          if (!report.unexpected().isEmpty() || !report.misShaped().isEmpty()) {
            throw new IllegalArgumentException("transferred weights do not fit: " + report);
          }
        } else {
          Weights.load(model, start.weights(), "rewind point", true);
        }
        if (start.momentum() != null) {
          sgd.loadMomentumBuffers(start.momentum());
        }
        from = start.iteration();
      }
      List<StepHook> hooks = new ArrayList<>();
      if (mask != null) {
        MaskHook hook = new MaskHook(ModelParameters.of(model), mask, manager);
        hook.apply();
        hooks.add(hook);
      }
      if (latest == null && points.contains(from)) {
        // the starting point itself (iteration 0, or a lottery level's rewind point with its mask applied)
        RunFolder.save(dir, model, sgd, from, mask);
      }
      // one copy of the model per device, holding the primary's values (data parallel)
      List<DetectionTrainer.OnDevice> copies = new ArrayList<>();
      copies.add(new DetectionTrainer.OnDevice(manager, model));
      for (Device d : devices.subList(1, devices.size())) {
        NDManager m = manager.newSubManager(d);
        GeneralizedRcnn copy = build(spec.model(), m, null);
        ModelParameters.copyValues(ModelParameters.of(model), ModelParameters.of(copy));
        copies.add(new DetectionTrainer.OnDevice(m, copy));
      }
      List<TrainingLoop.Record> log = new ArrayList<>(RunFolder.readMetrics(dir, from, "loss"));
      Validation validation = new Validation(dir, val, spec, perEpoch);
      validation.catchUp(copies, from);
      TrainingLoop.Builder<DetectionBatch> builder =
          TrainingLoop.<DetectionBatch>builder()
              .setManager(manager)
              .setOptimizer(sgd)
              .setSchedule(schedule)
              .setLossFunction(lossOf(model))
              .optMicroBatches(batch -> batch.split(spec.accumulate()))
              .optCheckpoints(
                  (iteration, optimizer) -> {
                    // metrics first: whenever a checkpoint exists, the metrics up to it exist too
                    RunFolder.writeMetrics(dir, log);
                    RunFolder.save(dir, model, optimizer, iteration, mask);
                  },
                  points.stream().mapToLong(Long::longValue).toArray())
              .optProgress(progress, "train " + spec.model().task().cliName())
              .optRecordListener(log::add);
      hooks.forEach(builder::addHook);
      if (copies.size() > 1) {
        List<TrainingLoop.Replica<DetectionBatch>> replicas = new ArrayList<>();
        for (DetectionTrainer.OnDevice c : copies.subList(1, copies.size())) {
          replicas.add(new TrainingLoop.Replica<>(c.manager(), ModelParameters.of(c.model()), lossOf(c.model())));
        }
        builder.optDataParallel(ModelParameters.of(model), ModelParameters.updatedRunningStatistics(model), replicas,
            (part, m) -> part.to(m));
      }
      TrainingLoop<DetectionBatch> loop = builder.build();
      long at = from;
      while (at < total) {
        Long next = evalPoints.higher(at);
        long to = next == null ? total : next;
        loop.run(data, at, to);
        at = to;
        validation.catchUp(copies, at);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (val != null) {
        metrics = validation.finish(copies, total);
      }
      Provenance.finished(dir, session);
      return new Result(from, total, metrics);
    }
  }

  /** The training loss terms of {@code model} on a batch. */
  private static TrainingLoop.LossFunction<DetectionBatch> lossOf(GeneralizedRcnn model) {
    return (ps, batch) -> Losses.of(model.losses(ps, batch.images(), batch.targets(), batch.random()));
  }

  /** validation.csv, eval.json and results.json of a run. */
  private static final class Validation {
    private final Path dir;
    private final DetectionDataset val;
    private final Spec spec;
    private final long perEpoch;

    Validation(Path dir, DetectionDataset val, Spec spec, long perEpoch) {
      this.dir = dir;
      this.val = val;
      this.spec = spec;
      this.perEpoch = perEpoch;
    }

    /** Evaluates at {@code iteration} unless validation.csv already has that row. */
    void catchUp(List<DetectionTrainer.OnDevice> copies, long iteration) throws IOException {
      if (val == null || iteration == 0 || spec.evalEvery() == null || rows().containsKey(iteration)) {
        return;
      }
      evaluate(copies, iteration);
    }

    Map<String, Double> finish(List<DetectionTrainer.OnDevice> copies, long total) throws IOException {
      Map<String, Double> row = rows().get(total);
      if (row == null || !Files.exists(dir.resolve("eval.json"))) {
        evaluate(copies, total);
      }
      // read back on every path, so that a resumed run reports what an uninterrupted one does
      return rows().get(total);
    }

    private Map<String, Double> evaluate(List<DetectionTrainer.OnDevice> copies, long iteration) throws IOException {
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("epoch", (double) iteration / perEpoch);
      Map<String, Double> loss = DetectionTrainer.validationLoss(copies, val, spec.batchSize(), spec.seed());
      loss.forEach((k, v) -> row.put("val_" + k, v));
      long total = spec.length().toIterations(perEpoch);
      if (iteration != total && spec.apEvery() != null && iteration % Math.max(1, spec.apEvery().toIterations(perEpoch)) != 0) {
        // validation loss only here (training.ap_every); the AP columns read NaN in this row
        Map<Long, Map<String, Double>> rows = rows();
        rows.put(iteration, row);
        writeRows(rows);
        return row;
      }
      List<CocoResult> results = DetectionTrainer.predict(copies, val, val::categoryIdOf, spec.batchSize(), null);
      Map<IouType, Evaluation> evaluations = new LinkedHashMap<>();
      for (IouType t : iouTypes(spec.model().task())) {
        Evaluation e = DetectionTrainer.evaluate(val, results, t);
        evaluations.put(t, e);
        row.put(t.cocoName() + "/AP", e.stat("AP"));
        row.put(t.cocoName() + "/AP50", e.stat("AP50"));
        row.put(t.cocoName() + "/AP75", e.stat("AP75"));
      }
      Map<Long, Map<String, Double>> rows = rows();
      rows.put(iteration, row);
      writeRows(rows);
      if (iteration == total) {
        CocoWriter.writeResults(dir.resolve("results.json"), results);
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("iteration", iteration);
        // where the ground truth was, so that a report finds it wherever the config lay
        eval.put("ground_truth", spec.valAnnotations().toAbsolutePath().normalize().toString());
        evaluations.forEach((t, e) -> eval.put(t.cocoName(), e.stats()));
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(eval);
        AtomicFiles.writeString(dir.resolve("eval.json"), json + "\n");
      }
      return row;
    }

    private Map<Long, Map<String, Double>> rows() throws IOException {
      Path f = dir.resolve("validation.csv");
      Map<Long, Map<String, Double>> rows = new java.util.TreeMap<>();
      if (!Files.exists(f)) {
        return rows;
      }
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return rows;
      }
      String[] header = lines.get(0).split(",", -1);
      for (String line : lines.subList(1, lines.size())) {
        String[] parts = line.split(",", -1);
        if (parts.length != header.length) {
          continue;
        }
        Map<String, Double> row = new LinkedHashMap<>();
        for (int c = 1; c < header.length; c++) {
          row.put(header[c], Double.parseDouble(parts[c]));
        }
        rows.put(Long.parseLong(parts[0]), row);
      }
      return rows;
    }

    private void writeRows(Map<Long, Map<String, Double>> rows) throws IOException {
      List<String> columns = new ArrayList<>();
      rows.values().forEach(r -> r.keySet().forEach(k -> {
        if (!columns.contains(k)) {
          columns.add(k);
        }
      }));
      StringBuilder sb = new StringBuilder("iteration");
      columns.forEach(c -> sb.append(',').append(c));
      sb.append('\n');
      rows.forEach((it, r) -> {
        sb.append(it);
        for (String c : columns) {
          Double v = r.get(c);
          sb.append(',').append(v == null ? "NaN" : Double.toString(v)); // exact: read back as written
        }
        sb.append('\n');
      });
      AtomicFiles.writeString(dir.resolve("validation.csv"), sb.toString());
    }
  }
}
