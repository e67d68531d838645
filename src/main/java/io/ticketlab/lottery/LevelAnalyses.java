package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticketlab.analysis.keypoints.KeypointAnalysis;
import io.ticketlab.analysis.keypoints.KeypointAnalysisResult;
import io.ticketlab.analysis.keypoints.KeypointAnalysisStep;
import io.ticketlab.analysis.keypoints.KeypointError;
import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.eval.coco.CategoryAp;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.report.ReportInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The error analyses of the detector levels a report compares ({@link ReportInput.LevelAnalysis}): per-category
 * AP (paper Fig. 5), TIDE's dAP per error type (supplementary Figs. 2, 3) and coco-analyze's keypoint errors
 * (supplementary Fig. 5), each computed from a level's {@code results.json} against the experiment's ground
 * truth ({@code data.val}) with the evaluator and analyses of {@code ticketlab eval} and {@code ticketlab analyze}.
 *
 * <p>They are expensive, so each is cached in one file per level, {@code <cache>/<key>.json}, the key being the
 * SHA-256 of {@link #VERSION}, the task, and the SHA-256 of the results and of the ground-truth file: a report
 * over unchanged runs recomputes nothing, and a changed file, task or analysis version is a new key. A results
 * file that does not fit its ground truth (unknown image or category id, not JSON) is listed as unreadable with
 * the reason, and the other levels are analysed.
 */
public final class LevelAnalyses {
  /** The version of what an analysis computes; part of every cache key, so a new one recomputes. */
  public static final String VERSION = "ticketlab-error-analyses/1";
  /** The COCO results of a level's final validation ({@code CocoWriter.writeResults}). */
  public static final String RESULTS = "results.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<TideErrorType> TIDE_TYPES = List.of(TideErrorType.values());
  /** coco-analyze's keypoint errors of supplementary Fig. 5, in the paper's order. */
  private static final List<KeypointAnalysisStep> KEYPOINT_FIXES = List.of(KeypointAnalysisStep.JITTER,
      KeypointAnalysisStep.INVERSION, KeypointAnalysisStep.SWAP, KeypointAnalysisStep.MISS);
  private static final List<KeypointError> KEYPOINT_CLASSES = List.of(KeypointError.JITTER, KeypointError.INVERSION,
      KeypointError.SWAP, KeypointError.MISS);

  private final Path cache;
  private final Map<Path, String> hashes = new HashMap<>();
  private final Map<Path, CocoDataset> groundTruths = new HashMap<>();
  private final Map<Path, BadInputException> badGroundTruths = new HashMap<>();

  /** Analyses cached under {@code cache}; null computes every analysis and caches nothing. */
  public LevelAnalyses(Path cache) {
    this.cache = cache;
  }

  /**
   * The levels of one experiment that the report compares: the dense network (level 0's ticket) and every
   * folder (ticket and branches) at the highest level.
   */
  static List<ReportInput.Level> compared(List<ReportInput.Level> levels) {
    int last = levels.stream().mapToInt(ReportInput.Level::level).max().orElse(0);
    return levels.stream()
        .filter(l -> l.level() == last || (l.level() == 0 && l.folder().endsWith("/main"))).toList();
  }

  /**
   * Where the ground truth {@code data.val} of an experiment under {@code root} is: as written when absolute;
   * else relative to the config's folder, which a run folder does not record, so the first that exists of the
   * working folder, the root and the root's parent (the config beside the root, as {@code ticketlab lottery
   * --root runs} from the config's folder makes it).
   *
   * @throws BadInputException naming the places looked in when none holds the file
   */
  static Path groundTruth(String val, Path root) {
    return groundTruth(val, root, null);
  }

  /**
   * As {@link #groundTruth(String, Path)}, trying first {@code recorded}: the absolute path a level's
   * {@code eval.json} records as its {@code ground_truth} (null: none recorded).
   */
  static Path groundTruth(String val, Path root, Path recorded) {
    Path p = Path.of(val);
    Set<Path> candidates = new LinkedHashSet<>();
    if (recorded != null) {
      candidates.add(recorded);
    }
    if (p.isAbsolute()) {
      candidates.add(p);
    } else {
      candidates.add(p);
      candidates.add(root.resolve(p));
      Path parent = root.toAbsolutePath().getParent();
      if (parent != null) {
        candidates.add(parent.resolve(p));
      }
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    throw BadInputException.of(null, null, "data.val", val, "ground truth not found (looked for "
        + String.join(", ", candidates.stream().map(Path::toString).toList())
        + "; a relative data.val is relative to the config's folder; levels of TicketLab 0.2 and later record"
        + " the path in eval.json)");
  }

  /**
   * The analyses of one level ({@code dir} holds its {@code results.json}), from the cache when it has them.
   *
   * @throws BadInputException naming the file and the reason when the results or ground truth cannot be read
   *     or do not fit each other
   */
  ReportInput.LevelAnalysis analyze(ReportInput.Level level, Path dir, Path groundTruth) {
    Path results = dir.resolve(RESULTS);
    String key = key(level.task(), hash(results), hash(groundTruth));
    Path cached = cache == null ? null : cache.resolve(key + ".json");
    Analyses a = cached == null ? null : readCache(cached);
    if (a == null) {
      a = compute(level.task(), results, groundTruth);
      if (cached != null) {
        writeCache(cached, a);
      }
    }
    return new ReportInput.LevelAnalysis(level.experiment(), level.task(), level.kind(), level.replicate(),
        level.level(), level.networkSparsityPercent(), level.folder(), a.categoryAp(), a.tide(), a.keypoints());
  }

  /** The cache key of a level's analyses: its file under the cache is {@code <key>.json}. */
  public static String key(String task, Path results, Path groundTruth) {
    return key(task, sha256(results), sha256(groundTruth));
  }

  private static String key(String task, String resultsHash, String groundTruthHash) {
    return sha256((VERSION + "\n" + task + "\n" + resultsHash + "\n" + groundTruthHash).getBytes(StandardCharsets.UTF_8));
  }

  private record Analyses(Map<String, Map<String, Double>> categoryAp, Map<String, Map<String, Double>> tide,
      Map<String, Double> keypoints) {}

  private Analyses compute(String task, Path results, Path groundTruthFile) {
    CocoDataset gt = groundTruths.get(groundTruthFile);
    if (gt == null) {
      if (badGroundTruths.containsKey(groundTruthFile)) {
        throw badGroundTruths.get(groundTruthFile); // read once, however many levels share it
      }
      try {
        gt = CocoReader.readDataset(groundTruthFile);
      } catch (BadInputException e) {
        badGroundTruths.put(groundTruthFile, e);
        throw e;
      }
      groundTruths.put(groundTruthFile, gt);
    }
    List<CocoResult> dets = CocoReader.readResults(results, gt);
    try {
      Map<String, Map<String, Double>> categoryAp = new LinkedHashMap<>();
      for (IouType t : iouTypes(task)) {
        Evaluation e = CocoEvaluator.evaluate(gt, dets, EvalParams.defaults(t));
        Map<String, Double> perCategory = new LinkedHashMap<>();
        for (CategoryAp c : e.perCategory()) {
          perCategory.put(perCategory.containsKey(c.name()) ? c.name() + " (" + c.categoryId() + ")" : c.name(),
              c.ap());
        }
        categoryAp.put(t.cocoName(), perCategory);
      }
      Map<String, Map<String, Double>> tide = new LinkedHashMap<>();
      for (TideMode mode : task.equals("seg") ? List.of(TideMode.BBOX, TideMode.MASK) : List.of(TideMode.BBOX)) {
        TideResult r = Tide.analyze(gt, dets, TideSettings.defaults(mode));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("AP50", r.ap());
        TIDE_TYPES.forEach(type -> m.put(type.shortName(), r.dAp(type)));
        tide.put(mode == TideMode.MASK ? "segm" : "bbox", m);
      }
      Map<String, Double> keypoints = new LinkedHashMap<>();
      if (task.equals("kp")) {
        KeypointAnalysisResult r = KeypointAnalysis.analyze(gt, dets);
        for (KeypointAnalysisStep s : KEYPOINT_FIXES) {
          double[] gain = r.isolatedImprovement(s, "all");
          double sum = 0;
          for (double g : gain) {
            sum += g;
          }
          keypoints.put(s.shortName(), sum / gain.length);
        }
        double total = 0;
        for (KeypointError e : KeypointError.values()) {
          total += r.errorCounts().get(e);
        }
        for (KeypointError e : KEYPOINT_CLASSES) {
          keypoints.put("share/" + e.jsonName(), total > 0 ? 100 * r.errorCounts().get(e) / total : 0);
        }
      }
      return new Analyses(categoryAp, tide, keypoints);
    } catch (BadInputException e) {
      String m = e.getMessage();
      throw new BadInputException(m.startsWith(results.toString()) ? m : results + " against " + groundTruthFile
          + ": " + m, e);
    }
  }

  /** The IoU types a task's final validation evaluates (those of {@code eval.json}). */
  static List<IouType> iouTypes(String task) {
    return switch (task) {
      case "seg" -> List.of(IouType.BBOX, IouType.SEGM);
      case "kp" -> List.of(IouType.BBOX, IouType.KEYPOINTS);
      default -> List.of(IouType.BBOX);
    };
  }

  /** The cached analyses, or null when the file is missing, unreadable or of another version. */
  private static Analyses readCache(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !VERSION.equals(root.path("version").asText())) {
        return null;
      }
      return new Analyses(nested(root.path("categoryAp")), nested(root.path("tide")), flat(root.path("keypoints")));
    } catch (IOException | RuntimeException e) {
      return null; // recomputed and rewritten
    }
  }

  private static Map<String, Map<String, Double>> nested(JsonNode node) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> out.put(f.getKey(), flat(f.getValue())));
    return out;
  }

  private static Map<String, Double> flat(JsonNode node) {
    Map<String, Double> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> {
      if (!f.getValue().isNumber() && !f.getValue().isNull()) {
        throw new IllegalArgumentException("not a number: " + f.getKey());
      }
      out.put(f.getKey(), f.getValue().isNull() ? Double.NaN : f.getValue().asDouble());
    });
    return out;
  }

  private static void writeCache(Path file, Analyses a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ObjectNode categories = root.putObject("categoryAp");
    a.categoryAp().forEach((t, m) -> put(categories.putObject(t), m));
    ObjectNode tide = root.putObject("tide");
    a.tide().forEach((t, m) -> put(tide.putObject(t), m));
    put(root.putObject("keypoints"), a.keypoints());
    try {
      AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the analysis cache " + file + ": " + e.getMessage(), e);
    }
  }

  private static void put(ObjectNode node, Map<String, Double> values) {
    // JSON has no NaN: a value that is not finite is written as null and read back as NaN
    values.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        node.put(k, v);
      } else {
        node.putNull(k);
      }
    });
  }

  private String hash(Path file) {
    return hashes.computeIfAbsent(file, LevelAnalyses::sha256);
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "cannot read: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
