package io.ticketlab.lottery.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Expands a sweep ({@code base:} an inline experiment, {@code axes:} key path → list of values) into
 * cells: the cartesian product of the axes, each resolved as an ordinary experiment with the run id
 * {@code ticketlab lottery} would use. A value that makes a cell invalid is named by its axis.
 */
public final class SweepCells {
  /** One cell: its index, the axis values that made it, and its resolved experiment. */
  public record Cell(int index, Map<String, String> values, ExperimentSpec spec) {
    public String runId() {
      return spec.runId();
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SweepCells() {}

  /** The cells of the sweep whose text is {@code text} ({@code file} only names it in errors). */
  public static List<Cell> expand(Path file, String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (Exception e) {
      throw BadInputException.of(file, null, null, null, "not YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.path("base").isObject()) {
      throw BadInputException.of(file, null, "base", null, "required: the base experiment");
    }
    JsonNode axes = root.path("axes");
    List<String> keys = new ArrayList<>();
    List<List<JsonNode>> values = new ArrayList<>();
    for (Iterator<String> it = axes.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      JsonNode list = axes.get(key);
      if (!list.isArray() || list.isEmpty()) {
        throw BadInputException.of(file, null, "axes." + key, list, "must be a non-empty list");
      }
      List<JsonNode> vs = new ArrayList<>();
      list.forEach(vs::add);
      keys.add(key);
      values.add(vs);
    }
    List<Cell> cells = new ArrayList<>();
    int[] pick = new int[keys.size()];
    while (true) {
      ObjectNode cell = root.get("base").deepCopy();
      Map<String, String> chosen = new java.util.LinkedHashMap<>();
      for (int a = 0; a < keys.size(); a++) {
        JsonNode v = values.get(a).get(pick[a]);
        set(cell, keys.get(a), v);
        chosen.put(keys.get(a), v.asText());
      }
      cells.add(new Cell(cells.size(), chosen, resolve(file, cell, chosen)));
      int a = keys.size() - 1;
      while (a >= 0 && ++pick[a] == values.get(a).size()) {
        pick[a--] = 0;
      }
      if (a < 0) {
        return List.copyOf(cells);
      }
    }
  }

  private static void set(ObjectNode node, String keyPath, JsonNode value) {
    String[] parts = keyPath.split("\\.");
    ObjectNode at = node;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.has(parts[i]) && at.get(parts[i]).isObject() ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
    }
    at.set(parts[parts.length - 1], value);
  }

  private static ExperimentSpec resolve(Path file, ObjectNode cell, Map<String, String> chosen) {
    ConfigKeys keys = (keyPath, value, why) -> chosen.containsKey(keyPath)
        ? BadInputException.of(file, null, "axes." + keyPath, value, why)
        : BadInputException.of(file, null, "base." + keyPath, value, why);
    String text;
    try {
      text = YAML.writeValueAsString(cell);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ExperimentConfig config;
    try {
      config = ExperimentConfig.parse(file, text);
    } catch (BadInputException e) {
      // the config's own message names the key path within the cell: say which axis set it
      String why = e.getMessage().startsWith(file + ": ") ? e.getMessage().substring(file.toString().length() + 2)
          : e.getMessage();
      String axis = chosen.keySet().stream().filter(why::contains).findFirst().orElse(null);
      throw new BadInputException(file + ": " + (axis == null ? "base: " + why : "axes." + axis + ": " + why), e);
    }
    return ExperimentSpec.resolve(config, keys);
  }
}
