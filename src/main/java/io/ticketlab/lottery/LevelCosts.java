package io.ticketlab.lottery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.common.Parallel;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.config.Task;
import io.ticketlab.model.io.BitMask;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.report.ReportInput;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseFormats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads what a finished level or branch costs and how its ticket is spread over the network ({@link
 * ReportInput.Costs}): each prunable tensor's sparsity from {@code sparsity.json} (paper Fig. 2c; from the
 * mask when a level has none), each module's parameters and zeros (paper Table 3), and from the final
 * checkpoint its bytes in every sparse format ({@link SizeReport}, what {@code ticketlab size} prints for a
 * lottery folder) and its MACs per image ({@link MacCounter} on the network the spec describes, rebuilt by
 * {@link Architectures} without the engine: supplementary Fig. 4).
 *
 * <p>Encoding a checkpoint in seven formats takes about a second per ResNet-18, so the checkpoint's numbers
 * are cached, one small JSON file per checkpoint keyed by its path, size and modification time (a finished
 * level's checkpoints are never rewritten): a report over hundreds of levels reads each checkpoint once.
 */
public final class LevelCosts {
  /** Bumped when the cached numbers change meaning. */
  private static final int CACHE_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPARSITY_JSON = "sparsity.json";
  private static final String MASK_TLCK = "mask.tlck";

  private final Path cache;

  private LevelCosts(Path cache) {
    this.cache = cache;
  }

  /** A reader that caches checkpoint numbers in {@code cache} (created when first written), or none when null. */
  public static LevelCosts cachingIn(Path cache) {
    return new LevelCosts(cache);
  }

  /**
   * The default cache: the system property {@code ticketlab.cache}, else the environment variable {@code
   * TICKETLAB_CACHE}, else {@code ~/.cache/ticketlab}; then {@code level-costs/} in it.
   */
  public static Path defaultCache() {
    String dir = System.getProperty("ticketlab.cache");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("TICKETLAB_CACHE");
    }
    Path base = dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "ticketlab") : Path.of(dir);
    return base.resolve("level-costs");
  }

  /**
   * What the final checkpoint gives, cached.
   *
   * @param shapes every tensor of the weights by name, in checkpoint order
   * @param masked the weights the checkpoint's mask covers
   */
  record Measured(Map<String, int[]> shapes, List<String> masked, Map<String, Long> formatBytes, String sizesMissing,
      String architecture, long denseMacs, long sparseMacs, String macsMissing) {}

  /**
   * One level or branch to read.
   *
   * @param spec the experiment's resolved spec, or null (TicketLab 0.1 folders: no MACs)
   */
  public record Request(String experiment, String kind, ExperimentLayout.LevelFolder folder,
      double networkSparsityPercent, ExperimentSpec spec) {}

  /**
   * The costs of every request, in order, read on up to four threads (each holds one checkpoint in memory
   * while it measures it).
   */
  public List<ReportInput.Costs> readAll(List<Request> requests) {
    int threads = Math.max(1, Math.min(4, Math.min(requests.size(), Runtime.getRuntime().availableProcessors())));
    if (threads == 1) {
      return requests.stream().map(this::read).toList();
    }
    ExecutorService pool = Parallel.pool(threads, "level-costs");
    try {
      List<Future<ReportInput.Costs>> futures = new ArrayList<>();
      for (Request r : requests) {
        futures.add(pool.submit(() -> read(r)));
      }
      List<ReportInput.Costs> out = new ArrayList<>();
      for (Future<ReportInput.Costs> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while reading level costs", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private ReportInput.Costs read(Request r) {
    try {
      return read(r.experiment(), r.kind(), r.folder(), r.networkSparsityPercent(), r.spec());
    } catch (RuntimeException e) {
      // one level's unexpected input must not cost the rest of the report
      String why = r.folder().dir() + ": " + firstLine(e);
      return new ReportInput.Costs(r.experiment(), r.kind(), r.folder().replicate(), r.folder().level(),
          r.folder().name(), r.networkSparsityPercent(), List.of(), null, why, List.of(), why, Map.of(), why, null, 0, 0,
          why);
    }
  }

  /**
   * The costs of the level or branch in {@code f}.
   *
   * @param spec the experiment's resolved spec, or null (TicketLab 0.1 folders: no MACs)
   */
  public ReportInput.Costs read(String experiment, String kind, ExperimentLayout.LevelFolder f,
      double networkSparsityPercent, ExperimentSpec spec) {
    Path dir = f.dir();
    Map<String, Double> sparsity = null;
    String sparsityProblem = null;
    Path sparsityFile = ExperimentLayout.sparsity(dir);
    if (Files.exists(sparsityFile)) {
      try {
        sparsity = JSON.readValue(sparsityFile.toFile(), new TypeReference<LinkedHashMap<String, Double>>() {});
      } catch (IOException | RuntimeException e) {
        sparsityProblem = sparsityFile + ": not a sparsity record: " + firstLine(e);
      }
    }
    Map<String, BitMask> mask = null;
    String maskProblem = "no mask.tlck in " + f.name();
    Path maskFile = ExperimentLayout.mask(dir);
    if (Files.exists(maskFile)) {
      try {
        mask = TicketCheckpoint.read(maskFile).masks();
      } catch (RuntimeException e) {
        maskProblem = maskFile + ": not readable: " + firstLine(e);
      }
    }
    Measured m = measure(dir, spec);

    // the prunable tensors: those the final weights' mask covers, else mask.tlck's, else the spec's set
    Map<String, int[]> shapes = m.shapes() != null ? m.shapes() : new LinkedHashMap<>();
    if (m.shapes() == null && mask != null) {
      mask.forEach((n, b) -> shapes.put(n, b.shape()));
    }
    List<String> prunable = new ArrayList<>();
    if (m.masked() != null && !m.masked().isEmpty()) {
      prunable.addAll(m.masked());
    } else if (mask != null && !mask.isEmpty()) {
      prunable.addAll(mask.keySet());
    } else if (spec != null && spec.pruning() != null) {
      PrunableSet set = spec.pruning().prunableSet();
      shapes.forEach((n, s) -> {
        if (set.contains(n, s)) {
          prunable.add(n);
        }
      });
    }
    prunable.retainAll(shapes.keySet());
    prunable.sort(java.util.Comparator.comparingInt(new ArrayList<>(shapes.keySet())::indexOf));

    List<ReportInput.Count> tensors = new ArrayList<>();
    String source = null;
    String tensorsMissing = null;
    if (shapes.isEmpty()) {
      tensorsMissing = "no final checkpoint (checkpoint_<N>.tlck) and no mask.tlck in " + f.name()
          + ": the prunable tensors and their sizes are unknown";
    } else if (prunable.isEmpty()) {
      tensorsMissing = "neither the final checkpoint of " + f.name() + " nor a mask.tlck holds a mask, and the spec"
          + " names no prunable set: the prunable tensors are unknown";
    } else if (sparsity != null) {
      source = SPARSITY_JSON;
      for (String n : prunable) {
        Double s = sparsity.get(n);
        if (s == null) {
          tensorsMissing = sparsityFile + " has no entry for " + n;
          tensors.clear();
          break;
        }
        long size = FloatTensor.numel(shapes.get(n));
        tensors.add(new ReportInput.Count(n, size, Math.round(s * size)));
      }
    } else if (mask != null) {
      source = MASK_TLCK;
      for (String n : prunable) {
        BitMask b = mask.get(n);
        if (b == null) {
          tensorsMissing = "no sparsity.json, and " + maskFile + " has no entry for " + n;
          tensors.clear();
          break;
        }
        tensors.add(new ReportInput.Count(n, b.size(), b.size() - b.countOnes()));
      }
    } else {
      tensorsMissing = (sparsityProblem != null ? sparsityProblem : "no sparsity.json") + ", and " + maskProblem;
    }

    List<ReportInput.Count> modules = new ArrayList<>();
    String modulesMissing = null;
    if (m.shapes() == null) {
      modulesMissing = m.sizesMissing() != null ? m.sizesMissing() : "no final checkpoint in " + f.name();
    } else if (tensorsMissing != null) {
      modulesMissing = tensorsMissing;
    } else {
      Map<String, long[]> byModule = new LinkedHashMap<>();
      Map<String, Long> maskedZeros = new LinkedHashMap<>();
      tensors.forEach(t -> maskedZeros.put(t.name(), t.zeros()));
      for (Map.Entry<String, int[]> e : m.shapes().entrySet()) {
        if (NetworkSparsity.isBuffer(e.getKey())) {
          continue;
        }
        long size = FloatTensor.numel(e.getValue());
        long zeros;
        if (sparsity != null) {
          Double s = sparsity.get(e.getKey());
          zeros = s == null ? 0 : Math.round(s * size);
        } else {
          zeros = maskedZeros.getOrDefault(e.getKey(), 0L);
        }
        long[] c = byModule.computeIfAbsent(moduleOf(e.getKey()), k -> new long[2]);
        c[0] += size;
        c[1] += zeros;
      }
      byModule.forEach((name, c) -> modules.add(new ReportInput.Count(name, c[0], c[1])));
    }
    return new ReportInput.Costs(experiment, kind, f.replicate(), f.level(), f.name(), networkSparsityPercent,
        tensors, source, tensorsMissing, modules, modulesMissing,
        m.formatBytes() == null ? Map.of() : m.formatBytes(), m.sizesMissing(),
        m.architecture(), m.denseMacs(), m.sparseMacs(), m.macsMissing());
  }

  /**
   * The module of the network a tensor belongs to, from its torchvision name: the backbone's {@code stem}
   * and {@code layer1}..{@code layer4}, {@code FPN}, {@code RPN}, {@code RoI box head} (two-MLP head, or
   * layer4 in a C4 detector: the paper's "Top"), {@code RoI box predictor} (the paper's "Head"), {@code mask
   * head}, {@code keypoint head} and a classifier's {@code fc}.
   */
  public static String moduleOf(String name) {
    if (name.startsWith("backbone.fpn.")) {
      return "FPN";
    }
    if (name.startsWith("rpn.")) {
      return "RPN";
    }
    if (name.startsWith("roi_heads.box_head.")) {
      return "RoI box head";
    }
    if (name.startsWith("roi_heads.box_predictor.")) {
      return "RoI box predictor";
    }
    if (name.startsWith("roi_heads.mask_")) {
      return "mask head";
    }
    if (name.startsWith("roi_heads.keypoint_")) {
      return "keypoint head";
    }
    String n = name.startsWith("backbone.body.") ? name.substring("backbone.body.".length()) : name;
    if (n.startsWith("conv1.") || n.startsWith("bn1.")) {
      return "stem";
    }
    if (n.matches("layer[1-4]\\..*")) {
      return n.substring(0, "layer1".length());
    }
    if (n.startsWith("fc.")) {
      return "fc";
    }
    return "other";
  }

  /** The final checkpoint's shapes, sizes and MACs: cached, else read and measured. */
  private Measured measure(Path dir, ExperimentSpec spec) {
    long last;
    try {
      last = ExperimentLayout.latestCheckpoint(dir);
    } catch (IOException e) {
      return missing("cannot list " + dir + ": " + firstLine(e));
    }
    if (last < 0) {
      return missing("no checkpoint_<N>.tlck in " + dir + " (the final weights were deleted or never written)");
    }
    Path file = ExperimentLayout.checkpoint(dir, last);
    Path cached = cacheFile(file);
    if (cached != null && Files.exists(cached)) {
      try {
        return JSON.readValue(cached.toFile(), Measured.class);
      } catch (IOException | RuntimeException e) {
        // a damaged cache entry is measured again
      }
    }
    Measured m;
    try {
      m = measure(file, TicketCheckpoint.readWithoutOptimizer(file), spec);
    } catch (RuntimeException e) {
      return missing(file + ": not readable: " + firstLine(e));
    }
    if (cached != null) {
      try {
        // renamed into place, not forced to disk: a lost entry is measured again, a torn one cannot be seen
        Files.createDirectories(cached.getParent());
        Path partial = Files.createTempFile(cached.getParent(), cached.getFileName().toString(), ".partial");
        Files.writeString(partial, JSON.writeValueAsString(m));
        Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | RuntimeException e) {
        // a cache that cannot be written costs time, not results
      }
    }
    return m;
  }

  private static Measured measure(Path file, TicketCheckpoint checkpoint, ExperimentSpec spec) {
    Map<String, FloatTensor> weights = checkpoint.weights().toFloatTensors();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    weights.forEach((n, t) -> shapes.put(n, t.shape().clone()));
    Map<String, Long> bytes = SizeReport.of(weights, SparseFormats.all()).fileBytes();
    String architecture = null;
    long dense = 0;
    long sparse = 0;
    String macsMissing = null;
    try {
      Architecture arch = architecture(spec, shapes);
      MacCounter.Report r = MacCounter.count(arch, weights, file);
      architecture = arch.name() + ", " + arch.input();
      dense = r.denseMacs();
      sparse = r.sparseMacs();
    } catch (BadInputException | IllegalArgumentException e) {
      macsMissing = firstLine(e);
    }
    return new Measured(shapes, new ArrayList<>(checkpoint.masks().keySet()), bytes, null, architecture, dense, sparse,
        macsMissing);
  }

  private static Measured missing(String why) {
    return new Measured(null, null, null, why, null, 0, 0, why);
  }

  /**
   * The network of {@code spec} as {@link MacCounter} counts it: a ResNet classifier of the spec's depth,
   * width and input size with the checkpoint's number of classes, or torchvision's detector of the task and
   * variant on the spec's largest resize ({@code max(min_size)} × {@code max_size}), with torchvision's eval
   * RoI counts; the heads' widths, classes and keypoints are the checkpoint's, and {@link MacCounter} checks
   * every layer's shape against it.
   *
   * @throws BadInputException when {@link Architectures} cannot build it (naming the setting)
   */
  static Architecture architecture(ExperimentSpec spec, Map<String, int[]> shapes) {
    if (spec == null) {
      throw new BadInputException("no spec.json (a TicketLab 0.1 folder): the network is unknown");
    }
    ExperimentSpec.Model model = spec.model();
    if (spec.task() == Task.CLASSIFY) {
      int[] fc = shapes.get("fc.weight");
      if (fc == null || fc.length != 2) {
        throw new BadInputException("the checkpoint has no fc.weight of 2 dimensions: not a ResNet classifier");
      }
      int size = spec.training().size();
      return Architectures.resnet(model.depth(), size, size, model.width(), fc[0]);
    }
    int height = model.minSize().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int width = model.maxSize();
    int classes = dimension(shapes, "roi_heads.box_predictor.cls_score.weight", 0);
    int objectness = dimension(shapes, "rpn.head.cls_logits.weight", 0);
    if (model.variant().equals("c4")) {
      if (spec.task() != Task.DET) {
        throw BadInputException.of(null, null, "model.variant", "c4", "MACs of C4 models are counted for detection only");
      }
      return Architectures.fasterRcnnC4(model.depth(), model.width(), height, width, Architectures.DEFAULT_PROPOSALS,
          classes, objectness == 18);
    }
    Architectures.Heads heads = switch (spec.task()) {
      case DET -> Architectures.Heads.BOX;
      case SEG -> Architectures.Heads.MASK;
      case KP -> Architectures.Heads.KEYPOINT;
      default -> throw new AssertionError(spec.task());
    };
    int keypoints = heads == Architectures.Heads.KEYPOINT
        ? dimension(shapes, "roi_heads.keypoint_predictor.kps_score_lowres.weight", 1) : 0;
    return Architectures.rcnnFpn(heads, model.depth(), model.width(),
        dimension(shapes, "backbone.fpn.inner_blocks.0.0.weight", 0), dimension(shapes, "roi_heads.box_head.fc6.weight", 0),
        classes, keypoints, objectness == 6, height, width, Architectures.DEFAULT_PROPOSALS,
        Architectures.DEFAULT_DETECTIONS);
  }

  /** Dimension {@code d} of tensor {@code name} of the checkpoint (a head's classes, a layer's width). */
  private static int dimension(Map<String, int[]> shapes, String name, int d) {
    int[] s = shapes.get(name);
    if (s == null || s.length <= d) {
      throw new BadInputException("the checkpoint has no " + name + ": not the detector its spec describes");
    }
    return s[d];
  }

  /** The cache entry of a checkpoint, keyed by its absolute path, size and modification time; null: no cache. */
  private Path cacheFile(Path checkpoint) {
    if (cache == null) {
      return null;
    }
    try {
      String key = CACHE_VERSION + "\n" + checkpoint.toAbsolutePath().normalize() + "\n" + Files.size(checkpoint)
          + "\n" + Files.getLastModifiedTime(checkpoint).toMillis();
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return cache.resolve(HexFormat.of().formatHex(hash) + ".json");
    } catch (IOException | NoSuchAlgorithmException e) {
      return null;
    }
  }

  private static String firstLine(Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.lines().findFirst().orElse("");
  }
}
