package io.ticketlab.lottery.transfer;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-task ticket transfer (supplementary B, paper Table 4): from a ticket of one detector task
 * (Mask R-CNN det/seg, or Keypoint R-CNN) to another, the mask and values of everything the two
 * networks share up to and including the box head — backbone, FPN, RPN and the box head's {@code
 * fc6}/{@code fc7} (C4: {@code layer4}) — while the box predictor and the task-specific heads stay
 * dense and fresh. With {@code maskOnly} (the authors' code) only the mask goes over and the target
 * keeps its own initial values.
 */
public final class CrossTaskTransfer {
  private static final List<String> SHARED = List.of("backbone.", "rpn.", "roi_heads.box_head.");

  private CrossTaskTransfer() {}

  /** Whether a detector tensor belongs to the part two detector tasks share. */
  public static boolean shared(String name) {
    return SHARED.stream().anyMatch(name::startsWith);
  }

  /**
   * @param source the source ticket's weights (a detector state dict)
   * @param sourceMask its mask (from its checkpoint), or null: then the zero pattern of the paper's
   *     prunable set ({@code paper-coco}) over the shared tensors
   * @param targetShapes the target detector's parameter shapes
   * @param maskOnly transfer the mask only, not the values
   * @param file the source file, for errors
   */
  public static Transfer of(
      Map<String, FloatTensor> source, Mask sourceMask, Map<String, int[]> targetShapes, boolean maskOnly, Path file) {
    List<String> mismatches = new ArrayList<>();
    Map<String, FloatTensor> shared = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : source.entrySet()) {
      String name = e.getKey();
      if (!shared(name) || name.endsWith("num_batches_tracked")) {
        continue;
      }
      int[] shape = targetShapes.get(name);
      if (shape == null) {
        mismatches.add(name + " (not in the target)");
      } else if (!Arrays.equals(shape, e.getValue().shape())) {
        mismatches.add(name + " " + e.getValue().shapeString() + " vs " + Arrays.toString(shape));
      } else {
        shared.put(name, e.getValue());
      }
    }
    if (!mismatches.isEmpty() || shared.isEmpty()) {
      throw BadInputException.of(file, null, null, null,
          (shared.isEmpty() ? "no backbone, FPN, RPN or box head tensor of a detector"
              : "does not fit the target detector up to its box head")
              + (mismatches.isEmpty() ? "" : ": " + mismatches.size() + " mismatches, first "
                  + String.join("; ", mismatches.subList(0, Math.min(3, mismatches.size())))));
    }
    Map<String, BitMask> mask = new LinkedHashMap<>();
    if (sourceMask != null) {
      sourceMask.tensors().forEach((name, m) -> {
        if (shared.containsKey(name)) {
          mask.put(name, m);
        }
      });
    } else {
      PrunableSet prunable = PrunableSet.preset("paper-coco");
      shared.forEach((name, v) -> {
        if (prunable.contains(name, v.shape())) {
          mask.put(name, BitMask.ofNonZero(v));
        }
      });
    }
    Mask m = Mask.of(mask);
    if (m.kept() == m.total()) {
      throw BadInputException.of(file, null, null, null,
          "prunes nothing up to the box head: a dense checkpoint, not a ticket");
    }
    Map<String, FloatTensor> values = maskOnly ? Map.of() : m.applyTo(shared);
    return new Transfer(values, m, new ArrayList<>(values.keySet()), BackboneMapping.fresh(targetShapes, values));
  }
}
