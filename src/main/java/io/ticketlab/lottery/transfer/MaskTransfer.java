package io.ticketlab.lottery.transfer;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mask transfer (supplementary A): from pretrained ResNet weights (a torchvision ImageNet
 * checkpoint), keep the largest-magnitude {@code 1 − p} of the backbone's prunable convs (stem and
 * block convs, {@code classifier-convs}), one threshold over those convs only so that their sparsity
 * is exactly p; they keep their pretrained values, the rest become +0.0 and stay so while the
 * detector is fine-tuned. Downsample convs and batch norms transfer dense; FPN, RPN and heads are
 * fresh.
 */
public final class MaskTransfer {
  private MaskTransfer() {}

  /**
   * @param pretrained the classifier's state dict
   * @param pruneFraction p, the share of the prunable convs set to zero, in [0, 1)
   * @param targetShapes the detector's parameter shapes by name
   * @param source the file it came from, for errors
   */
  public static Transfer of(
      Map<String, FloatTensor> pretrained, double pruneFraction, Map<String, int[]> targetShapes, Path source) {
    if (!(pruneFraction >= 0 && pruneFraction < 1)) {
      throw new IllegalArgumentException("prune fraction " + pruneFraction);
    }
    Map<String, String> sourceNames = new LinkedHashMap<>();
    Map<String, FloatTensor> mapped = BackboneMapping.map(pretrained, targetShapes, source, sourceNames);
    PrunableSet convs = PrunableSet.preset("classifier-convs");
    Map<String, int[]> convShapes = new LinkedHashMap<>();
    mapped.forEach((name, v) -> {
      if (convs.contains(sourceNames.get(name), v.shape())) {
        convShapes.put(name, v.shape());
      }
    });
    Mask mask = MagnitudePruning.global().prune(mapped, Mask.ones(convShapes), 1 - pruneFraction);
    Map<String, FloatTensor> values = mask.applyTo(mapped);
    return new Transfer(values, mask, new ArrayList<>(values.keySet()), BackboneMapping.fresh(targetShapes, values));
  }
}
