package io.ticketlab.lottery.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sweep: the paper's experiment grid as independent runs. One or more grids, each a base experiment
 * plus axes (key path → list of values) expanded into their cartesian product; every cell is an
 * ordinary experiment with the run id {@code ticketlab lottery} gives it. A grid with a {@code
 * source} is a grid of ticket transfers: each cell's {@code transfer.source} is the level folder of
 * the one cell of the source grid that its values name, so the dependencies between cells are
 * derived (a transfer runs after its source), never written by hand. The whole sweep is checked
 * when it is read: a bad value, an unknown key, a source that names no cell or a cycle between grids
 * is one {@link BadInputException} naming the sweep file and the key, before anything runs.
 *
 * <p>The format is described in the README ("Sweeps"). Transfer cells' run ids depend on where
 * their source lies (the source path is part of the experiment), so a sweep is read for one root.
 *
 * @param file the sweep file (named in errors and in the commands the scheduler runs)
 * @param cells every cell, in the order of the grids and then of the axes (the last axis fastest)
 * @param resources what a cell asks a scheduler for ({@code emit}); every field optional
 * @param report the report written after every cell, or null
 */
public record Sweep(Path file, List<Cell> cells, Resources resources, Report report) {

  /**
   * One cell: an ordinary experiment.
   *
   * @param index its number in the sweep ({@code sweep run-cell --index})
   * @param grid the name of its grid ({@code main} for a sweep without {@code grids:})
   * @param values the axis values that made it, as written
   * @param experiment the resolved experiment
   * @param dependencies the cells that must be done before it runs (its transfer source)
   */
  public record Cell(int index, String grid, Map<String, String> values, Experiment experiment,
      List<Integer> dependencies) {
    public String runId() {
      return experiment.spec().runId();
    }

    /** Its axis values in one line: {@code model.arch=resnet50 task=seg}. */
    public String label() {
      StringBuilder sb = new StringBuilder(grid);
      values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      return sb.toString();
    }
  }

  /**
   * What each cell asks a scheduler for. {@code memory} as Slurm writes it ({@code 64G}, {@code
   * 500M}; a bare number is megabytes), {@code time} as Slurm writes it ({@code 48:00:00}, {@code
   * 2-00:00:00}, minutes).
   */
  public record Resources(String partition, Integer gpus, Integer cpus, String memory, String time) {
    public static Resources none() {
      return new Resources(null, null, null, null, null);
    }
  }

  /** The report written when every cell is done: {@code ticketlab report} to {@code out}, relative to the root. */
  public record Report(String out) {}

  /** The grid name of a sweep without {@code grids:}. */
  public static final String MAIN = "main";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_KEYS = Set.of("base", "axes", "grids", "resources", "report");
  private static final Set<String> GRID_KEYS = Set.of("base", "axes", "source");
  private static final Set<String> SOURCE_KEYS = Set.of("grid", "level", "replicate", "match", "same");
  private static final Set<String> RESOURCE_KEYS = Set.of("partition", "gpus", "cpus", "memory", "time");
  /** The axes of a transfer grid that pick its source cell instead of setting a key of its own. */
  static final String SOURCE_AXIS = "source.";

  /** Reads and checks the sweep {@code file}, for run folders under {@code root}. */
  public static Sweep read(Path file, Path root) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw BadInputException.of(file, null, null, null, "no such file");
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null,
          Files.isDirectory(file) ? "a folder, not a sweep file" : "cannot read: " + e.getMessage());
    }
    return parse(file, text, root);
  }

  /** The sweep whose text is {@code text}; {@code file} names it in errors and resolves relative bases. */
  public static Sweep parse(Path file, String text, Path root) {
    JsonNode top;
    try {
      top = YAML.readTree(text);
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null,
          "not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (top == null || !top.isObject()) {
      throw BadInputException.of(file, null, null, null, "empty sweep: give base and axes, or grids");
    }
    refuseUnknown(file, "", top, TOP_KEYS);
    Map<String, Grid> grids = new LinkedHashMap<>();
    if (top.has("grids")) {
      for (String k : new String[] {"base", "axes"}) {
        if (top.has(k)) {
          throw BadInputException.of(file, null, k, null, "give grids, or one grid as base and axes, not both");
        }
      }
      JsonNode g = top.get("grids");
      if (!g.isObject() || g.isEmpty()) {
        throw BadInputException.of(file, null, "grids", g, "must map grid names to {base, axes, source}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        grids.put(e.getKey(), Grid.parse(file, e.getKey(), "grids." + e.getKey() + ".", e.getValue()));
      }
    } else {
      grids.put(MAIN, Grid.parse(file, MAIN, "", top));
    }
    Resources resources = resources(file, top.get("resources"));
    Report report = report(file, top.get("report"));
    List<String> order = dependencyOrder(file, grids);
    int offset = 0;
    for (Grid g : grids.values()) {
      g.offset = offset;
      offset += g.size();
    }
    Cell[] cells = new Cell[offset];
    Path absoluteRoot = root.toAbsolutePath().normalize();
    for (String name : order) {
      Grid g = grids.get(name);
      g.resolve(file, grids, cells, absoluteRoot);
    }
    List<Cell> all = List.of(cells);
    Map<String, Cell> byRunId = new HashMap<>();
    for (Cell c : all) {
      Cell same = byRunId.putIfAbsent(c.runId(), c);
      if (same != null) {
        throw BadInputException.of(file, null, grids.get(c.grid()).prefix + "axes", c.label(),
            "the same experiment as cell " + same.index() + " (" + same.label() + ", run id " + c.runId()
                + "): an axis that changes nothing (replicates are sub-folders of one run, not part of the run id)");
      }
    }
    return new Sweep(file, all, resources, report);
  }

  /**
   * The cells in dependency stages: stage 0 the cells without dependencies, stage k those whose
   * dependencies lie in earlier stages (at least one in stage k - 1).
   */
  public List<List<Cell>> stages() {
    int[] stage = new int[cells.size()];
    int last = -1;
    for (Cell c : cells) { // dependencies have been resolved before their dependants, so follow them
      last = Math.max(last, stageOf(c, stage));
    }
    List<List<Cell>> out = new ArrayList<>();
    for (int s = 0; s <= last; s++) {
      int k = s;
      out.add(cells.stream().filter(c -> stage[c.index()] == k).toList());
    }
    return List.copyOf(out);
  }

  private int stageOf(Cell c, int[] stage) {
    int s = 0;
    for (int d : c.dependencies()) {
      s = Math.max(s, stageOf(cells.get(d), stage) + 1);
    }
    stage[c.index()] = s;
    return s;
  }

  /** The cell of index {@code index}; a bad index names the option. */
  public Cell cell(int index) {
    if (index < 0 || index >= cells.size()) {
      throw BadInputException.of(null, null, "--index", index,
          "the sweep " + file + " has cells 0 to " + (cells.size() - 1));
    }
    return cells.get(index);
  }

  /** Whether every level of every replicate of {@code cell} has its record under {@code root}. */
  public static boolean isDone(Cell cell, Path root) {
    return levelsDone(cell, root) == levelCount(cell);
  }

  /** The levels of {@code cell} under {@code root} whose record is written, over all replicates. */
  public static int levelsDone(Cell cell, Path root) {
    ExperimentLayout layout = cell.experiment().layout(root);
    int done = 0;
    for (int r = 0; r < cell.experiment().spec().replicates(); r++) {
      for (int level : LotteryRunner.levels(cell.experiment().spec())) {
        done += Files.exists(ExperimentLayout.record(layout.level(r, level))) ? 1 : 0;
      }
    }
    return done;
  }

  /** The levels {@code cell} runs, over all replicates. */
  public static int levelCount(Cell cell) {
    return LotteryRunner.levels(cell.experiment().spec()).size() * cell.experiment().spec().replicates();
  }

  /** One grid as written: base, axes, and the source of its transfers. */
  private static final class Grid {
    final String name;
    /** What its keys are called in errors: {@code ""} or {@code grids.NAME.}. */
    final String prefix;
    final ObjectNode base;
    /** The file the base came from (its own keys are named by it), or null for an inline base. */
    final Path baseFile;
    /** Where the cells' relative paths are resolved: the base file's folder, or the sweep's. */
    final Path baseDir;
    final List<String> axes = new ArrayList<>();
    final List<List<JsonNode>> values = new ArrayList<>();
    final Source source;
    /** Each resolved cell's axis values as written, in cell order. */
    final List<Map<String, JsonNode>> cellValues = new ArrayList<>();
    int offset;

    private Grid(String name, String prefix, ObjectNode base, Path baseFile, Path baseDir, Source source) {
      this.name = name;
      this.prefix = prefix;
      this.base = base;
      this.baseFile = baseFile;
      this.baseDir = baseDir;
      this.source = source;
    }

    static Grid parse(Path file, String name, String prefix, JsonNode node) {
      if (!node.isObject()) {
        throw BadInputException.of(file, null, prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1),
            node, "must be a grid {base, axes, source}");
      }
      if (!prefix.isEmpty()) {
        refuseUnknown(file, prefix, node, GRID_KEYS);
      }
      JsonNode b = node.get("base");
      ObjectNode base;
      Path baseFile = null;
      Path sweepDir = file.toAbsolutePath().normalize().getParent();
      if (b != null && b.isTextual()) {
        baseFile = sweepDir.resolve(b.asText()).normalize();
        base = readBase(file, prefix + "base", b.asText(), baseFile);
      } else if (b != null && b.isObject()) {
        base = (ObjectNode) b;
      } else {
        throw BadInputException.of(file, null, prefix + "base", b,
            "required: the base experiment, inline or the path of its config file");
      }
      Source source = Source.parse(file, prefix + "source", node.get("source"));
      Grid g = new Grid(name, prefix, base, baseFile, baseFile == null ? sweepDir : baseFile.getParent(), source);
      JsonNode axes = node.path("axes");
      if (!axes.isMissingNode() && !axes.isObject()) {
        throw BadInputException.of(file, null, prefix + "axes", axes, "must map key paths to lists of values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = axes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode list = e.getValue();
        if (!list.isArray() || list.isEmpty()) {
          throw BadInputException.of(file, null, prefix + "axes." + e.getKey(), list, "must be a non-empty list");
        }
        for (String key : keysOf(e.getKey())) {
          if (key.startsWith(SOURCE_AXIS) && source == null) {
            throw BadInputException.of(file, null, prefix + "axes." + key, null,
                "a source axis needs a source section (the grid whose cells the transfers take)");
          }
          if (key.equals("transfer.source") && source != null) {
            throw BadInputException.of(file, null, prefix + "axes." + key, null,
                "the source section sets it: vary the source with source.<key> axes");
          }
        }
        List<JsonNode> vs = new ArrayList<>();
        list.forEach(vs::add);
        List<String> linked = keysOf(e.getKey());
        if (linked.size() > 1) {
          for (JsonNode v : vs) {
            if (!v.isArray() || v.size() != linked.size()) {
              throw BadInputException.of(file, null, prefix + "axes." + e.getKey(), v,
                  "each value of a linked axis is a list of " + linked.size() + " values, one per key");
            }
          }
        }
        g.axes.add(e.getKey());
        g.values.add(vs);
      }
      if (source != null && base.path("transfer").has("source")) {
        throw BadInputException.of(baseFile != null ? baseFile : file, null,
            baseFile != null ? "transfer.source" : prefix + "base.transfer.source", base.path("transfer").get("source"),
            "the grid's source section sets it: leave it out");
      }
      return g;
    }

    /** Every key its axes set, linked axes ({@code "task, data.train"}) one key at a time. */
    List<String> axisKeys() {
      return axes.stream().flatMap(a -> keysOf(a).stream()).toList();
    }

    int size() {
      int n = 1;
      for (List<JsonNode> v : values) {
        n = Math.multiplyExact(n, v.size());
      }
      return n;
    }

    /** Resolves every cell of this grid into {@code cells}; the cells of its source grid are resolved. */
    void resolve(Path file, Map<String, Grid> grids, Cell[] cells, Path root) {
      int[] pick = new int[axes.size()];
      for (int i = 0; i < size(); i++) {
        ObjectNode tree = base.deepCopy();
        Map<String, String> chosen = new LinkedHashMap<>();
        Map<String, JsonNode> sourceValues = new LinkedHashMap<>();
        Map<String, JsonNode> raw = new LinkedHashMap<>();
        for (int a = 0; a < axes.size(); a++) {
          JsonNode v = values.get(a).get(pick[a]);
          List<String> linked = keysOf(axes.get(a));
          for (int k = 0; k < linked.size(); k++) {
            String key = linked.get(k);
            JsonNode value = linked.size() == 1 ? v : v.get(k);
            raw.put(key, value);
            if (key.startsWith(SOURCE_AXIS)) {
              sourceValues.put(key.substring(SOURCE_AXIS.length()), value);
            } else {
              set(tree, key, value);
            }
            chosen.put(key, value.asText());
          }
        }
        List<Integer> dependencies = List.of();
        if (source != null) {
          Cell from = source.cellFor(file, prefix + "source", grids.get(source.grid), cells, tree, sourceValues);
          int level = source.level(file, prefix + "source.level", from);
          int replicate = source.replicate;
          if (replicate >= from.experiment().spec().replicates()) {
            throw BadInputException.of(file, null, prefix + "source.replicate", replicate,
                "cell " + from.index() + " (" + from.label() + ") has replicates 0 to "
                    + (from.experiment().spec().replicates() - 1));
          }
          Path folder = ExperimentLayout.of(root, from.runId()).level(replicate, level);
          set(tree, "transfer.source", YAML.getNodeFactory().textNode(baseDir.relativize(folder).toString()));
          dependencies = List.of(from.index());
        }
        int index = offset + i;
        cellValues.add(raw);
        cells[index] = new Cell(index, name, Collections.unmodifiableMap(chosen),
            experiment(file, tree, chosen), dependencies);
        for (int a = axes.size() - 1; a >= 0 && ++pick[a] == values.get(a).size(); a--) {
          pick[a] = 0;
        }
      }
    }

    private Experiment experiment(Path file, ObjectNode tree, Map<String, String> chosen) {
      ConfigKeys keys = (keyPath, value, why) -> {
        if (chosen.containsKey(keyPath)) {
          return BadInputException.of(file, null, prefix + "axes." + keyPath, value, why);
        }
        if (keyPath.startsWith("transfer.source")) {
          return BadInputException.of(file, null, prefix + "source", value, why);
        }
        return baseFile != null ? BadInputException.of(baseFile, null, keyPath, value, why)
            : BadInputException.of(file, null, prefix + "base." + keyPath, value, why);
      };
      String text;
      try {
        text = YAML.writeValueAsString(tree);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      ExperimentConfig config;
      try {
        config = ExperimentConfig.parse(file, text);
      } catch (BadInputException e) {
        // the config's message names the key path within the cell: say which axis (or base) set it
        String head = file + ": ";
        String message = e.getMessage().startsWith(head) ? e.getMessage().substring(head.length()) : e.getMessage();
        // lines and columns would point into the cell's generated text, not into the sweep file
        String why = message.replaceAll(" \\(line \\d+, column \\d+\\)", "");
        String axis = chosen.keySet().stream().filter(k -> why.startsWith(k + ":") || why.startsWith(k + "."))
            .findFirst().orElse(null);
        String where = axis != null ? prefix + "axes." : baseFile != null ? "" : prefix + "base.";
        Path named = axis == null && baseFile != null ? baseFile : file;
        throw new BadInputException(named + ": " + where + why, e);
      }
      ExperimentSpec spec = ExperimentSpec.resolve(config, keys);
      if (LotteryRunner.levels(spec).isEmpty()) {
        throw keys.bad("pruning.levels", null,
            "a sweep cell needs a last level: give pruning.levels with pruning.fraction");
      }
      return new Experiment(spec, baseDir, ExperimentSpec.legacyRunId(config), baseFile != null ? baseFile : file);
    }
  }

  /** A transfer grid's source: the grid whose cells its transfers take, at which level and replicate. */
  private record Source(String grid, String level, int replicate, Map<String, JsonNode> match, List<String> same) {
    static Source parse(Path file, String where, JsonNode node) {
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        throw BadInputException.of(file, null, where, node, "must be {grid, level, replicate, match}");
      }
      refuseUnknown(file, where + ".", node, SOURCE_KEYS);
      JsonNode g = node.get("grid");
      if (g == null || !g.isTextual()) {
        throw BadInputException.of(file, null, where + ".grid", g, "required: the name of the source grid");
      }
      JsonNode l = node.path("level");
      String level = l.isMissingNode() ? "last" : l.asText();
      if (!(level.equals("last") || (l.isInt() && l.asInt() >= 0))) {
        throw BadInputException.of(file, null, where + ".level", l, "must be last or a level number (0: the dense network)");
      }
      JsonNode r = node.path("replicate");
      if (!r.isMissingNode() && !(r.isInt() && r.asInt() >= 0)) {
        throw BadInputException.of(file, null, where + ".replicate", r, "must be a replicate number (0, 1, ...)");
      }
      Map<String, JsonNode> match = new LinkedHashMap<>();
      JsonNode m = node.path("match");
      if (!m.isMissingNode() && !m.isObject()) {
        throw BadInputException.of(file, null, where + ".match", m, "must map axes of the source grid to values");
      }
      m.fields().forEachRemaining(e -> match.put(e.getKey(), e.getValue()));
      List<String> same = new ArrayList<>();
      JsonNode sm = node.path("same");
      if (!sm.isMissingNode() && !(sm.isArray() && java.util.stream.StreamSupport.stream(sm.spliterator(), false)
          .allMatch(JsonNode::isTextual))) {
        throw BadInputException.of(file, null, where + ".same", sm,
            "must list the keys whose value the source cell shares with the transfer (e.g. [model.arch])");
      }
      sm.forEach(k -> same.add(k.asText()));
      return new Source(g.asText(), level, r.isMissingNode() ? 0 : r.asInt(), match, List.copyOf(same));
    }

    /**
     * The one cell of {@code from} whose every axis value equals what this cell asks: its {@code
     * source.KEY} axis, else {@code match.KEY}, else, for a key listed in {@code same}, this cell's
     * own value of KEY (its model.arch, its seed); an axis asked by none of them is free.
     */
    Cell cellFor(Path file, String where, Grid from, Cell[] cells, ObjectNode tree, Map<String, JsonNode> asked) {
      for (String key : asked.keySet()) {
        if (!from.axisKeys().contains(key)) {
          throw BadInputException.of(file, null, where.replace("source", "axes.source." + key), null,
              "not an axis of grid " + from.name + " (its axes: " + String.join(", ", from.axisKeys()) + ")");
        }
      }
      for (String key : match.keySet()) {
        if (!from.axisKeys().contains(key)) {
          throw BadInputException.of(file, null, where + ".match." + key, null,
              "not an axis of grid " + from.name + " (its axes: " + String.join(", ", from.axisKeys()) + ")");
        }
      }
      for (String key : same) {
        if (!from.axisKeys().contains(key)) {
          throw BadInputException.of(file, null, where + ".same", key,
              "not an axis of grid " + from.name + " (its axes: " + String.join(", ", from.axisKeys()) + ")");
        }
      }
      List<Cell> found = new ArrayList<>();
      StringBuilder wanted = new StringBuilder();
      for (int i = 0; i < from.size(); i++) {
        Cell c = cells[from.offset + i];
        boolean all = true;
        for (String key : from.axisKeys()) {
          JsonNode want = asked.containsKey(key) ? asked.get(key) : match.containsKey(key) ? match.get(key)
              : same.contains(key) ? at(tree, key) : null;
          if (want != null && !normal(want).equals(normal(from.cellValues.get(i).get(key)))) {
            all = false;
          }
          if (i == 0 && want != null) {
            wanted.append(wanted.length() == 0 ? "" : ", ").append(key).append('=').append(want.asText());
          }
        }
        if (all) {
          found.add(c);
        }
      }
      String asking = wanted.length() == 0 ? "any cell" : wanted.toString();
      if (found.isEmpty()) {
        throw BadInputException.of(file, null, where, asking, "names no cell of grid " + from.name);
      }
      if (found.size() > 1) {
        throw BadInputException.of(file, null, where, asking, "names " + found.size() + " cells of grid " + from.name
            + " (cells " + found.get(0).index() + ", " + found.get(1).index() + ", ...): pick one with source.match,"
            + " source.same or a source.<key> axis");
      }
      return found.get(0);
    }

    int level(Path file, String where, Cell from) {
      List<Integer> levels = LotteryRunner.levels(from.experiment().spec());
      int last = levels.get(levels.size() - 1);
      if (level.equals("last")) {
        return last;
      }
      int l = Integer.parseInt(level);
      if (!levels.contains(l)) {
        throw BadInputException.of(file, null, where, l, "cell " + from.index() + " (" + from.label() + ") has levels "
            + levels.get(0) + " to " + last);
      }
      return l;
    }
  }

  /** Grids in an order where every source comes before its transfers; a cycle is refused. */
  private static List<String> dependencyOrder(Path file, Map<String, Grid> grids) {
    List<String> order = new ArrayList<>();
    Set<String> visiting = new java.util.LinkedHashSet<>();
    for (String name : grids.keySet()) {
      visit(file, name, grids, visiting, order);
    }
    return order;
  }

  private static void visit(Path file, String name, Map<String, Grid> grids, Set<String> visiting, List<String> order) {
    if (order.contains(name)) {
      return;
    }
    Grid g = grids.get(name);
    if (!visiting.add(name)) {
      List<String> path = new ArrayList<>(visiting);
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      cycle.add(name);
      throw BadInputException.of(file, null, g.prefix + "source.grid", g.source.grid,
          "dependency cycle: " + String.join(" -> ", cycle) + " (a transfer's source must not wait for the transfer)");
    }
    if (g.source != null) {
      if (!grids.containsKey(g.source.grid)) {
        throw BadInputException.of(file, null, g.prefix + "source.grid", g.source.grid,
            "names no grid (grids: " + String.join(", ", grids.keySet()) + ")");
      }
      visit(file, g.source.grid, grids, visiting, order);
    }
    visiting.remove(name);
    order.add(name);
  }

  private static Resources resources(Path file, JsonNode node) {
    if (node == null || node.isNull()) {
      return Resources.none();
    }
    if (!node.isObject()) {
      throw BadInputException.of(file, null, "resources", node, "must be {partition, gpus, cpus, memory, time}");
    }
    refuseUnknown(file, "resources.", node, RESOURCE_KEYS);
    JsonNode partition = node.get("partition");
    if (partition != null && !(partition.isTextual() && partition.asText().matches("[A-Za-z0-9_.,-]+"))) {
      throw BadInputException.of(file, null, "resources.partition", partition.asText(), "must be a partition name");
    }
    Integer gpus = count(file, node, "gpus", 0);
    Integer cpus = count(file, node, "cpus", 1);
    JsonNode memory = node.get("memory");
    if (memory != null && !memory.asText().matches("\\d+[KMGT]?")) {
      throw BadInputException.of(file, null, "resources.memory", memory.asText(), "must be a size as Slurm writes it: 64G, 500M");
    }
    JsonNode time = node.get("time");
    if (time != null) {
      try {
        SlurmTime.seconds(time.asText());
      } catch (IllegalArgumentException e) {
        throw BadInputException.of(file, null, "resources.time", time.asText(), e.getMessage());
      }
    }
    return new Resources(partition == null ? null : partition.asText(), gpus, cpus,
        memory == null ? null : memory.asText(), time == null ? null : time.asText());
  }

  private static Integer count(Path file, JsonNode node, String key, int min) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isInt() || v.asInt() < min) {
      throw BadInputException.of(file, null, "resources." + key, v, "must be a whole number of at least " + min);
    }
    return v.asInt();
  }

  private static Report report(Path file, JsonNode node) {
    if (node == null || node.isNull() || (node.isBoolean() && !node.asBoolean())) {
      return null;
    }
    if (node.isBoolean()) {
      return new Report("report.html");
    }
    if (!node.isObject()) {
      throw BadInputException.of(file, null, "report", node, "must be true or {out: FILE} (relative to the root)");
    }
    refuseUnknown(file, "report.", node, Set.of("out"));
    JsonNode out = node.path("out");
    if (!out.isMissingNode() && !out.isTextual()) {
      throw BadInputException.of(file, null, "report.out", out, "must be a file name");
    }
    return new Report(out.isMissingNode() ? "report.html" : out.asText());
  }

  private static ObjectNode readBase(Path file, String where, String written, Path baseFile) {
    String text;
    try {
      text = Files.readString(baseFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw BadInputException.of(file, null, where, written, "no such config file (" + baseFile + ")");
    }
    JsonNode node;
    try {
      node = YAML.readTree(text);
    } catch (IOException e) {
      throw BadInputException.of(baseFile, null, null, null,
          "not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      throw BadInputException.of(baseFile, null, null, null, "empty config");
    }
    return (ObjectNode) node;
  }

  private static void refuseUnknown(Path file, String prefix, JsonNode node, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw BadInputException.of(file, null, prefix + key, null,
            "unknown key (known here: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  /** The keys of an axis: one, or several for a linked axis {@code "task, data.train"}. */
  static List<String> keysOf(String axis) {
    return java.util.Arrays.stream(axis.split(",")).map(String::strip).toList();
  }

  private static void set(ObjectNode node, String keyPath, JsonNode value) {
    String[] parts = keyPath.split("\\.");
    ObjectNode at = node;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.has(parts[i]) && at.get(parts[i]).isObject() ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
    }
    at.set(parts[parts.length - 1], value);
  }

  private static JsonNode at(JsonNode node, String keyPath) {
    JsonNode at = node;
    for (String part : keyPath.split("\\.")) {
      at = at.path(part);
    }
    return at.isMissingNode() || at.isNull() || at.isContainerNode() ? null : at;
  }

  /** A value as compared: numbers by value ({@code 0.50} is {@code 0.5}), the rest as text. */
  private static String normal(JsonNode v) {
    if (v.isNumber()) {
      return v.decimalValue().stripTrailingZeros().toPlainString();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.asText()).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        return v.asText();
      }
    }
    return v.asText();
  }
}
