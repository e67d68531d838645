package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which tensors a lottery run may prune, by torchvision state-dict name: a named preset plus
 * optional include / exclude regular expressions. Only weights of convolutions, transposed
 * convolutions and linear layers (2 or more dimensions) are ever selected; biases and norms never.
 *
 * <p>Presets (see the paper notes):
 *
 * <ul>
 *   <li>{@code paper-coco}: every conv/linear weight of the backbone body (stem included, shortcut
 *       {@code downsample} convs excluded), the FPN lateral and output convs, the RPN shared conv,
 *       the box head {@code fc6}/{@code fc7}, the mask head convs and {@code conv5_mask}, the
 *       keypoint head convs. Not: RPN objectness/box outputs, the box predictor, {@code
 *       mask_fcn_logits}, {@code kps_score_lowres}.
 *   <li>{@code backbone-only}: the backbone body's convs (no downsample).
 *   <li>{@code classifier-convs}: a ResNet classifier's stem and block convs (ImageNet tickets;
 *       no downsample, no fc).
 *   <li>{@code all-weights}: every conv/linear weight.
 *   <li>{@code paper-voc}: the four module groups of the paper's Table 3 on the C4 Faster R-CNN
 *       ({@link ModuleGroup}: Base = layer1–3 convs, Top = layer4 convs of the box head, RPN = RPN
 *       conv + objectness + deltas, Head = box classifier + regressor); {@code
 *       paper-voc:base+top} (groups joined by {@code +}, any order) prunes only those groups.
 * </ul>
 */
public final class PrunableSet {
  private static final Map<String, List<String>> PRESETS = new LinkedHashMap<>();

  /** The Table 3 preset; {@code paper-voc:GROUP+GROUP...} selects some of its groups. */
  public static final String PAPER_VOC = "paper-voc";

  static {
    String blockConv = "layer\\d+\\.\\d+\\.conv\\d+\\.weight";
    PRESETS.put(
        "paper-coco",
        List.of(
            "backbone\\.body\\.conv1\\.weight",
            "backbone\\.body\\." + blockConv,
            "backbone\\.fpn\\.(inner|layer)_blocks\\.\\d+(\\.0)?\\.weight",
            "rpn\\.head\\.conv(\\.0\\.0)?\\.weight",
            "roi_heads\\.box_head\\.fc[67]\\.weight",
            "roi_heads\\.mask_head\\.(\\d+\\.0|mask_fcn\\d+)\\.weight",
            "roi_heads\\.mask_predictor\\.conv5_mask\\.weight",
            "roi_heads\\.keypoint_head\\.(\\d+|conv_fcn\\d+)\\.weight"));
    PRESETS.put(
        "backbone-only",
        List.of("backbone\\.body\\.conv1\\.weight", "backbone\\.body\\." + blockConv));
    PRESETS.put("classifier-convs", List.of("conv1\\.weight", blockConv));
    PRESETS.put("all-weights", List.of(".*\\.weight"));
    List<String> voc = new ArrayList<>();
    for (ModuleGroup g : ModuleGroup.values()) {
      voc.add(g.regex());
    }
    PRESETS.put(PAPER_VOC, List.copyOf(voc));
  }

  private final String preset;
  private final List<Pattern> include;
  private final List<Pattern> exclude;

  private PrunableSet(String preset, List<Pattern> include, List<Pattern> exclude) {
    this.preset = preset;
    this.include = include;
    this.exclude = exclude;
  }

  /** The preset names ({@code paper-voc} also takes {@code :group+group}, see {@link ModuleGroup}). */
  public static List<String> presets() {
    return List.copyOf(PRESETS.keySet());
  }

  /**
   * A preset with extra include and exclude patterns (full-name regular expressions).
   *
   * @param preset a name from {@link #presets()}, or null for only the includes
   */
  public static PrunableSet of(String preset, List<String> includes, List<String> excludes) {
    List<Pattern> inc = new ArrayList<>();
    if (preset != null) {
      String name = preset.toLowerCase(Locale.ROOT);
      List<String> p = PRESETS.get(name);
      if (name.startsWith(PAPER_VOC + ":")) {
        p = new ArrayList<>();
        for (ModuleGroup g : ModuleGroup.ofPreset(name)) {
          p.add(g.regex());
        }
      }
      if (p == null) {
        throw BadInputException.of(null, null, "preset", preset, "unknown; expected one of " + presets());
      }
      p.forEach(r -> inc.add(Pattern.compile(r)));
    }
    includes.forEach(r -> inc.add(compile("include", r)));
    List<Pattern> exc = new ArrayList<>();
    excludes.forEach(r -> exc.add(compile("exclude", r)));
    return new PrunableSet(preset, inc, exc);
  }

  public static PrunableSet preset(String name) {
    return of(name, List.of(), List.of());
  }

  private static Pattern compile(String field, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw BadInputException.of(null, null, field, regex, "not a valid regular expression");
    }
  }

  /** Whether the tensor {@code name} of this shape is prunable. */
  public boolean contains(String name, int[] shape) {
    if (shape.length < 2 || name.contains("downsample")) {
      return false;
    }
    boolean in = false;
    for (Pattern p : include) {
      if (p.matcher(name).matches()) {
        in = true;
        break;
      }
    }
    if (!in) {
      return false;
    }
    for (Pattern p : exclude) {
      if (p.matcher(name).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The prunable tensors of a model, in model order; a selection that is empty is refused (a preset
   * that selects nothing is a configuration error, caught before training, and so is a {@code
   * paper-voc} group that selects nothing, e.g. {@code top} on an FPN model).
   */
  public Map<String, int[]> select(Map<String, int[]> modelShapes) {
    Map<String, int[]> out = new LinkedHashMap<>();
    modelShapes.forEach((n, s) -> {
      if (contains(n, s)) {
        out.put(n, s);
      }
    });
    if (out.isEmpty()) {
      throw BadInputException.of(
          null, null, "preset", preset, "selects no tensor of this model (check the preset and patterns)");
    }
    java.util.Set<ModuleGroup> groups = ModuleGroup.ofPreset(preset);
    if (groups != null) {
      for (ModuleGroup g : groups) {
        if (out.keySet().stream().noneMatch(g::contains)) {
          throw BadInputException.of(null, null, "preset", preset, "module group '" + g.configName()
              + "' selects no tensor of this model (the groups are defined on the C4 model: variant c4)");
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "PrunableSet[" + preset + ", +" + include.size() + " patterns, -" + exclude.size() + "]";
  }
}
