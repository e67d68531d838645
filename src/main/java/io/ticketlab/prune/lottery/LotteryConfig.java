package io.ticketlab.prune.lottery;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import io.ticketlab.config.Step;
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
 * A lottery-ticket experiment, as written in a YAML or JSON file: data, model, training schedule,
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

  /** Classification data: image folders. */
  public record Data(String train, String val) {}

  /** The network: {@code resnet18}, {@code resnet50}, ... and a width multiplier. */
  public record Model(String arch, Double width) {}

  /** The training schedule of every level. */
  public record Training(
      String iterations,
      Integer batch,
      Integer size,
      Double lr,
      Double momentum,
      @JsonProperty("weight_decay") Double weightDecay,
      String warmup,
      String schedule,
      List<String> milestones) {}

  /**
   * What to prune and how: {@code preset} + include/exclude patterns, {@code strategy} global |
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
          file, e.getPathReference().replaceAll("io\\.ticketlab\\.prune\\.lottery\\.LotteryConfig\\$?", ""),
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
    String t = task == null ? "classify" : task;
    if (!t.equals("classify")) {
      throw BadInputException.of(file, null, "task", task, "only 'classify' runs in this version (detectors follow)");
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
      return CANONICAL.writeValueAsString(new LotteryConfig(task == null ? "classify" : task, data, model, training, pruning, rewind, null, baseSeed(), earlyBird));
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
