package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.report.ReportInput;
import io.ticketlab.train.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every experiment under some roots into the plain values the report draws ({@link
 * ReportInput}): each finished level or branch's {@link LevelRecord}, what kind of ticket it is
 * (direct pruning, a control branch, an ImageNet ticket or a mask transfer, from {@code spec.json})
 * its {@code validation.csv} and what it costs ({@link LevelCosts}). A folder without a level record is still training and is listed,
 * never half-read; a record that cannot be read is listed with the reason and the rest is read.
 */
public final class RunIndex {
  private static final String VALIDATION = "validation.csv";
  private static final String EVAL = "eval.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunIndex() {}

  /**
   * Scans {@code roots}, without error analyses (no {@code results.json} is read).
   *
   * @throws BadInputException when a root is not a folder, holds no experiment, or nothing under
   *     any root is readable (the message names the first reason)
   */
  public static ReportInput scan(List<Path> roots) {
    return scan(roots, null, false);
  }

  /**
   * Scans {@code roots} for the report: with the error analyses of the detector levels the report
   * compares ({@link LevelAnalyses}) cached under {@code analysisCache} (null: computed, not cached),
   * and each level's costs ({@link LevelCosts}, cached in {@link LevelCosts#defaultCache()}).
   *
   * @throws BadInputException as {@link #scan(List)}
   */
  public static ReportInput scan(List<Path> roots, Path analysisCache) {
    return scan(roots, analysisCache, true);
  }

  private static ReportInput scan(List<Path> roots, Path analysisCache, boolean full) {
    LevelAnalyses analyzer = full ? new LevelAnalyses(analysisCache) : null;
    List<ReportInput.LevelAnalysis> analyses = new ArrayList<>();
    List<ReportInput.Level> levels = new ArrayList<>();
    List<ReportInput.ValidationCurve> curves = new ArrayList<>();
    List<String> unfinished = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    List<ReportInput.Session> provenance = new ArrayList<>();
    List<LevelCosts.Request> costRequests = new ArrayList<>();
    Map<String, String> experimentRoots = new LinkedHashMap<>();
    List<ReportInput.Settings> settings = new ArrayList<>();
    List<ReportInput.EarlyBirdMask> earlyBird = new ArrayList<>();
    int experiments = 0;
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        throw BadInputException.of(root, null, null, null,
            Files.exists(root) ? "not a folder (--root takes a folder of lottery_<id> experiments)" : "no such folder");
      }
      List<ExperimentLayout> found;
      try {
        found = ExperimentLayout.under(root);
      } catch (IOException e) {
        throw BadInputException.of(root, null, null, null, "cannot list: " + e.getMessage());
      }
      if (found.isEmpty()) {
        throw BadInputException.of(root, null, null, null, "no experiment folders (lottery_<id>) in it");
      }
      experiments += found.size();
      for (ExperimentLayout layout : found) {
        read(layout, levels, curves, unfinished, unreadable, provenance, analyzer, analyses, costRequests, settings,
            earlyBird);
        experimentRoots.putIfAbsent(layout.runId(), root.toString());
      }
    }
    if (levels.isEmpty()) {
      throw new BadInputException(unreadable.isEmpty()
          ? "no finished level (level.json) in the " + experiments + " experiments under " + roots
              + (unfinished.isEmpty() ? "" : " (" + unfinished.size() + " still training)")
          : "nothing readable under " + roots + ": " + unreadable.get(0));
    }
    return new ReportInput(roots.stream().map(Path::toString).toList(), levels, curves, unfinished, unreadable,
        provenance, experimentRoots, analyses,
        full ? LevelCosts.cachingIn(LevelCosts.defaultCache()).readAll(costRequests) : List.of(), settings, earlyBird);
  }

  private static void read(ExperimentLayout layout, List<ReportInput.Level> levels,
      List<ReportInput.ValidationCurve> curves, List<String> unfinished, List<String> unreadable,
      List<ReportInput.Session> provenance, LevelAnalyses analyzer, List<ReportInput.LevelAnalysis> analyses,
      List<LevelCosts.Request> costs, List<ReportInput.Settings> settings, List<ReportInput.EarlyBirdMask> earlyBird) {
    String task;
    String transferKind = null;
    ExperimentSpec spec = null;
    if (Files.exists(layout.spec())) {
      try {
        spec = ExperimentSpec.fromCanonicalJson(Files.readString(layout.spec(), StandardCharsets.UTF_8));
        task = spec.task().key();
        settings.add(settings(layout.runId(), spec));
        if (spec.transfer() != null) {
          transferKind = switch (spec.transfer().kind()) {
            case ExperimentSpec.Transfer.MASK -> ReportInput.MASK_TRANSFER;
            case ExperimentSpec.Transfer.TASK -> Boolean.TRUE.equals(spec.transfer().maskOnly()) ? ReportInput.CROSS_TASK_MASK
                : ReportInput.CROSS_TASK;
            default -> ReportInput.IMAGENET_TICKET;
          };
        }
      } catch (IOException | RuntimeException e) {
        unreadable.add(layout.spec() + ": not a resolved spec: " + firstLine(e));
        return;
      }
    } else if (Files.exists(layout.legacyConfig())) {
      task = "classify"; // TicketLab 0.1 ran classifiers only
    } else {
      unreadable.add(layout.runDir() + ": no spec.json (not a TicketLab experiment, or not started)");
      return;
    }
    List<ExperimentLayout.LevelFolder> folders;
    try {
      folders = layout.levelFolders();
    } catch (IOException e) {
      unreadable.add(layout.runDir() + ": cannot list: " + firstLine(e));
      return;
    }
    Map<ReportInput.Level, Path> detectorLevels = new LinkedHashMap<>();
    for (ExperimentLayout.LevelFolder f : folders) {
      Path record = ExperimentLayout.record(f.dir());
      if (!Files.exists(record)) {
        unfinished.add(f.dir().toString());
        continue;
      }
      LevelRecord r;
      try {
        r = LevelRecord.read(record);
        check(record, r);
      } catch (BadInputException e) {
        unreadable.add(e.getMessage());
        continue;
      }
      String kind = f.branch() != null ? f.branch() : transferKind != null ? transferKind : ReportInput.DIRECT;
      Map<String, Double> evaluation = Map.of();
      Path eval = f.dir().resolve(EVAL);
      if (Files.exists(eval)) {
        try {
          evaluation = readEvaluation(eval);
        } catch (BadInputException e) {
          unreadable.add(e.getMessage());
        }
      }
      ReportInput.Level level = new ReportInput.Level(layout.runId(), task, kind, f.replicate(), f.level(),
          r.prunePercent(), r.networkSparsityPercent(), r.metricName(), finite(r.metrics()), f.name(), evaluation);
      levels.add(level);
      detectorLevels.put(level, f.dir());
      costs.add(new LevelCosts.Request(layout.runId(), kind, f, r.networkSparsityPercent(), spec));
      if (Files.exists(Provenance.file(f.dir()))) {
        try {
          for (Provenance.Session p : Provenance.read(f.dir()).sessions()) {
            provenance.add(new ReportInput.Session(layout.runId() + "/" + f.name(), p.ticketlab(), p.gitCommit(),
                p.libtorch(), p.devices() == null ? "" : String.join(" ", p.devices()), p.onednnIsa(), p.seed(),
                p.host(), p.started(), p.finished()));
          }
        } catch (IOException | RuntimeException e) {
          unreadable.add(Provenance.file(f.dir()) + ": not a provenance record: " + firstLine(e));
        }
      }
      Path iou = ExperimentLayout.maskIou(f.dir());
      if (f.branch() != null && Files.exists(iou)) {
        try {
          earlyBird.add(readMaskIou(iou, layout.runId(), f));
        } catch (BadInputException e) {
          unreadable.add(e.getMessage());
        }
      }
      Path validation = f.dir().resolve(VALIDATION);
      if (Files.exists(validation)) {
        try {
          curves.add(readValidation(validation, layout.runId(), kind, f));
        } catch (BadInputException e) {
          unreadable.add(e.getMessage());
        }
      }
    }
    if (analyzer != null && spec != null && spec.isDetector()) {
      analyze(layout, spec, detectorLevels, analyzer, analyses, unreadable);
    }
  }

  /** The error analyses of the compared levels that have a {@code results.json}; failures are listed. */
  private static void analyze(ExperimentLayout layout, ExperimentSpec spec, Map<ReportInput.Level, Path> dirs,
      LevelAnalyses analyzer, List<ReportInput.LevelAnalysis> analyses, List<String> unreadable) {
    List<ReportInput.Level> compared = LevelAnalyses.compared(List.copyOf(dirs.keySet())).stream()
        .filter(l -> Files.exists(dirs.get(l).resolve(LevelAnalyses.RESULTS))).toList();
    if (compared.isEmpty()) {
      return;
    }
    Path groundTruth;
    try {
      if (spec.data().val() == null) {
        throw new BadInputException("no data.val in the spec");
      }
      groundTruth = LevelAnalyses.groundTruth(spec.data().val(), layout.runDir().getParent(),
          recordedGroundTruth(dirs.get(compared.get(0)).resolve(EVAL)));
    } catch (BadInputException e) {
      unreadable.add(layout.spec() + ": error analyses of " + compared.size() + " results.json files left out: "
          + e.getMessage());
      return;
    }
    for (ReportInput.Level l : compared) {
      try {
        analyses.add(analyzer.analyze(l, dirs.get(l), groundTruth));
      } catch (RuntimeException e) { // a bad file, or an analysis that cannot take it: this level is left out
        String m = firstLine(e);
        Path results = dirs.get(l).resolve(LevelAnalyses.RESULTS);
        unreadable.add((m.startsWith(results.toString()) ? m : results + ": " + m) + " (error analyses left out)");
      }
    }
  }

  /** The settings of {@code spec} that the paper's ablations vary, and the ids that group its ablations. */
  static ReportInput.Settings settings(String runId, ExperimentSpec spec) {
    ExperimentSpec.Pruning p = spec.pruning();
    ExperimentSpec.Rewind r = spec.rewind();
    Map<String, String> sameExcept = new LinkedHashMap<>();
    String modules = null;
    if (p != null) {
      modules = p.preset() == null ? "" : p.preset();
      if (p.include() != null && !p.include().isEmpty()) {
        modules += (modules.isEmpty() ? "" : "; ") + "include " + String.join(", ", p.include());
      }
      if (p.exclude() != null && !p.exclude().isEmpty()) {
        modules += (modules.isEmpty() ? "" : "; ") + "exclude " + String.join(", ", p.exclude());
      }
      sameExcept.put(ReportInput.MODULES, sameExcept(spec,
          new ExperimentSpec.Pruning(null, null, null, p.strategy(), p.sparsity(), p.rounds(), p.fraction(), p.levels()), r));
      sameExcept.put(ReportInput.STRATEGY, sameExcept(spec,
          new ExperimentSpec.Pruning(p.preset(), p.include(), p.exclude(), null, p.sparsity(), p.rounds(), p.fraction(),
              p.levels()), r));
      sameExcept.put(ReportInput.ROUNDS, sameExcept(spec,
          new ExperimentSpec.Pruning(p.preset(), p.include(), p.exclude(), p.strategy(), p.sparsity(), null, p.fraction(),
              p.levels()), r));
      sameExcept.put(ReportInput.REWIND_AT, sameExcept(spec, p, r == null ? null : new ExperimentSpec.Rewind(null,
          r.optimizer())));
    }
    return new ReportInput.Settings(runId, spec.task().key(), modules, p == null ? null : p.strategy(),
        p == null ? null : p.rounds(), r == null || r.at() == null ? null : r.at().toString(),
        spec.earlyBird() == null ? List.of() : spec.earlyBird(), sameExcept);
  }

  /** The run id of {@code spec} with other pruning and rewind settings, without replicates or early-bird fractions. */
  private static String sameExcept(ExperimentSpec spec, ExperimentSpec.Pruning pruning, ExperimentSpec.Rewind rewind) {
    return new ExperimentSpec(spec.version(), spec.task(), spec.data(), spec.model(), spec.training(), pruning, rewind,
        1, spec.seed(), List.of(), spec.transfer()).runId();
  }

  /** Reads an early-bird branch's {@code mask_iou.json} ({@code {"fraction", "iteration", "maskIouWithTicket"}}). */
  static ReportInput.EarlyBirdMask readMaskIou(Path file, String experiment, ExperimentLayout.LevelFolder f) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "not a mask IoU record: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw BadInputException.of(file, null, null, null, "not a mask IoU record: expected a JSON object");
    }
    for (String field : List.of("fraction", "iteration", "maskIouWithTicket")) {
      if (!root.path(field).isNumber()) {
        throw BadInputException.of(file, null, field, root.path(field).toString(), "must be a number");
      }
    }
    double iou = root.get("maskIouWithTicket").asDouble();
    if (!(iou >= 0 && iou <= 1)) {
      throw BadInputException.of(file, null, "maskIouWithTicket", iou, "must be in [0, 1]");
    }
    return new ReportInput.EarlyBirdMask(experiment, f.branch(), f.replicate(), f.level(),
        root.get("fraction").asDouble(), root.get("iteration").asLong(), iou);
  }

  /** The {@code ground_truth} an {@code eval.json} records (the path its validation used), or null. */
  private static Path recordedGroundTruth(Path eval) {
    try {
      JsonNode gt = Files.exists(eval) ? JSON.readTree(eval.toFile()).path("ground_truth") : null;
      return gt != null && gt.isTextual() ? Path.of(gt.asText()) : null;
    } catch (IOException | RuntimeException e) {
      return null; // an unreadable eval.json is reported where it is read
    }
  }

  /** A level record's numbers must be what a finished level writes: percentages in [0, 100]. */
  private static void check(Path file, LevelRecord r) {
    if (!(r.prunePercent() >= 0 && r.prunePercent() <= 100)) {
      throw BadInputException.of(file, null, "prunePercent", r.prunePercent(), "must be a percentage in [0, 100]");
    }
    if (!(r.networkSparsityPercent() >= 0 && r.networkSparsityPercent() <= 100)) {
      throw BadInputException.of(file, null, "networkSparsityPercent", r.networkSparsityPercent(),
          "must be a percentage in [0, 100]");
    }
  }

  private static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * The COCO summaries of a level's {@code eval.json} ({@code {"iteration": N, "bbox": {"AP": ..., "APs": ...},
   * "segm": {...}}}) as {@code bbox/APs} → value; values that are not finite numbers are left out.
   */
  static Map<String, Double> readEvaluation(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "not an evaluation: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw BadInputException.of(file, null, null, null, "not an evaluation: expected a JSON object");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    root.fields().forEachRemaining(type -> {
      if (type.getValue().isObject()) {
        type.getValue().fields().forEachRemaining(stat -> {
          if (stat.getValue().isNumber() && Double.isFinite(stat.getValue().asDouble())) {
            out.put(type.getKey() + "/" + stat.getKey(), stat.getValue().asDouble());
          }
        });
      }
    });
    return out;
  }

  /** Reads a {@code validation.csv} ({@code iteration,epoch,val_*,bbox/AP,...}; NaN where not evaluated). */
  static ReportInput.ValidationCurve readValidation(Path file, String experiment, String kind,
      ExperimentLayout.LevelFolder f) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "cannot read: " + firstLine(e));
    }
    if (lines.isEmpty() || !lines.get(0).startsWith("iteration,")) {
      throw BadInputException.of(file, "line 1", null, lines.isEmpty() ? "" : lines.get(0),
          "not a validation.csv header (iteration,epoch,val_...)");
    }
    String[] header = lines.get(0).split(",", -1);
    List<Long> iterations = new ArrayList<>();
    Map<String, List<Double>> columns = new LinkedHashMap<>();
    for (int c = 1; c < header.length; c++) {
      columns.put(header[c], new ArrayList<>());
    }
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] parts = lines.get(i).split(",", -1);
      if (parts.length != header.length) {
        throw BadInputException.of(file, "line " + (i + 1), null, lines.get(i),
            "has " + parts.length + " fields, the header " + header.length);
      }
      try {
        iterations.add(Long.parseLong(parts[0]));
        for (int c = 1; c < header.length; c++) {
          columns.get(header[c]).add(Double.parseDouble(parts[c]));
        }
      } catch (NumberFormatException e) {
        throw BadInputException.of(file, "line " + (i + 1), null, lines.get(i), "not a number: " + e.getMessage());
      }
    }
    return new ReportInput.ValidationCurve(experiment, kind, f.replicate(), f.level(), f.name(), iterations, columns);
  }

  private static String firstLine(Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.lines().findFirst().orElse("");
  }
}
