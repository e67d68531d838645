package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The pruning strategies of the paper and its controls.
 *
 * <ul>
 *   <li>{@link #global()}: global magnitude pruning (the paper's default) — one threshold over all
 *       prunable weights; exactly round(density × total) weights survive.
 *   <li>{@link #layerwise()}: layer-wise magnitude pruning (the paper's ablation) — every tensor
 *       keeps the same fraction, round(density × size) weights each.
 *   <li>{@link #random(long)}: random pruning at the same global density (a control).
 *   <li>{@link #randomLike(Mask, long)}: random pruning with the same per-tensor counts as a
 *       reference mask (open_lth's "random pruning" branch).
 * </ul>
 *
 * Ties (equal magnitudes) go to the earlier tensor and the lower index, so results are
 * deterministic.
 */
public final class MagnitudePruning {
  private MagnitudePruning() {}

  public static PruningStrategy global() {
    return (weights, current, density) -> {
      check(weights, current, density);
      List<String> names = new ArrayList<>(current.names());
      long k = Math.round(density * current.total());
      return Mask.of(TopKSelection.keepTop(names, magnitudes(weights, names), current.tensors(), k));
    };
  }

  public static PruningStrategy layerwise() {
    return (weights, current, density) -> {
      check(weights, current, density);
      Map<String, BitMask> out = new LinkedHashMap<>();
      for (String name : current.names()) {
        long k = Math.round(density * Mask.numel(current.get(name).shape()));
        out.putAll(
            TopKSelection.keepTop(
                List.of(name), magnitudes(weights, List.of(name)), current.tensors(), k));
      }
      return Mask.of(out);
    };
  }

  public static PruningStrategy random(long seed) {
    return (weights, current, density) -> {
      check(weights, current, density);
      List<String> names = new ArrayList<>(current.names());
      long k = Math.round(density * current.total());
      return Mask.of(TopKSelection.keepTop(names, randomScores(current, seed), current.tensors(), k));
    };
  }

  /** Random survivors with, per tensor, as many kept weights as {@code reference} keeps. */
  public static PruningStrategy randomLike(Mask reference, long seed) {
    return (weights, current, density) -> {
      Map<String, BitMask> out = new LinkedHashMap<>();
      Map<String, float[]> scores = randomScores(current, seed);
      for (String name : current.names()) {
        BitMask ref = reference.get(name);
        if (ref == null) {
          throw new IllegalArgumentException("Reference mask lacks tensor " + name);
        }
        out.putAll(TopKSelection.keepTop(List.of(name), scores, current.tensors(), ref.countOnes()));
      }
      return Mask.of(out);
    };
  }

  private static Map<String, float[]> randomScores(Mask current, long seed) {
    Map<String, float[]> scores = new LinkedHashMap<>();
    SplittableRandom rng = new SplittableRandom(seed);
    for (String name : current.names()) {
      float[] s = new float[(int) Mask.numel(current.get(name).shape())];
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) rng.nextDouble();
      }
      scores.put(name, s);
    }
    return scores;
  }

  private static Map<String, float[]> magnitudes(Map<String, FloatTensor> weights, List<String> names) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (String name : names) {
      m.put(name, weights.get(name).data());
    }
    return m;
  }

  private static void check(Map<String, FloatTensor> weights, Mask current, double density) {
    if (!(density >= 0 && density <= 1)) {
      throw BadInputException.of(null, null, "density", density, "must be within [0, 1] (sparsity 0–100%)");
    }
    for (String name : current.names()) {
      FloatTensor w = weights.get(name);
      if (w == null) {
        throw BadInputException.of(null, null, name, null, "the mask names a tensor the weights do not have");
      }
      if (!java.util.Arrays.equals(w.shape(), current.get(name).shape())) {
        throw BadInputException.of(
            null, null, name, w.shapeString(),
            "weight shape differs from the mask's " + java.util.Arrays.toString(current.get(name).shape()));
      }
    }
  }
}
