package io.ticketlab.lottery;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import io.ticketlab.config.Step;
import io.ticketlab.model.detector.DetectorOptions;
import io.ticketlab.model.detector.DetectorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A lottery-ticket experiment, as written in a YAML or JSON file: the task ({@code classify}, the
 * default, or a detector: {@code det} Faster R-CNN, {@code seg} Mask R-CNN, {@code kp} Keypoint
 * R-CNN), data, model, training schedule,
 * pruning (preset, strategy, target sparsity, rounds or per-level fraction), rewind point and
 * replicates. Unknown keys and impossible values are refused before any training starts. The run
 * folder is named by a hash of the canonical form ({@link #runId()}), so the same experiment always
 * lands in the same folder and resumes there.
 */
public record LotteryConfig(
    String task,
    Data data,
    Model model,
    Training training,
    Pruning pruning,
    Rewind rewind,
    Integer replicates,
    Long seed,
    @JsonProperty("early_bird") EarlyBird earlyBird) {

  /**
   * Early-bird masks (paper Fig. 2f): level 0 also saves checkpoints at these fractions of training,
   * from which {@code ticketlab lottery branch --name early-bird --fraction F} derives masks.
   */
  public record EarlyBird(List<Double> fractions) {}

  /**
   * The data. Classification: image folders {@code train} and {@code val}. Detector tasks: COCO
   * jsons {@code train} and {@code val}, their images in {@code train_images} / {@code val_images}
   * (default: the json's folder).
   */
  public record Data(
      String train,
      String val,
      @JsonProperty("train_images") String trainImages,
      @JsonProperty("val_images") String valImages) {}

  /**
   * The network: {@code resnet18}, {@code resnet50}, ... and a width multiplier. Detector tasks
   * also take the options of {@code ticketlab train detect}: {@code variant} fpn | c4, {@code
   * fpn_channels}, {@code head_width}, {@code min_size} (list of short sides), {@code max_size},
   * {@code trainable_layers}, {@code scratch} (trainable batch norm, all stages trained), {@code
   * num_classes} (default: the training json's categories), initial {@code weights} (a detector
   * checkpoint or ImageNet ResNet weights for the backbone) and {@code roi_samples} (proposals
   * sampled per image for the box head, default torchvision's 512).
   */
  public record Model(
      String arch,
      Double width,
      String variant,
      @JsonProperty("fpn_channels") Integer fpnChannels,
      @JsonProperty("head_width") Integer headWidth,
      @JsonProperty("min_size") List<Integer> minSize,
      @JsonProperty("max_size") Integer maxSize,
      @JsonProperty("trainable_layers") Integer trainableLayers,
      Boolean scratch,
      @JsonProperty("num_classes") Integer numClasses,
      String weights,
      @JsonProperty("roi_samples") Integer roiSamples) {}

  /**
   * The training schedule of every level. Classification: {@code size} is the crop, {@code
   * schedule} cosine | step. Detector tasks: step schedule only (×0.1 at each milestone), {@code
   * warmup_factor} (default 0.001), {@code eval_every} (validation loss + COCO AP interval, default
   * only at the end), {@code flip} (default true), {@code accumulate} (forward passes of {@code
   * batch} images per iteration, gradients averaged; default 1); image sizes are in the model.
   */
  public record Training(
      String iterations,
      Integer batch,
      Integer size,
      Double lr,
      Double momentum,
      @JsonProperty("weight_decay") Double weightDecay,
      String warmup,
      String schedule,
      List<String> milestones,
      @JsonProperty("warmup_factor") Double warmupFactor,
      @JsonProperty("eval_every") String evalEvery,
      Boolean flip,
      Integer accumulate) {}

  /**
   * What to prune and how: {@code preset} (default classifier-convs, paper-coco for detectors) +
   * include/exclude patterns, {@code strategy} global |
   * layerwise, target {@code sparsity} of the prunable set reached in {@code rounds} (2 =
   * one-shot), or {@code fraction} per level for {@code levels} levels (open_lth style).
   */
  public record Pruning(
      String preset,
      List<String> include,
      List<String> exclude,
      String strategy,
      Double sparsity,
      Integer rounds,
      Double fraction,
      Integer levels) {}

  /** Late resetting: rewind to the weights at {@code at} (0it = original LTH), optionally with the optimizer. */
  public record Rewind(String at, Boolean optimizer) {}

  /** The classification task's name (the default). */
  public static final String CLASSIFY = "classify";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          .build();

  /** Reads and validates a config file (YAML or JSON). */
  public static LotteryConfig read(Path file) {
    LotteryConfig c;
    try {
      c = YAML.readValue(Files.readString(file, StandardCharsets.UTF_8), LotteryConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw BadInputException.of(
          file, e.getPathReference().replaceAll("io\\.ticketlab\\.lottery\\.LotteryConfig\\$?", ""),
          e.getPropertyName(), null, "unknown key (known: " + e.getKnownPropertyIds() + ")");
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "not a valid YAML/JSON config: " + firstLine(e.getMessage()));
    }
    if (c == null) {
      throw BadInputException.of(file, null, null, null, "empty config");
    }
    c.validate(file);
    return c;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** Checks everything that can be checked without the data. */
  public void validate(Path file) {
    String t = task == null ? CLASSIFY : task;
    if (!t.equals(CLASSIFY)) {
      try {
        DetectorSpec.Task.parse(t);
      } catch (IllegalArgumentException e) {
        throw BadInputException.of(file, null, "task", task, "expected classify, det, seg or kp");
      }
    }
    if (data == null || data.train() == null) {
      throw BadInputException.of(file, "data", "train", null, "missing: the training image folder");
    }
    if (model == null || model.arch() == null) {
      throw BadInputException.of(file, "model", "arch", null, "missing (e.g. resnet18)");
    }
    if (training == null || training.iterations() == null) {
      throw BadInputException.of(file, "training", "iterations", null, "missing (e.g. 2ep or 500it)");
    }
    Step.parse(training.iterations());
    if (isDetector()) {
      validateDetector(file);
    } else {
      validateClassifier(file);
    }
    if (pruning == null) {
      throw BadInputException.of(file, null, "pruning", null, "missing");
    }
    if (pruning.sparsity() != null && !(pruning.sparsity() >= 0 && pruning.sparsity() < 1)) {
      throw BadInputException.of(file, "pruning", "sparsity", pruning.sparsity(), "must be in [0, 1): 0.8 prunes 80%");
    }
    if (pruning.sparsity() == null && pruning.fraction() == null) {
      throw BadInputException.of(file, "pruning", "sparsity", null, "give a target sparsity (with rounds) or a fraction per level");
    }
    if (pruning.fraction() != null && !(pruning.fraction() > 0 && pruning.fraction() < 1)) {
      throw BadInputException.of(file, "pruning", "fraction", pruning.fraction(), "must be in (0, 1)");
    }
    String strategy = strategyName();
    if (!strategy.equals("global") && !strategy.equals("layerwise")) {
      throw BadInputException.of(file, "pruning", "strategy", strategy, "expected global or layerwise");
    }
    if (pruning.preset() != null) {
      try {
        io.ticketlab.prune.PrunableSet.preset(pruning.preset());
      } catch (BadInputException e) {
        throw BadInputException.of(file, "pruning", "preset", pruning.preset(), e.getMessage());
      }
    }
    if (rewind != null && rewind.at() != null) {
      Step.parse(rewind.at());
    }
    if (earlyBird != null && earlyBird.fractions() != null) {
      for (Double f : earlyBird.fractions()) {
        if (f == null || !(f > 0 && f <= 1)) {
          throw BadInputException.of(file, "early_bird", "fractions", f, "each must be in (0, 1]");
        }
      }
    }
    if (replicates != null && replicates < 1) {
      throw BadInputException.of(file, null, "replicates", replicates, "must be at least 1");
    }
  }

  private void validateClassifier(Path file) {
    refuse(file, "data", "train_images", data.trainImages());
    refuse(file, "data", "val_images", data.valImages());
    refuse(file, "model", "variant", model.variant());
    refuse(file, "model", "fpn_channels", model.fpnChannels());
    refuse(file, "model", "head_width", model.headWidth());
    refuse(file, "model", "min_size", model.minSize());
    refuse(file, "model", "max_size", model.maxSize());
    refuse(file, "model", "trainable_layers", model.trainableLayers());
    refuse(file, "model", "scratch", model.scratch());
    refuse(file, "model", "num_classes", model.numClasses());
    refuse(file, "model", "weights", model.weights());
    refuse(file, "model", "roi_samples", model.roiSamples());
    refuse(file, "training", "warmup_factor", training.warmupFactor());
    refuse(file, "training", "eval_every", training.evalEvery());
    refuse(file, "training", "flip", training.flip());
    refuse(file, "training", "accumulate", training.accumulate());
  }

  private static void refuse(Path file, String record, String key, Object value) {
    if (value != null) {
      throw BadInputException.of(file, record, key, value, "only for detector tasks (task: det, seg or kp)");
    }
  }

  private void validateDetector(Path file) {
    if (training.accumulate() != null && training.accumulate() < 1) {
      throw BadInputException.of(file, "training", "accumulate", training.accumulate(), "must be at least 1");
    }
    if (training.size() != null) {
      throw BadInputException.of(file, "training", "size", training.size(),
          "classification only; detectors take model.min_size and model.max_size");
    }
    if (training.schedule() != null && !training.schedule().equalsIgnoreCase("step")) {
      throw BadInputException.of(file, "training", "schedule", training.schedule(),
          "detectors train with the step schedule (x0.1 at each milestone)");
    }
    if (training.evalEvery() != null) {
      Step.parse(training.evalEvery());
    }
    if (training.warmupFactor() != null && !(training.warmupFactor() > 0 && training.warmupFactor() <= 1)) {
      throw BadInputException.of(file, "training", "warmup_factor", training.warmupFactor(), "must be in (0, 1]");
    }
    if (model.roiSamples() != null && model.roiSamples() < 1) {
      throw BadInputException.of(file, "model", "roi_samples", model.roiSamples(), "must be at least 1");
    }
    if (model.numClasses() != null && model.numClasses() < 1) {
      throw BadInputException.of(file, "model", "num_classes", model.numClasses(), "must be at least 1 (background not counted)");
    }
    detectorSpec(file, model.numClasses() == null ? 1 : model.numClasses(), null);
  }

  /** Whether this is a detector experiment ({@code task: det | seg | kp}). Not part of the canonical form. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isDetector() {
    return task != null && !task.equals(CLASSIFY);
  }

  /**
   * The detector of a detector experiment, with {@code numClasses} classes (null: the categories
   * of {@code annotations}); bad model options are errors naming the {@code model} key.
   */
  public DetectorSpec detectorSpec(Path file, Integer numClasses, Path annotations) {
    Model m = model;
    DetectorOptions options = new DetectorOptions(
        task, m.arch(), m.variant() == null ? "fpn" : m.variant(), m.width() == null ? 1.0 : m.width(),
        m.fpnChannels() == null ? 256 : m.fpnChannels(), m.headWidth() == null ? 1024 : m.headWidth(),
        m.minSize() == null ? List.of(800) : m.minSize(), m.maxSize() == null ? 1333 : m.maxSize(),
        m.trainableLayers() == null ? 3 : m.trainableLayers(), Boolean.TRUE.equals(m.scratch()));
    try {
      DetectorSpec spec = options.spec(numClasses, annotations);
      return m.roiSamples() == null ? spec : spec.withRoiSamplesPerImage(m.roiSamples());
    } catch (DetectorOptions.InvalidOption e) {
      String key = e.option() == null ? null : e.option().replace('-', '_');
      return badModel(file, key, e.value(), e.getMessage());
    }
  }

  private static DetectorSpec badModel(Path file, String key, Object value, String problem) {
    throw BadInputException.of(file, "task".equals(key) ? null : "model", key, value, problem);
  }

  public String strategyName() {
    return pruning.strategy() == null ? "global" : pruning.strategy().toLowerCase(Locale.ROOT);
  }

  /** The rewind point (default: iteration 0, the original lottery ticket). */
  public Step rewindStep() {
    return rewind == null || rewind.at() == null ? Step.ofIterations(0) : Step.parse(rewind.at());
  }

  public boolean rewindOptimizer() {
    return rewind != null && Boolean.TRUE.equals(rewind.optimizer());
  }

  /** Early-bird fractions of training (empty when not asked for). */
  public List<Double> earlyBirdFractions() {
    return earlyBird == null || earlyBird.fractions() == null ? List.of() : earlyBird.fractions();
  }

  public int replicateCount() {
    return replicates == null ? 1 : replicates;
  }

  public long baseSeed() {
    return seed == null ? 0 : seed;
  }

  /** The canonical JSON (sorted keys, replicates left out: they are sub-folders of one run). */
  public String canonicalJson() {
    try {
      String t = task == null ? CLASSIFY : isDetector() ? DetectorSpec.Task.parse(task).cliName() : task;
      return CANONICAL.writeValueAsString(new LotteryConfig(t, data, model, training, pruning, rewind, null, baseSeed(), earlyBird));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The run id: the first 12 hex digits of the SHA-256 of {@link #canonicalJson()}. */
  public String runId() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
