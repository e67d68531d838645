package io.ticketlab.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every key of an experiment config with its type, its default per task and its meaning: the text
 * of {@code ticketlab lottery --help-config}. Nothing here is a copy that could drift: the keys are
 * the components of {@link ExperimentConfig}'s records by their YAML names (what the parser
 * accepts), the types those of the resolved {@link ExperimentSpec}, and the defaults what {@link
 * ExperimentSpec#resolve} makes of a minimal config of each task ({@link ExperimentSpec.Defaults}
 * applied). Only the meanings are written here, one per key ({@code ConfigHelpTest} requires one for
 * every key the parser accepts).
 */
public final class ConfigHelp {
  private ConfigHelp() {}

  /**
   * One key.
   *
   * @param path the key path, e.g. {@code training.weight_decay}
   * @param type what its value is, e.g. {@code whole number}, {@code length (90000it, 12ep)}
   * @param defaults the default per task; absent for a task that refuses the key
   * @param resolved whether each default is the value {@link ExperimentSpec#resolve} applies (false: a
   *     description such as {@code required} or {@code the json's folder})
   * @param meaning what it sets
   */
  public record Key(String path, String type, Map<Task, String> defaults, boolean resolved, String meaning) {}

  /** A key's meaning and, where the resolved value does not say it, what leaving it out means. */
  private record Doc(String meaning, String unset) {
    Doc(String meaning) {
      this(meaning, null);
    }
  }

  private static final Map<String, Doc> DOCS = new LinkedHashMap<>();

  private static void doc(String key, String meaning) {
    DOCS.put(key, new Doc(meaning));
  }

  private static void doc(String key, String meaning, String unset) {
    DOCS.put(key, new Doc(meaning, unset));
  }

  static {
    doc("task", "What is trained: classify (ResNet on image folders), det (Faster R-CNN), seg (Mask R-CNN) or kp"
        + " (Keypoint R-CNN) on COCO-format data.", "classify");
    doc("data.train", "The training set: an image folder of class folders (classify) or a COCO json (detectors);"
        + " relative to the config's folder.", "required");
    doc("data.val", "The validation set, in the same form; evaluated at the end of every level.");
    doc("data.train_images", "The folder of the training json's images.", "the json's folder");
    doc("data.val_images", "The folder of the validation json's images (only with data.val).", "the json's folder");
    doc("model.arch", "The ResNet backbone: resnet18, resnet34, resnet50 or resnet101.");
    doc("model.width", "Channel multiplier of the ResNet (1 = torchvision's widths).");
    doc("model.variant", "fpn (ResNet-FPN, COCO) or c4 (the paper's VOC model: RoI head on the C4 features).");
    doc("model.fpn_channels", "Channels of the FPN levels.");
    doc("model.head_width", "Width of the box head's two fully connected layers.");
    doc("model.min_size", "Short side(s) in pixels an image is resized to; several: one drawn per training image.");
    doc("model.max_size", "Upper bound of the long side in pixels.");
    doc("model.trainable_layers", "ResNet stages trained (0..5, from the top); the others stay frozen.");
    doc("model.scratch", "Train the detector from its random initialisation (true) rather than from model.weights.");
    doc("model.num_classes", "Object classes without background.", "the json's categories");
    doc("model.weights", "Initial weights: a .pth, safetensors or TicketLab checkpoint (for detectors a detector"
        + " checkpoint, or ImageNet weights for the backbone).", "none (initial weights)");
    doc("model.roi_samples", "RoIs sampled per image to train the box head.");
    doc("training.iterations", "Length of every level's training.");
    doc("training.batch", "Images per iteration.");
    doc("training.size", "Side of the square training crop in pixels.");
    doc("training.crop_scale", "Smallest area fraction of a RandomResizedCrop training crop (ImageNet's 0.08; small"
        + " images of whole objects want more, e.g. 0.5); left out of the run id at its default.");
    doc("training.lr", "Peak learning rate of SGD.");
    doc("training.momentum", "SGD momentum, in [0, 1).");
    doc("training.weight_decay", "L2 weight decay.");
    doc("training.warmup", "Length of the linear learning-rate warm-up.");
    doc("training.schedule", "step (x0.1 at each milestone) or cosine (classify only).");
    doc("training.milestones", "Where the step schedule multiplies the learning rate by 0.1.");
    doc("training.warmup_factor", "Learning-rate factor at the start of the warm-up.");
    doc("training.eval_every", "Evaluate on data.val every this often (convergence curves); end: after the last"
        + " iteration only.", "end");
    doc("training.ap_every", "COCO AP at the evaluation points that are multiples of this, and at the end; end:"
        + " at the end only, the other points validation loss only (AP costs a prediction pass over data.val).",
        "at every evaluation point");
    doc("training.flip", "Random horizontal flips of training images.");
    doc("training.accumulate", "Forward passes per iteration (training.batch split among them; gradients summed).");
    doc("pruning.preset", "Which weights are prunable: classifier-convs, paper-coco, paper-voc[:base+top+rpn+head],"
        + " backbone-only or all-weights.");
    doc("pruning.include", "Regular expressions of parameter names added to the prunable set.");
    doc("pruning.exclude", "Regular expressions of parameter names taken out of the prunable set.");
    doc("pruning.strategy", "global (one magnitude threshold over the prunable set) or layerwise (the same share of"
        + " each tensor).");
    doc("pruning.sparsity", "Target share of prunable weights at zero at the last level, in [0, 1) (0.8 prunes 80%),"
        + " reached in pruning.rounds.", "required, or pruning.fraction");
    doc("pruning.rounds", "Levels to reach pruning.sparsity, the dense one included (2: one-shot).");
    doc("pruning.fraction", "Share of the remaining weights pruned at each level, in (0, 1) (instead of sparsity).",
        "none (pruning.sparsity)");
    doc("pruning.levels", "Number of pruned levels with pruning.fraction (without it, the command line's --levels"
        + " gives it).", "none");
    doc("rewind.at", "Where each level rewinds its surviving weights to (0it: the original lottery ticket; later:"
        + " late rewinding).");
    doc("rewind.optimizer", "Rewind the optimizer's momentum as well.");
    doc("replicates", "Replicates (seeds seed, seed+1, ...) of the whole experiment; not part of the run id.");
    doc("seed", "Random seed of the first replicate (initialisation and data order).");
    doc("early_bird.fractions", "Fractions of level 0's training at which it also saves checkpoints, for"
        + " early-bird masks (lottery branch --name early-bird --fraction F).");
    doc("transfer.kind", "A ticket transfer instead of pruning: imagenet-ticket, mask or task.", "none (no transfer)");
    doc("transfer.source", "The ticket or pretrained checkpoint, or a TicketLab level folder.", "required with transfer");
    doc("transfer.prune", "For kind mask: share of the backbone's prunable convs set to zero, in [0, 1).",
        "required for kind mask");
    doc("transfer.mask_only", "For kind task: transfer the mask alone, not the values.", "false");
  }

  /** The keys that have a meaning written here. */
  static Set<String> documentedKeys() {
    return Collections.unmodifiableSet(DOCS.keySet());
  }

  /** The keys given in the configs resolved for the defaults (so their resolved values are not defaults). */
  private static final List<String> PROBED = List.of("task", "data.train", "pruning.sparsity");

  /** Every key the config parser accepts, in the order of the records. */
  public static List<String> keyPaths() {
    List<String> out = new ArrayList<>();
    collect(ExperimentConfig.class, "", out);
    return out;
  }

  private static void collect(Class<?> record, String prefix, List<String> out) {
    for (RecordComponent c : record.getRecordComponents()) {
      String path = prefix + yamlName(c);
      if (c.getType().isRecord() && c.getType().getEnclosingClass() == ExperimentConfig.class) {
        collect(c.getType(), path + ".", out);
      } else {
        out.add(path);
      }
    }
  }

  private static String yamlName(RecordComponent c) {
    JsonProperty p = c.getAnnotation(JsonProperty.class);
    if (p == null) {
      p = c.getAccessor().getAnnotation(JsonProperty.class);
    }
    return p != null && !p.value().isEmpty() ? p.value() : c.getName();
  }

  /** Every key with its type, defaults and meaning. */
  public static List<Key> keys() {
    Map<Task, ExperimentSpec> probes = new LinkedHashMap<>();
    for (Task t : Task.values()) {
      ExperimentConfig c = new ExperimentConfig(t.key(), new ExperimentConfig.Data(t.isDetector() ? "train.json" : "train",
          null, null, null), null, null, new ExperimentConfig.Pruning(null, null, null, null, 0.5, null, null, null),
          null, null, null, null, null);
      probes.put(t, ExperimentSpec.resolve(c, ConfigKeys.file(null)));
    }
    List<Key> out = new ArrayList<>();
    for (String path : keyPaths()) {
      // a key added to the parser without a meaning here is listed all the same (ConfigHelpTest fails on it)
      Doc doc = DOCS.getOrDefault(path, new Doc(""));
      if (PROBED.contains(path) && doc.unset() == null) {
        throw new IllegalStateException("config key " + path + " is given in the probes: write what leaving it out means");
      }
      Map<Task, String> defaults = new LinkedHashMap<>();
      boolean resolved = doc.unset() == null;
      Type type = null;
      for (Map.Entry<Task, ExperimentSpec> p : probes.entrySet()) {
        if (!appliesTo(path, p.getKey())) {
          continue;
        }
        Resolved r = resolvedValue(p.getValue(), path);
        type = r.type();
        defaults.put(p.getKey(), doc.unset() != null ? doc.unset() : r.value() == null ? "none" : text(r.value()));
        resolved &= r.value() != null;
      }
      out.add(new Key(path, type == null ? "text" : typeName(type), defaults, resolved, doc.meaning()));
    }
    return out;
  }

  /** Whether a config of {@code task} accepts {@code path} (the resolver refuses the others). */
  static boolean appliesTo(String path, Task task) {
    if (task.isDetector()) {
      return !ExperimentSpec.CLASSIFY_ONLY_KEYS.contains(path);
    }
    return !ExperimentSpec.DETECTOR_ONLY_KEYS.contains(path) && !path.startsWith("transfer.");
  }

  private record Resolved(Object value, Type type) {}

  /** The value and type of {@code path} in a resolved spec (its records' components, snake case → camel case). */
  private static Resolved resolvedValue(ExperimentSpec spec, String path) {
    Object value = spec;
    Type type = ExperimentSpec.class;
    String[] parts = path.equals("early_bird.fractions") ? new String[] {"early_bird"} : path.split("\\.");
    for (String part : parts) {
      if (value == null) {
        return new Resolved(null, componentType((Class<?>) type, part));
      }
      RecordComponent c = component(value.getClass(), part);
      type = c.getGenericType();
      try {
        value = c.getAccessor().invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Resolved(value, type);
  }

  private static Type componentType(Class<?> record, String part) {
    return component(record, part).getGenericType();
  }

  private static RecordComponent component(Class<?> record, String snake) {
    String camel = Pattern.compile("_([a-z])").matcher(snake).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT));
    for (RecordComponent c : record.getRecordComponents()) {
      if (c.getName().equals(camel)) {
        return c;
      }
    }
    throw new IllegalStateException("no " + camel + " in " + record.getSimpleName());
  }

  private static String typeName(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      String element = typeName(p.getActualTypeArguments()[0]);
      return "list of " + (element.startsWith("length") ? "lengths" : element + "s");
    }
    if (type == Step.class) {
      return "length: 90000it, 12ep or 1ep500it";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "whole number";
    }
    if (type == double.class || type == Double.class) {
      return "number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    return "text";
  }

  private static String text(Object value) {
    if (value instanceof List<?> l) {
      return l.stream().map(ConfigHelp::text).collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof Double d) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    if (value instanceof Task t) {
      return t.key();
    }
    return String.valueOf(value);
  }

  /** The text of {@code ticketlab lottery --help-config}. */
  public static String text() {
    StringBuilder sb = new StringBuilder();
    wrap(sb, "", "Keys of an experiment config (ticketlab lottery --config FILE, YAML or JSON) with their type,"
        + " their default per task and what they set. A flag of ticketlab train classify|detect is the key of the"
        + " same name with the same default (--weight-decay = training.weight_decay).");
    String section = null;
    for (Key k : keys()) {
      String top = k.path().contains(".") ? k.path().substring(0, k.path().indexOf('.')) : "";
      if (!top.equals(section)) {
        sb.append('\n');
        section = top;
      }
      sb.append(k.path()).append(" (").append(k.type()).append(")\n");
      wrap(sb, "    ", "default: " + defaults(k));
      wrap(sb, "    ", k.meaning());
    }
    return sb.toString();
  }

  /** {@code classify 32, det/seg/kp 2}; one value when every task has the same; refusing tasks last. */
  private static String defaults(Key k) {
    Map<String, List<Task>> byValue = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    for (Task t : Task.values()) {
      String v = k.defaults().get(t);
      if (v == null) {
        refused.add(t.key());
      } else {
        byValue.computeIfAbsent(v, x -> new ArrayList<>()).add(t);
      }
    }
    String values = byValue.size() == 1
        ? byValue.keySet().iterator().next()
        : byValue.entrySet().stream()
            .map(e -> e.getValue().stream().map(Task::key).collect(Collectors.joining("/")) + " " + e.getKey())
            .collect(Collectors.joining(", "));
    return refused.isEmpty() ? values : values + " (not for " + String.join("/", refused) + ")";
  }

  private static final int WIDTH = 100;

  private static void wrap(StringBuilder sb, String indent, String text) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
        sb.append(line).append('\n');
        line = new StringBuilder(indent + "  ");
      }
      if (line.length() > indent.length() && !line.toString().isBlank()) {
        line.append(' ');
      }
      line.append(word);
    }
    sb.append(line).append('\n');
  }
}
