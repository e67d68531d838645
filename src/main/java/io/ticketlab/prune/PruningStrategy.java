package io.ticketlab.prune;

import io.ticketlab.common.FloatTensor;
import java.util.Map;

/**
 * One pruning step, as in open_lth: trained weights + current mask → new mask that keeps {@code
 * targetDensity} of the prunable set (the mask's tensors). Pruned weights stay pruned: the new mask
 * keeps a subset of the current one.
 */
@FunctionalInterface
public interface PruningStrategy {
  /**
   * @param weights the trained weights by name (must include every tensor of {@code current})
   * @param current the current mask (all ones at the first level)
   * @param targetDensity fraction of the prunable set to keep after this step, in [0, 1]
   */
  Mask prune(Map<String, FloatTensor> weights, Mask current, double targetDensity);
}
