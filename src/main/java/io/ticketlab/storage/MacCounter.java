package io.ticketlab.storage;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiply-accumulates of a dense or pruned network (the paper's supplementary Figure 4, right).
 * A layer's sparse MACs are its dense MACs times the density of its weight, which is exactly the
 * number of non-zero weights times the uses of each weight (output positions × instances), so
 * sparse counts are integers.
 */
public final class MacCounter {
  private MacCounter() {}

  /**
   * MACs of one layer.
   *
   * @param nonZeroWeights non-zero weights (all of them for a dense count or a weight the
   *     checkpoint does not hold)
   * @param fromCheckpoint whether the density came from a checkpoint tensor
   */
  public record LayerMacs(Layer layer, long denseMacs, long nonZeroWeights, long sparseMacs, boolean fromCheckpoint) {
    /** Fraction of non-zero weights. */
    public double density() {
      long n = layer.weightCount();
      return n == 0 ? 0 : (double) nonZeroWeights / n;
    }
  }

  /** Totals of one module group. */
  public record GroupMacs(String group, long denseMacs, long sparseMacs, long weights, long nonZeroWeights) {}

  /** The count for a whole network. */
  public record Report(
      String architecture, String input, List<LayerMacs> layers, List<GroupMacs> groups,
      long denseMacs, long sparseMacs, List<String> missingWeights) {
    /** Sparse over dense MACs. */
    public double ratio() {
      return denseMacs == 0 ? 0 : (double) sparseMacs / denseMacs;
    }
  }

  /** Dense MACs of {@code arch}. */
  public static Report dense(Architecture arch) {
    return count(arch, null, null);
  }

  /**
   * MACs of {@code arch} with each layer's weight density taken from {@code weights} (by
   * parameter name). Layers whose weight is absent count as dense and are listed in {@link
   * Report#missingWeights()}; a weight of the wrong shape, or a checkpoint holding none of the
   * layers, is bad input.
   *
   * @param source the checkpoint file for error messages, or null
   */
  public static Report count(Architecture arch, Map<String, FloatTensor> weights, Path source) {
    List<LayerMacs> rows = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Map<String, Long> nonZeroCache = new LinkedHashMap<>();
    int found = 0;
    for (Layer layer : arch.layers()) {
      long nonZero = layer.weightCount();
      boolean fromCheckpoint = false;
      FloatTensor w = weights == null ? null : weights.get(layer.weightName());
      if (w != null) {
        if (!Arrays.equals(w.shape(), layer.weightShape())) {
          throw BadInputException.of(source, "tensor '" + layer.weightName() + "'", "shape", w.shapeString(),
              arch.name() + " expects " + Arrays.toString(layer.weightShape()));
        }
        nonZero = nonZeroCache.computeIfAbsent(layer.weightName(), k -> (long) Masks.countNonZero(w));
        fromCheckpoint = true;
        found++;
      } else if (weights != null && !missing.contains(layer.weightName())) {
        missing.add(layer.weightName());
      }
      rows.add(new LayerMacs(layer, layer.denseMacs(), nonZero, nonZero * layer.usesPerWeight(), fromCheckpoint));
    }
    if (weights != null && found == 0 && !arch.layers().isEmpty()) {
      throw BadInputException.of(source, null, null, null,
          "holds none of the " + arch.layers().size() + " layer weights of " + arch.name()
              + " (e.g. '" + arch.layers().get(0).weightName() + "')");
    }
    Map<String, long[]> groups = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> seenWeights = new LinkedHashMap<>();
    long dense = 0;
    long sparse = 0;
    for (LayerMacs r : rows) {
      long[] g = groups.computeIfAbsent(r.layer().group(), k -> new long[4]);
      g[0] += r.denseMacs();
      g[1] += r.sparseMacs();
      if (seenWeights.computeIfAbsent(r.layer().group(), k -> new java.util.HashSet<>()).add(r.layer().weightName())) {
        g[2] += r.layer().weightCount();
        g[3] += r.nonZeroWeights();
      }
      dense += r.denseMacs();
      sparse += r.sparseMacs();
    }
    List<GroupMacs> groupRows = new ArrayList<>();
    groups.forEach((name, g) -> groupRows.add(new GroupMacs(name, g[0], g[1], g[2], g[3])));
    return new Report(arch.name(), arch.input(), rows, groupRows, dense, sparse, missing);
  }
}
