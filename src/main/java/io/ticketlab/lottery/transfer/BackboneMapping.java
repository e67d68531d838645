package io.ticketlab.lottery.transfer;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a ResNet classifier's tensors sit in a detector: under {@code backbone.body.} (FPN models,
 * and the stem + layer1–3 of the paper's C4 model), except a C4 model's {@code layer4}, which its box
 * head holds ({@code roi_heads.box_head.layer4.}). The classifier's {@code fc} is dropped; a {@code
 * module.} prefix (a {@code DataParallel}-wrapped checkpoint) is removed. Names or shapes that match
 * nothing in the target are refused, listing the first mismatches.
 */
final class BackboneMapping {
  private BackboneMapping() {}

  /** Source tensors by target name (source name order kept); {@code sourceNames} gets their source names. */
  static Map<String, FloatTensor> map(
      Map<String, FloatTensor> source, Map<String, int[]> targetShapes, Path sourceFile, Map<String, String> sourceNames) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, FloatTensor> e : source.entrySet()) {
      String name = e.getKey().startsWith("module.") ? e.getKey().substring("module.".length()) : e.getKey();
      if (name.startsWith("fc.") || name.endsWith("num_batches_tracked")) {
        continue;
      }
      String target = "backbone.body." + name;
      if (!targetShapes.containsKey(target) && targetShapes.containsKey("roi_heads.box_head." + name)) {
        target = "roi_heads.box_head." + name;
      }
      int[] shape = targetShapes.get(target);
      if (shape == null) {
        mismatches.add(e.getKey() + " (no " + target + " in the target)");
      } else if (!Arrays.equals(shape, e.getValue().shape())) {
        mismatches.add(e.getKey() + " " + e.getValue().shapeString() + " vs " + target + " " + Arrays.toString(shape));
      } else {
        out.put(target, e.getValue());
        sourceNames.put(target, name);
      }
    }
    if (!mismatches.isEmpty() || out.isEmpty()) {
      throw BadInputException.of(sourceFile, null, null, null,
          (out.isEmpty() ? "no tensor of a ResNet backbone for this detector" : "does not fit the detector's backbone")
              + (mismatches.isEmpty() ? "" : ": " + mismatches.size() + " mismatches, first "
                  + String.join("; ", mismatches.subList(0, Math.min(3, mismatches.size())))));
    }
    return out;
  }

  /** The target's tensors that the transfer leaves fresh. */
  static List<String> fresh(Map<String, int[]> targetShapes, Map<String, FloatTensor> transferred) {
    return targetShapes.keySet().stream().filter(n -> !transferred.containsKey(n)).toList();
  }
}
