package io.ticketlab.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the HTML report is made of, read from run folders by {@code lottery.RunIndex}: plain values,
 * so that rendering stays pure Java and tests can build them by hand.
 *
 * @param roots the scanned roots, as given
 * @param levels every finished level or branch (one per {@code level.json}), in scan order
 * @param curves every {@code validation.csv} of those folders
 * @param unfinished level or branch folders without a level record yet (still training), as paths
 * @param unreadable one line per folder or file that could not be read, with the reason
 * @param provenance one entry per process that worked in a reported folder ({@code provenance.json})
 * @param experimentRoots run id → the root it was found under (for the commands of "not run" boxes)
 * @param analyses the error analyses of the detector levels the report compares ({@link LevelAnalysis})
 * @param costs the cost and ticket-structure numbers of every finished level or branch, in scan order
 * @param settings the settings of each experiment that the paper's ablations vary, in scan order
 * @param earlyBirdMasks every early-bird branch's {@code mask_iou.json}
 */
public record ReportInput(List<String> roots, List<Level> levels, List<ValidationCurve> curves,
    List<String> unfinished, List<String> unreadable, List<Session> provenance, Map<String, String> experimentRoots,
    List<LevelAnalysis> analyses, List<Costs> costs, List<Settings> settings, List<EarlyBirdMask> earlyBirdMasks) {

  public ReportInput {
    analyses = List.copyOf(analyses);
    roots = List.copyOf(roots);
    levels = List.copyOf(levels);
    curves = List.copyOf(curves);
    unfinished = List.copyOf(unfinished);
    unreadable = List.copyOf(unreadable);
    provenance = List.copyOf(provenance);
    experimentRoots = Map.copyOf(experimentRoots);
    costs = List.copyOf(costs);
    settings = List.copyOf(settings);
    earlyBirdMasks = List.copyOf(earlyBirdMasks);
  }

  /**
   * Parameters and zero-valued parameters of a tensor or of a module of the network.
   *
   * @param name a tensor's torchvision name, or a module's ({@code layer3}, {@code FPN}, {@code RPN}, ...)
   * @param parameters its number of values
   * @param zeros how many of them are zero (the paper's sparsity: {@code == 0}, so -0.0 too)
   */
  public record Count(String name, long parameters, long zeros) {
    /** Zeros over parameters, in % (0 for an empty count). */
    public double sparsityPercent() {
      return parameters == 0 ? 0 : 100.0 * zeros / parameters;
    }
  }

  /**
   * What a finished level or branch costs and how its ticket is spread over the network, from its
   * {@code sparsity.json}, {@code mask.tlck} and final checkpoint: each prunable tensor's sparsity (paper
   * Fig. 2c), each module's parameters and sparsity (paper Table 3), the final weights' bytes in every sparse
   * format and the MACs per image (supplementary Fig. 4). A part whose inputs are missing is empty and its
   * {@code ...Missing} says why (null when present).
   *
   * @param folder the level's folder relative to its experiment, as {@link Level#folder()}
   * @param networkSparsityPercent the level record's network sparsity
   * @param tensors the tensors the level's mask covers (the prunable set), in network order
   * @param tensorsSource where the zeros of {@code tensors} come from: {@code sparsity.json} or {@code mask.tlck}
   * @param modules every module of the network in network order; all parameters (biases and norms too, not
   *     the batch-norm running statistics), their zeros from the same source as {@code tensors}
   * @param formatBytes file bytes of the final checkpoint's weights in each sparse format (as {@code ticketlab
   *     size} measures them), in {@code storage.SparseFormats} order
   * @param architecture the network MACs are counted on, with its input ({@code resnet18, 3x224x224})
   * @param denseMacs dense multiply-accumulates per image (0 when not available)
   * @param sparseMacs the same with each layer's weight density (0 when not available)
   */
  public record Costs(String experiment, String kind, int replicate, int level, String folder,
      double networkSparsityPercent, List<Count> tensors, String tensorsSource, String tensorsMissing,
      List<Count> modules, String modulesMissing, Map<String, Long> formatBytes, String sizesMissing,
      String architecture, long denseMacs, long sparseMacs, String macsMissing) {
    public Costs {
      tensors = List.copyOf(tensors);
      modules = List.copyOf(modules);
      formatBytes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(formatBytes));
    }
  }

  /** A report without error analyses and costs. */
  public ReportInput(List<String> roots, List<Level> levels, List<ValidationCurve> curves, List<String> unfinished,
      List<String> unreadable, List<Session> provenance, Map<String, String> experimentRoots) {
    this(roots, levels, curves, unfinished, unreadable, provenance, experimentRoots, List.of(), List.of(), List.of(),
        List.of());
  }

  /**
   * The error analyses of one detector level, from its {@code results.json} against the experiment's
   * ground truth ({@code data.val}): per-category AP (paper Fig. 5), TIDE's dAP per error type
   * (supplementary Figs. 2, 3) and, for keypoint tasks, coco-analyze's keypoint errors (supplementary Fig. 5).
   *
   * @param folder the level's folder, relative to its experiment ({@code replicate_0/level_1/main})
   * @param categoryAp IoU type ({@code bbox}, {@code segm}, {@code keypoints}) → category name → AP at IoU
   *     0.50:0.95 as a fraction, in the ground truth's category order; -1 where the category has no ground truth
   * @param tide TIDE mode ({@code bbox}, {@code segm}) → {@code AP50} and each main error's dAP ({@code Cls},
   *     {@code Loc}, {@code Both}, {@code Dupe}, {@code Bkg}, {@code Miss}), in AP points (0–100)
   * @param keypointErrors for keypoint tasks: the AP gained by fixing each keypoint error alone ({@code jitter},
   *     {@code inversion}, {@code swap}, {@code miss}; mean over OKS .50:.95, area all, 0–1 scale) and the share of
   *     analysed keypoints of each class ({@code share/jitter}, ..., in %); empty for other tasks
   */
  public record LevelAnalysis(String experiment, String task, String kind, int replicate, int level,
      double networkSparsityPercent, String folder, Map<String, Map<String, Double>> categoryAp,
      Map<String, Map<String, Double>> tide, Map<String, Double> keypointErrors) {
    public LevelAnalysis {
      categoryAp = ordered(categoryAp);
      tide = ordered(tide);
      keypointErrors = Collections.unmodifiableMap(new LinkedHashMap<>(keypointErrors));
    }

    private static Map<String, Map<String, Double>> ordered(Map<String, Map<String, Double>> m) {
      Map<String, Map<String, Double>> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
      return Collections.unmodifiableMap(out);
    }
  }

  /** An input without experiment settings or early-bird masks (their sections show "not run"). */
  public ReportInput(List<String> roots, List<Level> levels, List<ValidationCurve> curves, List<String> unfinished,
      List<String> unreadable, List<Session> provenance, Map<String, String> experimentRoots,
      List<LevelAnalysis> analyses) {
    this(roots, levels, curves, unfinished, unreadable, provenance, experimentRoots, analyses, List.of(), List.of(),
        List.of());
  }

  /** The pruned modules ({@code pruning.preset}, {@code include}, {@code exclude}): paper Table 3. */
  public static final String MODULES = "pruning.preset/include/exclude";
  /** The rewind point (late resetting, paper Fig. 2c). */
  public static final String REWIND_AT = "rewind.at";
  /** Pruning rounds: 2 is one-shot, more is iterative (paper Fig. 2d). */
  public static final String ROUNDS = "pruning.rounds";
  /** Global or layer-wise magnitude pruning (paper Fig. 2e). */
  public static final String STRATEGY = "pruning.strategy";

  /**
   * What an experiment's {@code spec.json} says about the settings the paper varies in its ablations.
   * Null where the experiment has no such key (a transfer has no pruning and no rewind).
   *
   * @param experiment the run id
   * @param modules the pruned modules as configured: the preset, then the include and exclude
   *     patterns ({@code paper-voc:base+top}, {@code paper-coco; exclude rpn\..*})
   * @param strategy {@code global} or {@code layerwise}
   * @param rounds pruning rounds (2: one-shot), null when a fraction is pruned per level
   * @param rewindAt the rewind point as written ({@code 0it}: the original lottery ticket)
   * @param earlyBird the early-bird fractions of level 0 (empty: none)
   * @param sameExcept {@link #MODULES}, {@link #REWIND_AT}, {@link #ROUNDS} or {@link #STRATEGY} → an id
   *     that two experiments share exactly when every other setting is equal (replicates and early-bird
   *     fractions aside); absent for experiments without pruning
   */
  public record Settings(String experiment, String task, String modules, String strategy, Integer rounds,
      String rewindAt, List<Double> earlyBird, Map<String, String> sameExcept) {
    public Settings {
      earlyBird = List.copyOf(earlyBird);
      sameExcept = Map.copyOf(sameExcept);
    }

    /** The value of an ablation key, as the report prints it. */
    public String value(String key) {
      return switch (key) {
        case MODULES -> modules;
        case REWIND_AT -> rewindAt;
        case ROUNDS -> rounds == null ? null : rounds == 2 ? "2 (one-shot)" : rounds + " (iterative)";
        case STRATEGY -> strategy;
        default -> throw new IllegalArgumentException("not an ablation key: " + key);
      };
    }
  }

  /**
   * An early-bird branch's mask IoU with the ticket of its level ({@code mask_iou.json}, paper Fig. 2f).
   *
   * @param kind the branch ({@code early-bird-0.2})
   * @param fraction the fraction of level 0's training the mask was taken at
   * @param iteration that iteration
   * @param maskIouWithTicket intersection over union of the kept weights, in [0, 1]
   */
  public record EarlyBirdMask(String experiment, String kind, int replicate, int level, double fraction,
      long iteration, double maskIouWithTicket) {}

  /**
   * One process's work in a level folder, as its {@code provenance.json} records it.
   *
   * @param folder {@code <run id>/replicate_<n>/level_<k>/<main|branch_name>}
   * @param finished the finish time, or null when the process did not finish (killed, or still running)
   */
  public record Session(String folder, String ticketlab, String gitCommit, String libtorch, String devices,
      String onednnIsa, long seed, String host, String started, String finished) {}

  /**
   * One finished level or branch.
   *
   * @param experiment the run id ({@code lottery_<id>})
   * @param task {@code classify}, {@code det}, {@code seg} or {@code kp}
   * @param kind what produced the network: {@link #DIRECT}, a branch name ({@code random-pruning}, ...),
   *     {@link #IMAGENET_TICKET} or {@link #MASK_TRANSFER}
   * @param replicate the replicate (seed index)
   * @param level the lottery level (0: dense)
   * @param prunePercent the paper's prune %: zeros in the prunable set
   * @param networkSparsityPercent the paper's network sparsity: zeros over all parameters, in %
   * @param metric the main metric's name ({@code bbox/AP}, {@code top1})
   * @param metrics every metric of the level's final evaluation, as fractions (0.25 = 25% AP)
   * @param folder the level's folder, relative to its experiment ({@code replicate_0/level_1/main})
   * @param evaluation the COCO summary of its {@code eval.json} as {@code <iouType>/<stat>} ({@code bbox/APs},
   *     {@code segm/APl}, ...), fractions; empty when the folder has none (classifiers)
   */
  public record Level(String experiment, String task, String kind, int replicate, int level,
      double prunePercent, double networkSparsityPercent, String metric, Map<String, Double> metrics, String folder,
      Map<String, Double> evaluation) {
    public Level {
      metrics = Map.copyOf(metrics);
      evaluation = Map.copyOf(evaluation);
    }
  }

  /**
   * A level's {@code validation.csv}: validation losses and AP at each evaluation point.
   *
   * @param columns column name → one value per iteration ({@code val_*} losses, {@code bbox/AP}, ...)
   */
  public record ValidationCurve(String experiment, String kind, int replicate, int level, String folder,
      List<Long> iterations, Map<String, List<Double>> columns) {
    public ValidationCurve {
      iterations = List.copyOf(iterations);
      columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
    }
  }

  /** The kind of a level's ticket found by iterative magnitude pruning on the task itself. */
  public static final String DIRECT = "direct pruning";
  /** The kind of an ImageNet ticket transferred into a detector. */
  public static final String IMAGENET_TICKET = "ImageNet ticket";
  /** The kind of a pretrained backbone's own largest weights kept (supplementary A). */
  public static final String MASK_TRANSFER = "mask transfer";
  /** The kind of another detector task's ticket (mask and values) transferred (paper Table 4). */
  public static final String CROSS_TASK = "cross-task ticket";
  /** The kind of another detector task's mask alone transferred, the target's own initial values kept. */
  public static final String CROSS_TASK_MASK = "cross-task mask";
}
