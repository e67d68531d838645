package io.ticketlab.model.io;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors in file order, as a PyTorch state dict holds them: parameter and buffer names
 * ({@code conv1.weight}, {@code bn1.running_mean}, {@code bn1.num_batches_tracked}) mapped to
 * their values. Immutable.
 */
public final class StateDict {
  private final Map<String, StoredTensor> tensors;

  private StateDict(Map<String, StoredTensor> tensors) {
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /** A state dict with the entries of {@code tensors}, in its iteration order. */
  public static StateDict of(Map<String, StoredTensor> tensors) {
    LinkedHashMap<String, StoredTensor> copy = new LinkedHashMap<>();
    tensors.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException("null name or tensor in state dict");
          }
          copy.put(k, v);
        });
    return new StateDict(copy);
  }

  /** Float32 tensors by name. */
  public static StateDict ofFloats(Map<String, FloatTensor> tensors) {
    LinkedHashMap<String, StoredTensor> copy = new LinkedHashMap<>();
    tensors.forEach((k, v) -> copy.put(k, StoredTensor.of(v)));
    return new StateDict(copy);
  }

  /** The tensors by name, in file order (unmodifiable). */
  public Map<String, StoredTensor> tensors() {
    return tensors;
  }

  /** The names, in file order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** Number of tensors. */
  public int size() {
    return tensors.size();
  }

  /** Whether a tensor of this name is present. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The tensor of this name; throws {@link IllegalArgumentException} when absent. */
  public StoredTensor get(String name) {
    StoredTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("No tensor named '" + name + "'");
    }
    return t;
  }

  /** The tensor of this name as float32 (see {@link StoredTensor#toFloat()}). */
  public FloatTensor floatTensor(String name) {
    return get(name).toFloat();
  }

  /**
   * Every tensor as float32, in file order (see {@link StoredTensor#toFloat()}: float arrays are
   * shared, integer and bool tensors such as {@code num_batches_tracked} are converted).
   */
  public Map<String, FloatTensor> toFloatTensors() {
    LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(k, v.toFloat()));
    return out;
  }

  /** The shapes by name, in file order. */
  public Map<String, int[]> shapes() {
    LinkedHashMap<String, int[]> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(k, v.shape().clone()));
    return out;
  }

  /** Total number of elements over all tensors (parameters and buffers). */
  public long numel() {
    long n = 0;
    for (StoredTensor t : tensors.values()) {
      n += t.numel();
    }
    return n;
  }

  /**
   * This state dict with {@code prefix} removed from every name that starts with it (e.g.
   * {@code "module."} added by {@code DataParallel}).
   *
   * @param file the file the names came from, for the error message
   * @throws BadInputException when two names become equal
   */
  public StateDict withoutPrefix(String prefix, Path file) {
    LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
      String name = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
      if (out.put(name, e.getValue()) != null) {
        throw BadInputException.of(
            file, e.getKey(), null, null,
            "removing the prefix '" + prefix + "' gives a name that is already present: " + name);
      }
    }
    return new StateDict(out);
  }

  /** Whether every name starts with {@code prefix} (and there is at least one name). */
  public boolean allNamesStartWith(String prefix) {
    return !tensors.isEmpty() && tensors.keySet().stream().allMatch(k -> k.startsWith(prefix));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateDict s && tensors.equals(s.tensors)
        && java.util.List.copyOf(tensors.keySet()).equals(java.util.List.copyOf(s.tensors.keySet()));
  }

  @Override
  public int hashCode() {
    return tensors.hashCode();
  }

  @Override
  public String toString() {
    return "StateDict(" + tensors.size() + " tensors)";
  }
}
