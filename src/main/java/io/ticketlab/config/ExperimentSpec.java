package io.ticketlab.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticketlab.common.BadInputException;
import io.ticketlab.prune.PrunableSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An experiment with every default applied and every value checked: what a run folder means. Both
 * {@code ticketlab train …} (flags) and {@code ticketlab lottery} (a config file) go through {@link
 * #resolve}, so a flag and the same key mean the same thing with the same default ({@link Defaults}).
 * The run id hashes the canonical form of this resolved spec plus {@link #VERSION}: writing a
 * default and leaving it out give the same folder.
 *
 * <p>Keys that a task does not have are null (a classifier has no {@code model.variant}, a
 * detector no {@code training.size}); {@code pruning} is null for a plain training run.
 *
 * @param version the spec version this was resolved under ({@link #VERSION})
 * @param replicates how many seeds; not part of the run id (replicates are sub-folders of one run)
 * @param earlyBird fractions of training at which level 0 also saves checkpoints (early-bird masks)
 * @param transfer a ticket transfer (then {@code pruning} and {@code rewind} are null), or null
 */
public record ExperimentSpec(
    int version,
    Task task,
    Data data,
    Model model,
    Training training,
    Pruning pruning,
    Rewind rewind,
    @JsonIgnore int replicates,
    long seed,
    List<Double> earlyBird,
    Transfer transfer) {

  /**
   * Version of the resolved form. 2: defaults resolved before hashing (TicketLab 0.1 hashed the
   * config as written, see {@link #legacyRunId}).
   */
  public static final int VERSION = 2;

  /** Data: image folders (classify) or COCO jsons and their image folders (detectors), as written. */
  public record Data(String train, String val, String trainImages, String valImages) {}

  /** The network. Detector-only fields are null for classifiers. */
  public record Model(
      String arch,
      double width,
      String variant,
      Integer fpnChannels,
      Integer headWidth,
      List<Integer> minSize,
      Integer maxSize,
      Integer trainableLayers,
      Boolean scratch,
      Integer numClasses,
      String weights,
      Integer roiSamples) {

    /** ResNet depth: 18, 34, 50 or 101. */
    @JsonIgnore
    public int depth() {
      return Integer.parseInt(arch.substring("resnet".length()));
    }
  }

  /**
   * The schedule. {@code size} is classification only; {@code warmupFactor}, {@code evalEvery}
   * (null: evaluate at the end only), {@code apEvery} (COCO AP at the evaluation points that are
   * multiples of it and at the end; null: at every evaluation point), {@code flip} and {@code
   * accumulate} are detector only.
   */
  public record Training(
      Step iterations,
      int batch,
      Integer size,
      double lr,
      double momentum,
      double weightDecay,
      Step warmup,
      String schedule,
      List<Step> milestones,
      Double warmupFactor,
      Step evalEvery,
      Boolean flip,
      Integer accumulate,
      @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ImageNetCropScale.class) Double cropScale,
      Step apEvery) {

    /**
     * A classifier's crop scale defaults to ImageNet's when absent (a {@code spec.json} written before
     * the key existed, or at the default, which the canonical JSON leaves out so that run ids stand).
     */
    public Training {
      if (cropScale == null && size != null) {
        cropScale = Defaults.CROP_SCALE;
      }
    }

    @JsonIgnore
    public boolean cosine() {
      return schedule.equals("cosine");
    }
  }

  /** Pruning: a target {@code sparsity} in {@code rounds} (2 = one-shot), or a {@code fraction} per level. */
  public record Pruning(
      String preset,
      List<String> include,
      List<String> exclude,
      String strategy,
      Double sparsity,
      Integer rounds,
      Double fraction,
      Integer levels) {

    @JsonIgnore
    public boolean layerwise() {
      return strategy.equals("layerwise");
    }

    /** The prunable set these settings select. */
    public PrunableSet prunableSet() {
      return PrunableSet.of(preset, include, exclude);
    }
  }

  /** Leaves {@code training.crop_scale} out of the canonical JSON at its default (Jackson's value filter). */
  static final class ImageNetCropScale {
    @Override
    public boolean equals(Object value) {
      return value == null || Double.valueOf(Defaults.CROP_SCALE).equals(value);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /** Late resetting: rewind to the weights at {@code at} (0it = the original lottery ticket). */
  public record Rewind(Step at, boolean optimizer) {}

  /**
   * A ticket transfer: {@code kind} {@link #IMAGENET_TICKET}, {@link #MASK} or {@link #TASK},
   * {@code source} as written (relative to the config's folder), {@code prune} the mask transfer's
   * fraction p, {@code maskOnly} whether a cross-task transfer leaves the values behind (task only).
   */
  public record Transfer(String kind, String source, Double prune, Boolean maskOnly) {
    public static final String IMAGENET_TICKET = "imagenet-ticket";
    public static final String MASK = "mask";
    public static final String TASK = "task";
  }

  /** The defaults, one table per task (README "Experiment defaults" shows the same values). */
  public static final class Defaults {
    private Defaults() {}

    public static final String ARCH = "resnet18";
    public static final double WIDTH = 1.0;
    public static final String CLASSIFY_ITERATIONS = "90ep";
    public static final int CLASSIFY_BATCH = 32;
    public static final int CLASSIFY_SIZE = 224;
    /** RandomResizedCrop's smallest area fraction (torchvision's ImageNet recipe). */
    public static final double CROP_SCALE = 0.08;
    public static final double CLASSIFY_LR = 0.1;
    public static final String CLASSIFY_WARMUP = "0it";
    public static final String CLASSIFY_SCHEDULE = "step";
    public static final List<String> CLASSIFY_MILESTONES = List.of("30ep", "60ep");
    public static final String CLASSIFY_MILESTONES_TEXT = "30ep,60ep (with schedule step)";
    public static final String DETECT_ITERATIONS = "12ep";
    public static final int DETECT_BATCH = 2;
    public static final double DETECT_LR = 0.02;
    public static final String DETECT_WARMUP = "1000it";
    public static final double WARMUP_FACTOR = 0.001;
    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 1e-4;
    public static final String VARIANT = "fpn";
    public static final int FPN_CHANNELS = 256;
    public static final int HEAD_WIDTH = 1024;
    public static final int MIN_SIZE = 800;
    public static final int MAX_SIZE = 1333;
    public static final int TRAINABLE_LAYERS = 3;
    public static final int ROI_SAMPLES = 512;
    public static final int ACCUMULATE = 1;
    public static final String CLASSIFY_PRESET = "classifier-convs";
    public static final String DETECT_PRESET = "paper-coco";
    public static final String STRATEGY = "global";
    public static final int ROUNDS = 2;
    public static final String REWIND_AT = "0it";
    public static final long SEED = 0;
  }

  private static final Pattern ARCH = Pattern.compile("resnet(18|34|50|101)");

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /** Resolves a lottery experiment: {@code pruning} is required. */
  public static ExperimentSpec resolve(ExperimentConfig c, ConfigKeys keys) {
    return resolve(c, keys, true);
  }

  /** Resolves a plain training run ({@code ticketlab train …}): no pruning, no rewinding. */
  public static ExperimentSpec resolveTraining(ExperimentConfig c, ConfigKeys keys) {
    return resolve(c, keys, false);
  }

  private static ExperimentSpec resolve(ExperimentConfig c, ConfigKeys keys, boolean experiment) {
    Task task = c.task() == null ? Task.CLASSIFY : Task.parseOrNull(c.task());
    if (task == null) {
      throw keys.bad("task", c.task(), "expected classify, det, seg or kp");
    }
    boolean det = task.isDetector();
    ExperimentConfig.Data d = c.data();
    if (d == null || d.train() == null) {
      throw keys.bad("data.train", null, det ? "missing: the training set's COCO json" : "missing: the training image folder");
    }
    ExperimentConfig.Model m = c.model() == null ? emptyModel() : c.model();
    ExperimentConfig.Training t = c.training() == null ? emptyTraining() : c.training();
    if (!det) {
      refuseDetectorKeys(d, m, t, keys);
    } else if (t.size() != null) {
      throw keys.bad("training.size", t.size(), "classification only; detectors take model.min_size and model.max_size");
    }
    Data data = new Data(
        normal(d.train(), "data.train", keys), normal(d.val(), "data.val", keys),
        det ? imagesOf(d.trainImages(), "data.train_images", d.train(), keys) : null,
        det && d.val() != null ? imagesOf(d.valImages(), "data.val_images", d.val(), keys) : null);
    if (det && d.val() == null && d.valImages() != null) {
      throw keys.bad("data.val_images", d.valImages(), "given without data.val");
    }
    Model model = model(m, det, keys);
    Training training = training(t, det, keys);
    Pruning pruning = null;
    Rewind rewind = null;
    List<Double> earlyBird = List.of();
    Transfer transfer = null;
    if (experiment && c.transfer() != null) {
      transfer = transfer(c, det, keys);
    } else if (experiment) {
      pruning = pruning(c.pruning(), det, keys);
      ExperimentConfig.Rewind r = c.rewind();
      rewind = new Rewind(
          step(r == null || r.at() == null ? Defaults.REWIND_AT : r.at(), "rewind.at", keys),
          r != null && Boolean.TRUE.equals(r.optimizer()));
      if (c.earlyBird() != null && c.earlyBird().fractions() != null) {
        List<Double> f = new ArrayList<>();
        for (int i = 0; i < c.earlyBird().fractions().size(); i++) {
          Double v = c.earlyBird().fractions().get(i);
          if (v == null || !(v > 0 && v <= 1)) {
            throw keys.bad("early_bird.fractions[" + i + "]", v, "each must be in (0, 1]");
          }
          f.add(v);
        }
        earlyBird = List.copyOf(f);
      }
    } else {
      for (String k : new String[] {"pruning", "rewind", "early_bird", "replicates", "transfer"}) {
        Object v = switch (k) {
          case "pruning" -> c.pruning();
          case "rewind" -> c.rewind();
          case "early_bird" -> c.earlyBird();
          case "transfer" -> c.transfer();
          default -> c.replicates();
        };
        if (v != null) {
          throw keys.bad(k, null, "only for lottery experiments (ticketlab lottery)");
        }
      }
    }
    int replicates = c.replicates() == null ? 1 : c.replicates();
    if (replicates < 1) {
      throw keys.bad("replicates", replicates, "must be at least 1");
    }
    long seed = c.seed() == null ? Defaults.SEED : c.seed();
    return new ExperimentSpec(VERSION, task, data, model, training, pruning, rewind, replicates, seed, earlyBird,
        transfer);
  }

  private static Transfer transfer(ExperimentConfig c, boolean det, ConfigKeys keys) {
    ExperimentConfig.Transfer t = c.transfer();
    if (!det) {
      throw keys.bad("transfer", null, "transfers go into detectors (task: det, seg or kp)");
    }
    for (Object[] kv : new Object[][] {{"pruning", c.pruning()}, {"rewind", c.rewind()}, {"early_bird", c.earlyBird()}}) {
      if (kv[1] != null) {
        throw keys.bad((String) kv[0], null, "not with transfer: a transfer's mask comes from its source");
      }
    }
    String kind = t.kind() == null ? null : t.kind().strip().toLowerCase(Locale.ROOT);
    if (!Transfer.IMAGENET_TICKET.equals(kind) && !Transfer.MASK.equals(kind) && !Transfer.TASK.equals(kind)) {
      throw keys.bad("transfer.kind", t.kind(), "expected imagenet-ticket, mask or task");
    }
    if (!Transfer.TASK.equals(kind) && t.maskOnly() != null) {
      throw keys.bad("transfer.mask_only", t.maskOnly(), "only for kind task (a cross-task transfer)");
    }
    if (t.source() == null) {
      throw keys.bad("transfer.source", null, "missing: the ticket or pretrained checkpoint");
    }
    if (kind.equals(Transfer.MASK)) {
      if (t.prune() == null || !(t.prune() >= 0 && t.prune() < 1)) {
        throw keys.bad("transfer.prune", t.prune(), "give the share of the backbone's prunable convs to zero, in [0, 1)");
      }
    } else if (t.prune() != null) {
      throw keys.bad("transfer.prune", t.prune(), "only for kind mask: an ImageNet ticket brings its own zeros");
    }
    return new Transfer(kind, normal(t.source(), "transfer.source", keys), t.prune(),
        Transfer.TASK.equals(kind) ? Boolean.TRUE.equals(t.maskOnly()) : null);
  }

  private static ExperimentConfig.Model emptyModel() {
    return new ExperimentConfig.Model(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static ExperimentConfig.Training emptyTraining() {
    return new ExperimentConfig.Training(null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  /** The keys a classification experiment refuses (with {@code transfer}, detectors only). */
  public static final List<String> DETECTOR_ONLY_KEYS = List.of(
      "data.train_images", "data.val_images", "model.variant", "model.fpn_channels", "model.head_width",
      "model.min_size", "model.max_size", "model.trainable_layers", "model.scratch", "model.num_classes",
      "model.roi_samples", "training.warmup_factor", "training.eval_every", "training.flip", "training.accumulate",
      "training.ap_every");

  /** The keys a detector experiment refuses. */
  public static final List<String> CLASSIFY_ONLY_KEYS = List.of("training.size", "training.crop_scale");

  private static void refuseDetectorKeys(
      ExperimentConfig.Data d, ExperimentConfig.Model m, ExperimentConfig.Training t, ConfigKeys keys) {
    // in the order of DETECTOR_ONLY_KEYS
    Object[] values = {
      d.trainImages(), d.valImages(), m.variant(), m.fpnChannels(), m.headWidth(), m.minSize(), m.maxSize(),
      m.trainableLayers(), m.scratch(), m.numClasses(), m.roiSamples(), t.warmupFactor(), t.evalEvery(), t.flip(),
      t.accumulate(), t.apEvery(),
    };
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        throw keys.bad(DETECTOR_ONLY_KEYS.get(i), values[i], "only for detector tasks (task: det, seg or kp)");
      }
    }
  }

  private static Model model(ExperimentConfig.Model m, boolean det, ConfigKeys keys) {
    String arch = m.arch() == null ? Defaults.ARCH : m.arch().strip().toLowerCase(Locale.ROOT).replace("-", "");
    if (!ARCH.matcher(arch).matches()) {
      throw keys.bad("model.arch", m.arch(), "expected resnet18, resnet34, resnet50 or resnet101");
    }
    double width = m.width() == null ? Defaults.WIDTH : m.width();
    if (!(width > 0) || Double.isInfinite(width)) {
      throw keys.bad("model.width", m.width(), "must be a positive multiplier (1.0 = torchvision's widths)");
    }
    String weights = normal(m.weights(), "model.weights", keys);
    if (!det) {
      return new Model(arch, width, null, null, null, null, null, null, null, null, weights, null);
    }
    String variant = m.variant() == null ? Defaults.VARIANT : m.variant().strip().toLowerCase(Locale.ROOT);
    if (!variant.equals("fpn") && !variant.equals("c4")) {
      throw keys.bad("model.variant", m.variant(), "expected fpn or c4");
    }
    int fpn = atLeast(m.fpnChannels(), Defaults.FPN_CHANNELS, 1, "model.fpn_channels", keys);
    int head = atLeast(m.headWidth(), Defaults.HEAD_WIDTH, 1, "model.head_width", keys);
    List<Integer> minSize = m.minSize() == null ? List.of(Defaults.MIN_SIZE) : List.copyOf(m.minSize());
    if (minSize.isEmpty()) {
      throw keys.bad("model.min_size", "[]", "give at least one short side");
    }
    for (int i = 0; i < minSize.size(); i++) {
      if (minSize.get(i) == null || minSize.get(i) < 1) {
        throw keys.bad("model.min_size[" + i + "]", minSize.get(i), "must be a positive number of pixels");
      }
    }
    int maxSize = atLeast(m.maxSize(), Defaults.MAX_SIZE, 1, "model.max_size", keys);
    int trainable = m.trainableLayers() == null ? Defaults.TRAINABLE_LAYERS : m.trainableLayers();
    if (trainable < 0 || trainable > 5) {
      throw keys.bad("model.trainable_layers", trainable, "expected 0..5 trainable layers (ResNet stages)");
    }
    Integer numClasses = m.numClasses();
    if (numClasses != null && numClasses < 1) {
      throw keys.bad("model.num_classes", numClasses, "must be at least 1 (background not counted)");
    }
    int roi = atLeast(m.roiSamples(), Defaults.ROI_SAMPLES, 1, "model.roi_samples", keys);
    return new Model(arch, width, variant, fpn, head, minSize, maxSize, trainable, Boolean.TRUE.equals(m.scratch()),
        numClasses, weights, roi);
  }

  private static Training training(ExperimentConfig.Training t, boolean det, ConfigKeys keys) {
    Step iterations = step(
        t.iterations() == null ? (det ? Defaults.DETECT_ITERATIONS : Defaults.CLASSIFY_ITERATIONS) : t.iterations(),
        "training.iterations", keys);
    int batch = atLeast(t.batch(), det ? Defaults.DETECT_BATCH : Defaults.CLASSIFY_BATCH, 1, "training.batch", keys);
    Integer size = det ? null : atLeast(t.size(), Defaults.CLASSIFY_SIZE, 16, "training.size", keys);
    double lr = positive(t.lr(), det ? Defaults.DETECT_LR : Defaults.CLASSIFY_LR, "training.lr", keys);
    double momentum = t.momentum() == null ? Defaults.MOMENTUM : t.momentum();
    if (!(momentum >= 0 && momentum < 1)) {
      throw keys.bad("training.momentum", t.momentum(), "must be in [0, 1)");
    }
    double weightDecay = t.weightDecay() == null ? Defaults.WEIGHT_DECAY : t.weightDecay();
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw keys.bad("training.weight_decay", t.weightDecay(), "must be 0 or more");
    }
    Step warmup = step(t.warmup() == null ? (det ? Defaults.DETECT_WARMUP : Defaults.CLASSIFY_WARMUP) : t.warmup(),
        "training.warmup", keys);
    String schedule = t.schedule() == null ? "step" : t.schedule().strip().toLowerCase(Locale.ROOT);
    if (!schedule.equals("step") && !schedule.equals("cosine")) {
      throw keys.bad("training.schedule", t.schedule(), "expected cosine or step");
    }
    if (det && !schedule.equals("step")) {
      throw keys.bad("training.schedule", t.schedule(), "detectors train with the step schedule (x0.1 at each milestone)");
    }
    List<Step> milestones = new ArrayList<>();
    if (t.milestones() != null) {
      if (schedule.equals("cosine") && !t.milestones().isEmpty()) {
        throw keys.bad("training.milestones", t.milestones(), "only with schedule: step");
      }
      for (int i = 0; i < t.milestones().size(); i++) {
        milestones.add(step(t.milestones().get(i), "training.milestones[" + i + "]", keys));
      }
    } else if (!det && schedule.equals("step")) {
      Defaults.CLASSIFY_MILESTONES.forEach(s -> milestones.add(Step.parse(s)));
    }
    if (!det) {
      double cropScale = t.cropScale() == null ? Defaults.CROP_SCALE : t.cropScale();
      if (!(cropScale > 0 && cropScale <= 1)) {
        throw keys.bad("training.crop_scale", t.cropScale(), "must be in (0, 1]: the smallest area fraction of a"
            + " training crop");
      }
      return new Training(iterations, batch, size, lr, momentum, weightDecay, warmup, schedule, List.copyOf(milestones),
          null, null, null, null, cropScale, null);
    }
    if (t.cropScale() != null) {
      throw keys.bad("training.crop_scale", t.cropScale(), "classification only (RandomResizedCrop)");
    }
    double warmupFactor = t.warmupFactor() == null ? Defaults.WARMUP_FACTOR : t.warmupFactor();
    if (!(warmupFactor > 0 && warmupFactor <= 1)) {
      throw keys.bad("training.warmup_factor", t.warmupFactor(), "must be in (0, 1]");
    }
    Step evalEvery = t.evalEvery() == null || t.evalEvery().strip().equalsIgnoreCase("end")
        ? null
        : step(t.evalEvery(), "training.eval_every", keys);
    if (evalEvery != null && evalEvery.epochs() == 0 && evalEvery.iterations() == 0) {
      throw keys.bad("training.eval_every", t.evalEvery(), "must be a positive interval, or 'end'");
    }
    int accumulate = atLeast(t.accumulate(), Defaults.ACCUMULATE, 1, "training.accumulate", keys);
    // COCO AP where the interval falls on an evaluation point, and always at the end ("end": the
    // training length itself); absent: at every evaluation point, and left out of the run id
    Step apEvery = t.apEvery() == null ? null
        : t.apEvery().strip().equalsIgnoreCase("end") ? iterations : step(t.apEvery(), "training.ap_every", keys);
    if (apEvery != null && apEvery.epochs() == 0 && apEvery.iterations() == 0) {
      throw keys.bad("training.ap_every", t.apEvery(), "must be a positive interval, or 'end'");
    }
    return new Training(iterations, batch, null, lr, momentum, weightDecay, warmup, schedule, List.copyOf(milestones),
        warmupFactor, evalEvery, t.flip() == null || t.flip(), accumulate, null, apEvery);
  }

  private static Pruning pruning(ExperimentConfig.Pruning p, boolean det, ConfigKeys keys) {
    if (p == null) {
      throw keys.bad("pruning", null, "missing: give pruning.sparsity (with rounds) or pruning.fraction (with levels)");
    }
    String preset = p.preset() == null ? (det ? Defaults.DETECT_PRESET : Defaults.CLASSIFY_PRESET)
        : p.preset().strip().toLowerCase(Locale.ROOT);
    List<String> include = p.include() == null ? List.of() : List.copyOf(p.include());
    List<String> exclude = p.exclude() == null ? List.of() : List.copyOf(p.exclude());
    try {
      PrunableSet.of(preset, include, exclude);
    } catch (BadInputException e) {
      throw keys.bad("pruning.preset", p.preset(), e.getMessage());
    }
    String strategy = p.strategy() == null ? Defaults.STRATEGY : p.strategy().strip().toLowerCase(Locale.ROOT);
    if (!strategy.equals("global") && !strategy.equals("layerwise")) {
      throw keys.bad("pruning.strategy", p.strategy(), "expected global or layerwise");
    }
    if (p.sparsity() != null && p.fraction() != null) {
      throw keys.bad("pruning.fraction", p.fraction(), "give pruning.sparsity (with rounds) or pruning.fraction, not both");
    }
    if (p.sparsity() == null && p.fraction() == null) {
      throw keys.bad("pruning.sparsity", null, "give a target sparsity (with rounds) or a fraction per level");
    }
    if (p.sparsity() != null) {
      if (!(p.sparsity() >= 0 && p.sparsity() < 1)) {
        throw keys.bad("pruning.sparsity", p.sparsity(), "must be in [0, 1): 0.8 prunes 80%");
      }
      if (p.levels() != null) {
        throw keys.bad("pruning.levels", p.levels(), "only with pruning.fraction; with a sparsity, rounds set the levels");
      }
      int rounds = atLeast(p.rounds(), Defaults.ROUNDS, 2, "pruning.rounds", keys);
      return new Pruning(preset, include, exclude, strategy, p.sparsity(), rounds, null, null);
    }
    if (!(p.fraction() > 0 && p.fraction() < 1)) {
      throw keys.bad("pruning.fraction", p.fraction(), "must be in (0, 1)");
    }
    if (p.rounds() != null) {
      throw keys.bad("pruning.rounds", p.rounds(), "only with pruning.sparsity; with a fraction, levels set the levels");
    }
    Integer levels = p.levels();
    if (levels != null && levels < 1) {
      throw keys.bad("pruning.levels", levels, "must be at least 1");
    }
    return new Pruning(preset, include, exclude, strategy, null, null, p.fraction(), levels);
  }

  private static int atLeast(Integer value, int fallback, int min, String key, ConfigKeys keys) {
    int v = value == null ? fallback : value;
    if (v < min) {
      throw keys.bad(key, value, "must be at least " + min);
    }
    return v;
  }

  private static double positive(Double value, double fallback, String key, ConfigKeys keys) {
    double v = value == null ? fallback : value;
    if (!(v > 0) || Double.isInfinite(v)) {
      throw keys.bad(key, value, "must be > 0");
    }
    return v;
  }

  private static Step step(String text, String key, ConfigKeys keys) {
    try {
      return Step.parse(text);
    } catch (BadInputException e) {
      throw keys.bad(key, text, "expected a length such as 90000it, 12ep or 1ep500it");
    }
  }

  /** A path as written, normalised ({@code data/./train/} → {@code data/train}); null stays null. */
  private static String normal(String path, String key, ConfigKeys keys) {
    return path == null ? null : asPath(path, key, keys).normalize().toString();
  }

  /** The image folder of a COCO json: as written, or the json's folder. */
  private static String imagesOf(String images, String key, String json, ConfigKeys keys) {
    if (images != null) {
      return normal(images, key, keys);
    }
    Path parent = asPath(json, "data.train", keys).normalize().getParent();
    return parent == null ? "." : parent.toString();
  }

  /** A path the file system can name; a NUL or another character it refuses is the config's fault. */
  private static Path asPath(String path, String key, ConfigKeys keys) {
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw keys.bad(key, path, "not a usable path (" + e.getReason() + ")");
    }
  }

  /** Whether this is a detector experiment. */
  @JsonIgnore
  public boolean isDetector() {
    return task.isDetector();
  }

  /** The canonical JSON: sorted keys, nulls left out, replicates left out (they are sub-folders of one run). */
  public String canonicalJson() {
    try {
      return CANONICAL.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The canonical JSON of what one training run is (task, data, model, training, seed). */
  public String trainingJson() {
    return new ExperimentSpec(version, task, data, model, training, null, null, 1, seed, List.of(), null)
        .canonicalJson();
  }

  /** The run id: the first 12 hex digits of the SHA-256 of {@link #canonicalJson()}. */
  public String runId() {
    return sha256(canonicalJson());
  }

  /** This spec with another seed (e.g. a replicate's). */
  public ExperimentSpec withSeed(long newSeed) {
    return new ExperimentSpec(version, task, data, model, training, pruning, rewind, replicates, newSeed, earlyBird,
        transfer);
  }

  /**
   * The run id TicketLab 0.1 gave the same config: the hash of the config as written (sorted keys,
   * nulls and replicates left out, task normalised, seed 0 when omitted). Its folders are recognised
   * so that they are not retrained silently under changed defaults.
   */
  public static String legacyRunId(ExperimentConfig c) {
    Task task = Task.parseOrNull(c.task());
    String t = task == null ? c.task() : task.key();
    if (c.transfer() != null) {
      return null; // 0.1 had no transfers
    }
    ExperimentConfig canonical = new ExperimentConfig(
        t == null ? Task.CLASSIFY.key() : t, c.data(), c.model(), c.training(), c.pruning(), c.rewind(), null,
        c.seed() == null ? 0 : c.seed(), c.earlyBird(), null);
    try {
      return sha256(LEGACY.writeValueAsString(canonical));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final ObjectMapper LEGACY =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /** Reads a canonical JSON back (a run folder's {@code spec.json}). */
  public static ExperimentSpec fromCanonicalJson(String json) {
    try {
      return CANONICAL.readValue(json, ExperimentSpec.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
