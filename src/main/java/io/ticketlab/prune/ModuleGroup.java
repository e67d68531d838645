package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The module groups of the paper's Table 3 (VOC, Faster R-CNN C4), by the parameter names that
 * {@code Detectors.build(DetectorSpec.paperVoc(depth))} gives. Each group holds conv / linear
 * weights only (no biases, no norms, no shortcut {@code downsample} convs):
 *
 * <ul>
 *   <li>{@link #BASE}: the block convs of layer1–3 ({@code backbone.body.layerN.B.convK.weight});
 *       the stem conv is in no group.
 *   <li>{@link #TOP}: the block convs of layer4, the box head ({@code
 *       roi_heads.box_head.layer4.B.convK.weight}).
 *   <li>{@link #RPN}: the RPN shared conv and its objectness and box-delta convs ({@code
 *       rpn.head.conv.0.0}, {@code cls_logits}, {@code bbox_pred}): the paper's 9.71 % for
 *       ResNet-18 is reached only with the two output convs (the shared conv alone is 9.48 %).
 *   <li>{@link #HEAD}: the final box classifier and regressor ({@code
 *       roi_heads.box_predictor.cls_score}, {@code bbox_pred}).
 * </ul>
 */
public enum ModuleGroup {
  BASE("base", "backbone\\.body\\.layer[123]\\.\\d+\\.conv\\d+\\.weight"),
  TOP("top", "roi_heads\\.box_head\\.layer4\\.\\d+\\.conv\\d+\\.weight"),
  RPN("rpn", "rpn\\.head\\.(conv\\.0\\.0|conv|cls_logits|bbox_pred)\\.weight"),
  HEAD("head", "roi_heads\\.box_predictor\\.(cls_score|bbox_pred)\\.weight");

  private final String configName;
  private final Pattern pattern;

  ModuleGroup(String configName, String regex) {
    this.configName = configName;
    this.pattern = Pattern.compile(regex);
  }

  /** The lower-case name used in presets ({@code paper-voc:base+top}). */
  public String configName() {
    return configName;
  }

  /** The full-name regular expression of the group's tensors. */
  public String regex() {
    return pattern.pattern();
  }

  /** Whether the tensor {@code name} belongs to this group. */
  public boolean contains(String name) {
    return pattern.matcher(name).matches();
  }

  /** The group of {@code name}, or null. */
  public static ModuleGroup of(String name) {
    for (ModuleGroup g : values()) {
      if (g.contains(name)) {
        return g;
      }
    }
    return null;
  }

  /**
   * Parses {@code base+top+rpn+head} (any non-empty combination, any order, case-insensitive) into
   * groups; an unknown or repeated group is a {@link BadInputException} naming it.
   */
  public static Set<ModuleGroup> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw BadInputException.of(null, null, "groups", spec, "empty; expected groups joined by '+' from " + names());
    }
    Set<ModuleGroup> out = EnumSet.noneOf(ModuleGroup.class);
    for (String part : spec.split("\\+", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      ModuleGroup found = null;
      for (ModuleGroup g : values()) {
        if (g.configName.equals(p)) {
          found = g;
        }
      }
      if (found == null) {
        throw BadInputException.of(null, null, "groups", part, "unknown module group; expected one of " + names());
      }
      if (!out.add(found)) {
        throw BadInputException.of(null, null, "groups", part, "module group listed twice in '" + spec + "'");
      }
    }
    return out;
  }

  /**
   * The groups a {@code paper-voc} preset names ({@code paper-voc} = all four, {@code
   * paper-voc:a+b} = those), or null for any other preset.
   */
  public static Set<ModuleGroup> ofPreset(String preset) {
    if (preset == null) {
      return null;
    }
    String p = preset.toLowerCase(Locale.ROOT);
    if (p.equals(PrunableSet.PAPER_VOC)) {
      return EnumSet.allOf(ModuleGroup.class);
    }
    if (p.startsWith(PrunableSet.PAPER_VOC + ":")) {
      return parseList(p.substring(PrunableSet.PAPER_VOC.length() + 1));
    }
    return null;
  }

  /** The config names, in Table 3's order. */
  public static List<String> names() {
    List<String> n = new ArrayList<>();
    for (ModuleGroup g : values()) {
      n.add(g.configName);
    }
    return n;
  }
}
