package io.ticketlab.model.io;

import io.ticketlab.common.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a loaded state dict with the names and shapes a model expects, the way PyTorch's
 * {@code load_state_dict} does: missing keys (the model has them, the file does not), unexpected
 * keys (the file has them, the model does not) and mis-shaped keys (both have them, the shapes
 * differ). Strict mode refuses any difference; partial mode reports them and lets the caller load
 * the tensors that match (e.g. an ImageNet backbone into a detector with a different head).
 */
public final class StateDictComparison {
  private StateDictComparison() {}

  /** How many names of each kind an error message lists before "and N more". */
  public static final int NAMES_SHOWN = 10;

  /** Whether differences are an error. */
  public enum Mode {
    /** Any missing, unexpected or mis-shaped key is a {@link BadInputException}. */
    STRICT,
    /** Differences are reported; only matching tensors should be loaded. */
    PARTIAL
  }

  /** A key whose shape in the file differs from the model's. */
  public record MisShaped(String name, int[] expected, int[] actual) {
    @Override
    public String toString() {
      return name + ": model " + Arrays.toString(expected) + ", file " + Arrays.toString(actual);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MisShaped m && name.equals(m.name)
          && Arrays.equals(expected, m.expected) && Arrays.equals(actual, m.actual);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  /** The differences, each list in the model's (missing, mis-shaped) or file's order. */
  public record Report(List<String> missing, List<String> unexpected, List<MisShaped> misShaped,
      List<String> matched) {
    public Report {
      missing = List.copyOf(missing);
      unexpected = List.copyOf(unexpected);
      misShaped = List.copyOf(misShaped);
      matched = List.copyOf(matched);
    }

    /** Whether every expected key is present with its shape and nothing else is. */
    public boolean isClean() {
      return missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty();
    }

    /** The tensors of {@code loaded} whose name and shape match the model, in model order. */
    public StateDict loadable(StateDict loaded) {
      LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
      for (String name : matched) {
        out.put(name, loaded.get(name));
      }
      return StateDict.of(out);
    }

    /**
     * One line describing the differences, at most {@code maxNames} names of each kind, e.g.
     * {@code 1 missing (fc.bias); 1 mis-shaped (fc.weight: model [10, 512], file [1000, 512])}.
     */
    public String describe(int maxNames) {
      List<String> parts = new ArrayList<>();
      if (!missing.isEmpty()) {
        parts.add(missing.size() + " missing (" + list(missing, maxNames) + ")");
      }
      if (!unexpected.isEmpty()) {
        parts.add(unexpected.size() + " unexpected (" + list(unexpected, maxNames) + ")");
      }
      if (!misShaped.isEmpty()) {
        parts.add(misShaped.size() + " mis-shaped ("
            + list(misShaped.stream().map(MisShaped::toString).toList(), maxNames) + ")");
      }
      return parts.isEmpty() ? "all " + matched.size() + " keys match" : String.join("; ", parts);
    }

    private static String list(List<String> names, int max) {
      if (names.size() <= max) {
        return String.join(", ", names);
      }
      return String.join(", ", names.subList(0, max)) + ", ... and " + (names.size() - max)
          + " more";
    }
  }

  /** Compares {@code loaded} with the {@code name → shape} map the model expects. */
  public static Report compare(Map<String, int[]> expected, StateDict loaded) {
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<MisShaped> misShaped = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      if (!loaded.contains(e.getKey())) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(e.getValue(), loaded.get(e.getKey()).shape())) {
        misShaped.add(new MisShaped(e.getKey(), e.getValue().clone(),
            loaded.get(e.getKey()).shape().clone()));
      } else {
        matched.add(e.getKey());
      }
    }
    for (String name : loaded.names()) {
      if (!expected.containsKey(name)) {
        unexpected.add(name);
      }
    }
    return new Report(missing, unexpected, misShaped, matched);
  }

  /**
   * Compares and, in {@link Mode#STRICT}, refuses any difference.
   *
   * @param file the file the state dict came from, for the message
   * @throws BadInputException in strict mode when the report is not clean, listing the keys
   */
  public static Report check(Path file, Map<String, int[]> expected, StateDict loaded, Mode mode) {
    Report report = compare(expected, loaded);
    if (mode == Mode.STRICT && !report.isClean()) {
      throw BadInputException.of(file, null, null, null,
          "the checkpoint does not match the model: " + report.describe(NAMES_SHOWN)
              + " (use --partial to load only the matching tensors)");
    }
    return report;
  }
}
