package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A lottery-ticket mask: for each prunable tensor (by torchvision state-dict name) one bit per
 * weight, 1 = kept, 0 = pruned. Tensors that are not in the mask are not prunable and stay dense.
 * Immutable; pruning produces a new mask that keeps a subset of the old one.
 */
public final class Mask {
  private final Map<String, BitMask> tensors;

  private Mask(Map<String, BitMask> tensors) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** A mask of the given tensors. */
  public static Mask of(Map<String, BitMask> tensors) {
    return new Mask(tensors);
  }

  /** The mask that keeps every weight of the given tensors (level 0 of a lottery run). */
  public static Mask ones(Map<String, int[]> shapes) {
    Map<String, BitMask> m = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> m.put(name, BitMask.ones(shape)));
    return new Mask(m);
  }

  public Map<String, BitMask> tensors() {
    return tensors;
  }

  public Set<String> names() {
    return tensors.keySet();
  }

  public BitMask get(String name) {
    return tensors.get(name);
  }

  /**
   * Checks the mask against a model's tensor shapes: an unknown name or a wrong shape is refused,
   * naming both.
   *
   * @param source where the mask came from, for the message
   */
  public Mask validate(Map<String, int[]> modelShapes, String source) {
    for (Map.Entry<String, BitMask> e : tensors.entrySet()) {
      int[] shape = modelShapes.get(e.getKey());
      if (shape == null) {
        throw BadInputException.of(
            null, source, e.getKey(), null, "the mask names a tensor the model does not have");
      }
      if (!Arrays.equals(shape, e.getValue().shape())) {
        throw BadInputException.of(
            null,
            source,
            e.getKey(),
            Arrays.toString(e.getValue().shape()),
            "mask shape differs from the model's " + Arrays.toString(shape));
      }
    }
    return this;
  }

  /** Number of kept weights. */
  public long kept() {
    long k = 0;
    for (BitMask b : tensors.values()) {
      k += b.countOnes();
    }
    return k;
  }

  /** Number of weights the mask covers (the prunable set). */
  public long total() {
    long n = 0;
    for (BitMask b : tensors.values()) {
      n += numel(b.shape());
    }
    return n;
  }

  /** Kept fraction of the prunable set. */
  public double density() {
    long t = total();
    return t == 0 ? 1.0 : (double) kept() / t;
  }

  /** Pruned fraction of the prunable set (the paper's "prune %" / 100). */
  public double sparsity() {
    return 1.0 - density();
  }

  /** Density of each tensor, in mask order. */
  public Map<String, Double> densities() {
    Map<String, Double> d = new LinkedHashMap<>();
    tensors.forEach((n, b) -> d.put(n, (double) b.countOnes() / Math.max(1, numel(b.shape()))));
    return d;
  }

  /** Whether every weight this mask keeps is also kept by {@code other} (masks only shrink). */
  public boolean isSubsetOf(Mask other) {
    for (Map.Entry<String, BitMask> e : tensors.entrySet()) {
      BitMask o = other.tensors.get(e.getKey());
      if (o == null) {
        return false;
      }
      long[] a = e.getValue().words();
      long[] b = o.words();
      if (a.length != b.length) {
        return false;
      }
      for (int i = 0; i < a.length; i++) {
        if ((a[i] & ~b[i]) != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code weights} with this mask applied: the pruned entries of every masked tensor set to +0.0
   * (never -0.0, which the bit-exact sparse formats would store as a value), everything else as it
   * is. Tensors the mask does not name are passed through.
   */
  public Map<String, FloatTensor> applyTo(Map<String, FloatTensor> weights) {
    Map<String, FloatTensor> out = new java.util.LinkedHashMap<>(weights);
    tensors.forEach((name, keep) -> {
      FloatTensor t = out.get(name);
      if (t == null) {
        return;
      }
      float[] d = t.data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] = keep.get(i) ? d[i] : 0f;
      }
      out.put(name, new FloatTensor(t.shape(), d));
    });
    return out;
  }

  /**
   * Intersection over union of the kept weights of two masks over the same tensors (the paper's
   * early-bird comparison, Fig. 2f).
   */
  public double iou(Mask other) {
    long inter = 0;
    long union = 0;
    for (Map.Entry<String, BitMask> e : tensors.entrySet()) {
      BitMask o = other.tensors.get(e.getKey());
      if (o == null) {
        throw new IllegalArgumentException("Masks cover different tensors: " + e.getKey());
      }
      long[] a = e.getValue().words();
      long[] b = o.words();
      for (int i = 0; i < a.length; i++) {
        inter += Long.bitCount(a[i] & b[i]);
        union += Long.bitCount(a[i] | b[i]);
      }
    }
    return union == 0 ? 1.0 : (double) inter / union;
  }

  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Mask m) || !m.tensors.keySet().equals(tensors.keySet())) {
      return false;
    }
    for (Map.Entry<String, BitMask> e : tensors.entrySet()) {
      BitMask b = m.tensors.get(e.getKey());
      if (!Arrays.equals(b.shape(), e.getValue().shape())
          || !Arrays.equals(b.words(), e.getValue().words())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = tensors.keySet().hashCode();
    for (BitMask b : tensors.values()) {
      h = 31 * h + Arrays.hashCode(b.words());
    }
    return h;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT, "Mask[%d tensors, %d/%d kept, sparsity %.4f]", tensors.size(), kept(), total(), sparsity());
  }
}
