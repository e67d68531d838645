package io.ticketlab.prune;

import io.ticketlab.common.FloatTensor;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The paper's Table 3 accounting: how many parameters each {@link ModuleGroup} holds, its share of
 * all parameters of the network, and the network sparsity that pruning a fraction of some groups
 * gives (zeros over all parameters, as {@link NetworkSparsity}: batch-norm running statistics are
 * buffers and not counted; biases and batch-norm scale/shift are counted, never pruned).
 *
 * <p>For the paper's ResNet-18 C4 Faster R-CNN the paper gives Base 21.93 %, Top 66.39 %, RPN
 * 9.71 %, Head 0.65 %, and 78.94 % network sparsity for 80 % of all four. Pure arithmetic on
 * shapes, no engine.
 *
 * @param groupParameters weights in each group (every group present, possibly 0)
 * @param groupZeros zero-valued weights in each group (all 0 when counted from shapes)
 * @param totalParameters all parameters of the network
 */
public record ModuleGroupShares(
    Map<ModuleGroup, Long> groupParameters, Map<ModuleGroup, Long> groupZeros, long totalParameters) {

  public ModuleGroupShares {
    if (totalParameters <= 0) {
      throw new IllegalArgumentException("a network has parameters, got a total of " + totalParameters);
    }
    groupParameters = complete(groupParameters);
    groupZeros = complete(groupZeros);
  }

  private static Map<ModuleGroup, Long> complete(Map<ModuleGroup, Long> m) {
    EnumMap<ModuleGroup, Long> copy = new EnumMap<>(ModuleGroup.class);
    for (ModuleGroup g : ModuleGroup.values()) {
      copy.put(g, m.getOrDefault(g, 0L));
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Counts the groups of a model's weights, and the zeros in each (e.g. of a pruned checkpoint). */
  public static ModuleGroupShares ofWeights(Map<String, FloatTensor> weights) {
    Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
    EnumMap<ModuleGroup, Long> zeros = new EnumMap<>(ModuleGroup.class);
    PrunableSet all = PrunableSet.preset(PrunableSet.PAPER_VOC);
    weights.forEach((name, t) -> {
      shapes.put(name, t.shape());
      if (!NetworkSparsity.isBuffer(name) && all.contains(name, t.shape())) {
        zeros.merge(ModuleGroup.of(name), (long) t.countZeros(), Long::sum);
      }
    });
    ModuleGroupShares sizes = of(shapes);
    return new ModuleGroupShares(sizes.groupParameters(), zeros, sizes.totalParameters());
  }

  /**
   * Counts the groups of a model given by state-dict name → shape; only tensors of 2 or more
   * dimensions (conv / linear weights) outside shortcut {@code downsample}s are in a group, exactly
   * as the {@code paper-voc} preset selects them.
   */
  public static ModuleGroupShares of(Map<String, int[]> shapes) {
    EnumMap<ModuleGroup, Long> counts = new EnumMap<>(ModuleGroup.class);
    PrunableSet all = PrunableSet.preset(PrunableSet.PAPER_VOC);
    long total = 0;
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      if (NetworkSparsity.isBuffer(e.getKey())) {
        continue;
      }
      long n = 1;
      for (int d : e.getValue()) {
        n *= d;
      }
      total += n;
      if (all.contains(e.getKey(), e.getValue())) {
        counts.merge(ModuleGroup.of(e.getKey()), n, Long::sum);
      }
    }
    return new ModuleGroupShares(counts, Map.of(), total);
  }

  /** Fraction (0..1) of {@code group}'s weights that are zero (0 for an empty group). */
  public double sparsity(ModuleGroup group) {
    long n = groupParameters.get(group);
    return n == 0 ? 0 : (double) groupZeros.get(group) / n;
  }

  /** Fraction (0..1) of all parameters that {@code group} holds. */
  public double share(ModuleGroup group) {
    return (double) groupParameters.get(group) / totalParameters;
  }

  /** Fraction (0..1) of all parameters that {@code groups} hold together. */
  public double share(Set<ModuleGroup> groups) {
    long n = 0;
    for (ModuleGroup g : groups) {
      n += groupParameters.get(g);
    }
    return (double) n / totalParameters;
  }

  /**
   * The network sparsity (0..1) after pruning {@code pruneFraction} (0..1) of the weights of {@code
   * groups} in a dense network: {@code pruneFraction × share(groups)} (rounding of the per-group
   * counts aside).
   */
  public double networkSparsity(Set<ModuleGroup> groups, double pruneFraction) {
    if (!(pruneFraction >= 0 && pruneFraction <= 1)) {
      throw new IllegalArgumentException("prune fraction must be in [0, 1], got " + pruneFraction);
    }
    return pruneFraction * share(groups);
  }
}
