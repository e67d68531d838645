package io.ticketlab.model.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters and buffers of a model under PyTorch's state-dict keys, in PyTorch's order (a
 * module's own entries first, then its children's, recursively). Masks, checkpoints and transfers
 * all address weights through these names.
 */
public final class ModelParameters {
  private ModelParameters() {}

  /** Name → parameter for every parameter and buffer below {@code root}. */
  public static Map<String, Parameter> of(Block root) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect(root, "", out);
    return Collections.unmodifiableMap(out);
  }

  /** Only the entries that training updates (requires gradient). */
  public static Map<String, Parameter> trainable(Block root) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : of(root).entrySet()) {
      if (e.getValue().requiresGradient()) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Total number of values of the entries that {@link #trainable} lists. */
  public static long countTrainable(Block root) {
    long n = 0;
    for (Parameter p : trainable(root).values()) {
      n += p.getShape().size();
    }
    return n;
  }

  /**
   * Copies the values of {@code from} into the entries of {@code to} under the same names, in
   * place (across devices when they differ): every entry of {@code from}, which {@code to} must all
   * have with the same shapes.
   */
  public static void copyValues(Map<String, Parameter> from, Map<String, Parameter> to) {
    copyValues(from, to, from.keySet());
  }

  /** As {@link #copyValues(Map, Map)} for the entries named in {@code names} only. */
  public static void copyValues(
      Map<String, Parameter> from, Map<String, Parameter> to, java.util.Collection<String> names) {
    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
      for (String name : names) {
        Parameter target = to.get(name);
        ai.djl.ndarray.NDArray value = from.get(name).getArray();
        if (target == null || !target.getArray().getShape().equals(value.getShape())) {
          throw new IllegalArgumentException("no entry " + name + " " + value.getShape() + " to copy into");
        }
        target.getArray().set(ALL, value);
      }
    }
  }

  private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

  /**
   * The names of the running statistics that training updates: {@code running_mean} and {@code
   * running_var} of every batch norm that is not frozen (frozen ones never change).
   */
  public static java.util.Set<String> updatedRunningStatistics(Block root) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    walk(root, "", (prefix, block) -> {
      if (block instanceof BatchNormLayer bn && !bn.frozen()) {
        out.add(prefix + "running_mean");
        out.add(prefix + "running_var");
      }
    });
    return Collections.unmodifiableSet(out);
  }

  private static void collect(Block root, String rootPrefix, Map<String, Parameter> out) {
    walk(root, rootPrefix, (prefix, block) -> {
      for (Pair<String, Parameter> p : block.getDirectParameters()) {
        out.put(prefix + p.getValue().getName(), p.getValue());
      }
    });
  }

  /** Visits {@code block} and its descendants in PyTorch's order, each with its name prefix. */
  private static void walk(Block block, String prefix, java.util.function.BiConsumer<String, Block> visit) {
    visit.accept(prefix, block);
    if (block instanceof TorchBlock tb) {
      for (Map.Entry<String, Block> c : tb.namedChildren().entrySet()) {
        walk(c.getValue(), prefix + c.getKey() + ".", visit);
      }
    } else {
      for (Pair<String, Block> c : block.getChildren()) {
        walk(c.getValue(), prefix + stripIndex(c.getKey()) + ".", visit);
      }
    }
  }

  /** DJL prefixes child names with a two-digit index ({@code 01conv1}). */
  private static String stripIndex(String djlName) {
    return djlName.length() > 2 && Character.isDigit(djlName.charAt(0)) && Character.isDigit(djlName.charAt(1))
        ? djlName.substring(2)
        : djlName;
  }
}
