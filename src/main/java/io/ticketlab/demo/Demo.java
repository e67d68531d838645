package io.ticketlab.demo;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.common.InputFiles;
import io.ticketlab.data.synth.ShapeCrops;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.RunIndex;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.report.Finding;
import io.ticketlab.report.HtmlReport;
import io.ticketlab.report.ReportInput;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseFormats;
import io.ticketlab.train.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's story in miniature, from nothing: synthetic COCO-format shapes and crops of them; a
 * ResNet-18 classifier trained on the crops, playing ImageNet's part (the pretrained backbone, and
 * the classification lottery whose 80% ticket is the "ImageNet ticket"); a small ResNet-18-FPN Mask
 * R-CNN whose backbone starts from that classifier, trained densely (level 0); its 80% lottery
 * ticket by layer-wise magnitude pruning with late rewinding (level 1, paper Sec. 4.1; docs/demo.md says
 * why not global); the
 * random-pruning control at the same sparsity; the ImageNet ticket moved into the detector's
 * backbone and fine-tuned (Sec. 4.2); mask transfer — the pretrained classifier's largest 20% of
 * backbone weights, fine-tuned (supplementary A); then the report over all of it.
 *
 * <p>Everything lands in one folder ({@code data/}, one YAML config per experiment, {@code runs/},
 * {@code report.html}) and every stage is an ordinary TicketLab experiment: running the demo again
 * resumes what a kill interrupted and skips what is done, and the configs rerun by hand with
 * {@code ticketlab lottery --config DIR/<name>.yaml --root DIR/runs}.
 */
public final class Demo {
  /** The file the report is written to, in the demo's folder. */
  public static final String REPORT = "report.html";

  /** The sparsity of every ticket in the demo, as in the paper's headline (80%). */
  static final double SPARSITY = 0.8;

  /** The detector's input side in pixels (the synthetic images are resized to it). */
  static final int IMAGE = 128;

  /** The detector's input, as the summary names it ({@code 128×128}). */
  public static String imageSide() {
    return IMAGE + "×" + IMAGE;
  }

  /**
   * How big the demo is.
   *
   * @param name what the summary calls it
   * @param trainImages synthetic training images (the detector's and, as crops, the classifier's)
   * @param valImages synthetic validation images
   * @param iterations training length of each detector run
   * @param rewind the detector ticket's late-rewinding point
   * @param evalEvery validation interval of the detector runs (the convergence curves)
   * @param classifyIterations training length of the classifier on crops
   * @param classifyLr its peak learning rate (cosine schedule after a warm-up of 1/16)
   * @param cropScale its RandomResizedCrop's smallest area fraction
   * @param crop the crops' side in pixels
   * @param meaningful false for a smoke test, whose numbers mean nothing
   */
  public record Size(String name, int trainImages, int valImages, int iterations, int rewind, int evalEvery,
      int classifyIterations, double classifyLr, double cropScale, int crop, boolean meaningful, boolean full) {
    /** The demo: 13 min 23 s on a 2-core Intel Xeon VM (docs/benchmarks.md). */
    public static Size standard() {
      return new Size("demo", 600, 100, 600, 75, 200, 1200, 0.1, 0.5, 48, true, false);
    }

    /** A smoke test of the whole pipeline in well under three minutes (numbers meaningless). */
    public static Size quick() {
      return new Size("demo --quick", 16, 4, 6, 2, 3, 6, 0.05, 0.5, 32, false, false);
    }

    /**
     * The same size with the rest of the paper's story ({@link Demo#run}: Keypoint R-CNN, cross-task
     * transfers both ways, 50/80/90%, one-shot vs iterative, global vs layer-wise, an early-bird
     * ticket, a second replicate of the main arms). Its first stages are this size's demo, so a
     * folder of the plain demo is continued, not redone.
     */
    public Size withFull() {
      return new Size(name.replace("demo", "demo --full"), trainImages, valImages, iterations, rewind, evalEvery,
          classifyIterations, classifyLr, cropScale, crop, meaningful, true);
    }
  }

  /**
   * One row of the summary: what was trained, its prune % (zeros in the pruned set) and network
   * sparsity, its COCO AP (bbox, segm), the bytes of its final weights dense and entropy-coded, and
   * its multiply-accumulates per image dense and skipping the zero weights (the report's count; 0
   * where the report could not count them).
   */
  public record Row(String name, String task, int replicate, double prunePercent, double sparsityPercent, double backbonePercent,
      Map<String, Double> metrics, long denseBytes, long sparseBytes, long denseMacs, long sparseMacs, Path folder) {
    /** A metric of the final evaluation ({@code bbox/AP}, {@code segm/AP50}, ...), or null. */
    public Double metric(String name) {
      return metrics.get(name);
    }
  }

  /**
   * One line of the printed summary: the rows of one arm (its replicates) with their mean, and the
   * population standard deviation of each metric over the replicates (0 for one replicate), as the
   * report's tables give them.
   */
  public record Line(String name, String task, int replicates, double prunePercent, double sparsityPercent,
      double backbonePercent, Map<String, double[]> metrics, long sparseMacs, long sparseBytes, Row first) {
    /** The mean of a metric over the replicates, or null where it was not evaluated. */
    public Double mean(String metric) {
      double[] m = metrics.get(metric);
      return m == null ? null : m[0];
    }

    /** The population standard deviation of a metric over the replicates, or null. */
    public Double std(String metric) {
      double[] m = metrics.get(metric);
      return m == null ? null : m[1];
    }
  }

  /** How far (bbox AP50) a ticket may stay from dense, and random pruning must fall below it, for a finding to show. */
  static final double FEW_AP_POINTS = 0.05;

  /**
   * The paper's findings that the demo can show, each read off its lines and said to show here or
   * not, with the numbers it was read from (bbox AP50 of the Mask R-CNN lines unless the numbers say
   * otherwise; disk and MAC ratios dense / ticket). The plain demo's: the 80% direct ticket within
   * {@link #FEW_AP_POINTS} of dense, random pruning at least that far below it, the ImageNet ticket
   * and mask transfer below it at the same backbone sparsity, and disk size falling faster than
   * MACs. {@code --full}'s, where its lines are there: accuracy falling beyond 80%, one-shot at least
   * as good as iterative pruning (the paper's finding for detection), a global threshold beating
   * layer-wise pruning and its disk size falling faster than its MACs, the early-bird ticket within
   * a few AP points of the ticket ({@code earlyBirdIou}: its mask's IoU with the ticket's, or null),
   * Keypoint R-CNN's ticket within a few keypoint AP50 points of its dense model, and each cross-task
   * ticket below the target task's own. A finding whose lines are missing (not run, or not
   * evaluated) is left out.
   */
  public static List<Finding> findings(List<Line> lines, Double earlyBirdIou) {
    List<Finding> out = new ArrayList<>();
    Double dense = ap50(lines, "dense (level 0)");
    Double ticket = ap50(lines, "ticket, direct pruning");
    if (dense == null || ticket == null) {
      return out;
    }
    out.add(new Finding("the 80% ticket within a few AP points of dense", Math.abs(ticket - dense) <= FEW_AP_POINTS,
        vs(ticket, dense)));
    Double random = ap50(lines, "random pruning (control)");
    if (random != null) {
      out.add(new Finding("random pruning clearly below the ticket", ticket - random >= FEW_AP_POINTS,
          vs(random, ticket)));
    }
    for (String[] t : new String[][] {{"ImageNet ticket", "the ImageNet ticket"}, {"mask transfer", "mask transfer"}}) {
      Double v = ap50(lines, t[0]);
      if (v != null) {
        out.add(new Finding(t[1] + " below direct pruning at the same backbone sparsity", v < ticket, vs(v, ticket)));
      }
    }
    Finding costs = diskFasterThanMacs("disk size falling faster than MACs", line(lines, "seg", "dense (level 0)"),
        line(lines, "seg", "ticket, direct pruning"));
    if (costs != null) {
      out.add(costs);
    }
    Double ninety = ap50(lines, "ticket 90%, one-shot");
    if (ninety != null) {
      out.add(new Finding("accuracy falling beyond 80% sparsity (the 90% one-shot ticket below the 80% ticket)",
          ticket - ninety >= FEW_AP_POINTS, vs(ninety, ticket)));
    }
    Double iterative = ap50(lines, "ticket, iterative round 3");
    if (ninety != null && iterative != null) {
      out.add(new Finding("one-shot pruning at least as good as iterative pruning at 90% (the paper's detectors)",
          ninety >= iterative, String.format(Locale.ROOT, "%.3f one-shot vs %.3f in three rounds", ninety, iterative)));
    }
    Double global = ap50(lines, "ticket 80%, global threshold");
    if (global != null) {
      out.add(new Finding("a global threshold beating layer-wise pruning at 80%", global > ticket,
          String.format(Locale.ROOT, "%.3f global vs %.3f layer-wise", global, ticket)));
      Finding g = diskFasterThanMacs("disk size falling faster than MACs under a global threshold",
          line(lines, "seg", "dense (level 0)"), line(lines, "seg", "ticket 80%, global threshold"));
      if (g != null) {
        out.add(g);
      }
    }
    Double early = ap50(lines, "early-bird ticket");
    if (early != null) {
      out.add(new Finding("the early-bird ticket within a few AP points of the ticket (paper: mask IoU about 0.96)",
          Math.abs(early - ticket) <= FEW_AP_POINTS, vs(early, ticket) + (earlyBirdIou == null ? ""
              : String.format(Locale.ROOT, "; mask IoU %.3f", earlyBirdIou))));
    }
    Double kpDense = metric(lines, "kp", "dense (level 0)", "keypoints/AP50");
    Double kpTicket = metric(lines, "kp", "ticket, direct pruning", "keypoints/AP50");
    if (kpDense != null && kpTicket != null) {
      out.add(new Finding("Keypoint R-CNN's 80% ticket within a few AP points of dense",
          Math.abs(kpTicket - kpDense) <= FEW_AP_POINTS, "keypoint AP50 " + vs(kpTicket, kpDense)));
      Double cross = metric(lines, "kp", "cross-task ticket from Mask R-CNN", "keypoints/AP50");
      if (cross != null) {
        out.add(new Finding("Mask R-CNN's ticket in Keypoint R-CNN below Keypoint R-CNN's own ticket", cross < kpTicket,
            "keypoint AP50 " + vs(cross, kpTicket)));
      }
    }
    Double fromKp = ap50(lines, "cross-task ticket from Keypoint R-CNN");
    if (fromKp != null) {
      out.add(new Finding("Keypoint R-CNN's ticket in Mask R-CNN below Mask R-CNN's own ticket", fromKp < ticket,
          vs(fromKp, ticket)));
    }
    return out;
  }

  /** Disk size against MACs of {@code ticket} over {@code dense}, or null where either was not counted. */
  private static Finding diskFasterThanMacs(String claim, Line dense, Line ticket) {
    if (dense == null || ticket == null || dense.sparseMacs() <= 0 || ticket.sparseMacs() <= 0
        || ticket.sparseBytes() <= 0) {
      return null;
    }
    double disk = (double) dense.sparseBytes() / ticket.sparseBytes();
    double macs = (double) dense.sparseMacs() / ticket.sparseMacs();
    return new Finding(claim, disk > macs,
        String.format(Locale.ROOT, "%.1fx smaller on disk, %.1fx fewer MACs", disk, macs));
  }

  private static String vs(double a, double b) {
    return String.format(Locale.ROOT, "%.3f vs %.3f", a, b);
  }

  private static Line line(List<Line> lines, String task, String name) {
    return lines.stream().filter(l -> l.task().equals(task) && l.name().equals(name)).findFirst().orElse(null);
  }

  private static Double metric(List<Line> lines, String task, String name, String metric) {
    Line l = line(lines, task, name);
    return l == null ? null : l.mean(metric);
  }

  private static Double ap50(List<Line> lines, String name) {
    return metric(lines, "seg", name, "bbox/AP50");
  }

  /** The summary's lines: rows of one task and name (the replicates of one arm) folded into one, in row order. */
  public static List<Line> lines(List<Row> rows) {
    Map<String, List<Row>> byName = new java.util.LinkedHashMap<>();
    rows.forEach(r -> byName.computeIfAbsent(r.task() + "/" + r.name(), n -> new ArrayList<>()).add(r));
    List<Line> out = new ArrayList<>();
    for (List<Row> g : byName.values()) {
      Map<String, double[]> metrics = new java.util.LinkedHashMap<>();
      for (String metric : g.get(0).metrics().keySet()) {
        double[] v = g.stream().map(r -> r.metric(metric)).filter(java.util.Objects::nonNull)
            .mapToDouble(Double::doubleValue).toArray();
        if (v.length == g.size()) {
          double mean = java.util.Arrays.stream(v).average().orElseThrow();
          double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
          metrics.put(metric, new double[] {mean, Math.sqrt(var)});
        }
      }
      out.add(new Line(g.get(0).name(), g.get(0).task(), g.size(), g.stream().mapToDouble(Row::prunePercent).average()
          .orElseThrow(), g.stream().mapToDouble(Row::sparsityPercent).average().orElseThrow(),
          g.stream().mapToDouble(Row::backbonePercent).average().orElseThrow(), metrics,
          Math.round(g.stream().mapToLong(Row::sparseMacs).average().orElseThrow()),
          Math.round(g.stream().mapToLong(Row::sparseBytes).average().orElseThrow()), g.get(0)));
    }
    return out;
  }

  /** The IoU of an early-bird row's mask with its ticket's (mask_iou.json), or null for other rows. */
  public static Double earlyBirdIou(Row row) throws IOException {
    Path file = ExperimentLayout.maskIou(row.folder());
    if (!Files.isRegularFile(file)) {
      return null;
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).path("maskIouWithTicket")
        .asDouble();
  }

  /** What the demo produced: the summary rows (dense first), the paper's findings read off them, the report's path. */
  public record Result(List<Row> rows, List<Finding> findings, Path report, int warnings) {}

  /** One step of the demo, as the stage counter shows it. */
  private interface Stage {
    void run() throws IOException;
  }

  private Demo() {}

  /** The early-bird ticket's point: its mask is drawn from level 0 at this fraction of training (paper Fig. 2f). */
  public static final double EARLY_BIRD = 0.25;

  /** A named stage, as the stage counter shows it. */
  private record Named(String name, Stage stage) {}

  /** An outcome waiting for the report's costs: its summary label, task and experiment. */
  private record Arm(String label, String task, String experiment, LotteryRunner.LevelOutcome outcome) {}

  /**
   * Runs (or resumes) the demo in {@code dir}: synthetic data, the classifier lottery on crops (dense
   * and its 80% ticket), Mask R-CNN dense and its 80% ticket, the random-pruning control, the
   * ImageNet ticket and mask transfer, then the report. With {@link Size#full()} also: a second
   * replicate of those arms; one-shot tickets at 50% and 90%; an iterative ticket to 90% in three
   * rounds; a global-threshold ticket at 80%; an early-bird ticket; Keypoint R-CNN dense and its 80%
   * ticket; cross-task tickets both ways (up to the box head). Pruning variants share the dense level 0
   * of Mask R-CNN (they differ only in pruning), so each costs one training.
   */
  public static Result run(Path dir, Size size, PrintStream progress) throws IOException {
    InputFiles.requireOutputFolder(dir);
    // folders named by their size: a quick run and the full demo in one folder do not share data
    Path train = dir.resolve("data").resolve("train-" + size.trainImages());
    Path val = dir.resolve("data").resolve("val-" + size.valImages());
    Path crops = dir.resolve("data").resolve("crops-" + size.trainImages() + "-" + size.crop());
    Path cropsVal = dir.resolve("data").resolve("crops-val-" + size.valImages() + "-" + size.crop());
    Path root = dir.resolve("runs");
    Experiment classify = experiment(dir.resolve("classifier.yaml"), classifierConfig(size));
    Path classifierRun = classify.layout(root).replicate(0);
    Path pretrained = ExperimentLayout.checkpoint(classifierRun.resolve("level_0/main"), size.classifyIterations());
    String fromClassifier = "scratch: true, weights: " + dir.relativize(pretrained) + ",";
    Experiment seg = experiment(dir.resolve("mask-rcnn.yaml"), detectorConfig(size, "seg", pruning("layerwise", SPARSITY, 2),
        "Mask R-CNN R18-FPN (small), backbone from the classifier: dense (level 0) and its 80% lottery ticket"
            + " (level 1) with late rewinding").replace("scratch: true,", fromClassifier));
    Experiment imagenet = experiment(dir.resolve("imagenet-ticket.yaml"), detectorConfig(size, "seg", null,
        "the classifier's 80% ticket (the \"ImageNet\" ticket) in Mask R-CNN's backbone, fine-tuned with its mask fixed")
        + "transfer: {kind: imagenet-ticket, source: " + dir.relativize(classifierRun.resolve("level_1/main")) + "}\n");
    Experiment mask = experiment(dir.resolve("mask-transfer.yaml"), detectorConfig(size, "seg", null, "mask transfer:"
        + " the dense classifier's largest 20% of backbone conv weights in Mask R-CNN's backbone, the rest zero and"
        + " fixed") + "transfer: {kind: mask, source: " + dir.relativize(classifierRun.resolve("level_0/main"))
        + ", prune: " + SPARSITY + "}\n");

    List<Arm> arms = new ArrayList<>();
    Path page = dir.resolve(REPORT);
    int[] warnings = {0};
    List<Named> stages = new ArrayList<>();
    stages.add(new Named("synthetic shapes and their crops", () -> {
      synth(train, new SynthOptions(size.trainImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train),
          progress);
      synth(val, new SynthOptions(size.valImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.val), progress);
      crops(crops, new SynthOptions(size.trainImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train),
          size.crop());
      crops(cropsVal, new SynthOptions(size.valImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.val),
          size.crop());
    }));
    stages.add(new Named("classifier on crops, dense (the \"ImageNet\" pretraining)",
        () -> LotteryRunner.run(classify, root, 0, 1, false, progress)));
    stages.add(new Named("classifier 80% ticket (the \"ImageNet ticket\")",
        () -> LotteryRunner.run(classify, root, 1, 1, false, progress)));
    stages.add(new Named("Mask R-CNN dense (level 0), backbone from the classifier",
        () -> add(arms, "dense (level 0)", seg, LotteryRunner.run(seg, root, 0, 1, false, progress), 0, 0)));
    stages.add(new Named("Mask R-CNN 80% ticket (level 1, rewound to " + size.rewind() + "it)",
        () -> add(arms, "ticket, direct pruning", seg, LotteryRunner.run(seg, root, 1, 1, false, progress), 0, 1)));
    stages.add(new Named("random-pruning control at 80%", () -> add(arms, "random pruning (control)", seg,
        List.of(LotteryRunner.runBranch(seg, root, 0, 1, LotteryRunner.Branch.RANDOM_PRUNING, null, false, progress)),
        0, 1)));
    stages.add(new Named("ImageNet ticket 80% into Mask R-CNN",
        () -> add(arms, "ImageNet ticket", imagenet, LotteryRunner.run(imagenet, root, null, 1, false, progress), 0, 1)));
    stages.add(new Named("mask transfer 80% into Mask R-CNN",
        () -> add(arms, "mask transfer", mask, LotteryRunner.run(mask, root, null, 1, false, progress), 0, 1)));
    if (size.full()) {
      fullStages(dir, size, root, seg, imagenet, mask, fromClassifier, arms, stages, progress);
    }
    List<Row> rows = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    stages.add(new Named("report", () -> {
      ReportInput input = RunIndex.scan(List.of(root), HtmlReport.filesFolder(page).resolve("cache"));
      warnings[0] = input.unreadable().size();
      rows.addAll(rows(arms, input.costs()));
      findings.addAll(findings(lines(rows), earlyBirdIou(rows)));
      HtmlReport.of(input, findings, "Read off the demo's rows (" + size.name() + ", " + imageSide()
          + " synthetic shapes): bbox AP50 of Mask R-CNN unless the numbers say otherwise; a ticket is \"within a few"
          + " AP points\" within " + Math.round(100 * FEW_AP_POINTS) + " points; docs/demo.md says why one may not"
          + " show." + (size.meaningful() ? "" : " --quick: a smoke test whose numbers mean nothing.")).write(page);
    }));
    for (int i = 0; i < stages.size(); i++) {
      if (progress != null) {
        progress.printf("[%d/%d] %s%n", i + 1, stages.size(), stages.get(i).name());
      }
      stages.get(i).stage().run();
    }
    return new Result(rows, findings, page, warnings[0]);
  }

  /** The summary's rows: the main arms (replicates together), then the rest as run. */
  private static List<Row> rows(List<Arm> arms, List<ReportInput.Costs> costs) throws IOException {
    List<String> order = new ArrayList<>();
    arms.forEach(a -> {
      if (!order.contains(a.task() + "/" + a.label())) {
        order.add(a.task() + "/" + a.label());
      }
    });
    List<Row> rows = new ArrayList<>();
    for (String key : order) {
      for (Arm a : arms) {
        if ((a.task() + "/" + a.label()).equals(key)) {
          rows.add(row(a.label(), a.task(), a.outcome(), costsOf(costs, a.experiment(), a.outcome())));
        }
      }
    }
    return rows;
  }

  /** The early-bird ticket's mask IoU with its ticket's, or null where the demo has no early-bird row. */
  private static Double earlyBirdIou(List<Row> rows) throws IOException {
    for (Row r : rows) {
      if (r.task().equals("seg") && r.name().equals("early-bird ticket")) {
        return earlyBirdIou(r);
      }
    }
    return null;
  }

  /** The stages {@code --full} adds after the demo's own, before the report. */
  private static void fullStages(Path dir, Size size, Path root, Experiment seg, Experiment imagenet, Experiment mask,
      String fromClassifier, List<Arm> arms, List<Named> stages, PrintStream progress) throws IOException {
    String segWhat = "Mask R-CNN R18-FPN (small), backbone from the classifier, the dense level 0 shared with"
        + " mask-rcnn.yaml: ";
    Experiment half = experiment(dir.resolve("mask-rcnn-50.yaml"), detectorConfig(size, "seg",
        pruning("layerwise", 0.5, 2), segWhat + "a one-shot 50% ticket").replace("scratch: true,", fromClassifier));
    Experiment ninety = experiment(dir.resolve("mask-rcnn-90.yaml"), detectorConfig(size, "seg",
        pruning("layerwise", 0.9, 2), segWhat + "a one-shot 90% ticket").replace("scratch: true,", fromClassifier));
    Experiment iterative = experiment(dir.resolve("mask-rcnn-90-iterative.yaml"), detectorConfig(size, "seg",
        pruning("layerwise", 0.9, 4), segWhat + "a 90% ticket in three rounds of iterative pruning (54%, 78%, 90%)")
        .replace("scratch: true,", fromClassifier));
    Experiment global = experiment(dir.resolve("mask-rcnn-global.yaml"), detectorConfig(size, "seg",
        pruning("global", SPARSITY, 2), segWhat + "an 80% ticket by one magnitude threshold over the whole pruned set")
        .replace("scratch: true,", fromClassifier));
    Experiment kp = experiment(dir.resolve("keypoint-rcnn.yaml"), detectorConfig(size, "kp",
        pruning("layerwise", SPARSITY, 2), "Keypoint R-CNN R18-FPN (small), backbone from the classifier: dense"
            + " (level 0) and its 80% lottery ticket (level 1)").replace("scratch: true,", fromClassifier));
    Path segTicket = seg.layout(root).level(0, 1);
    Path kpTicket = kp.layout(root).level(0, 1);
    Experiment segToKp = experiment(dir.resolve("kp-from-mask-rcnn.yaml"), detectorConfig(size, "kp", null,
        "cross-task: Mask R-CNN's 80% ticket up to the box head in Keypoint R-CNN, fine-tuned with its mask fixed")
        + "transfer: {kind: task, source: " + dir.relativize(segTicket) + "}\n");
    Experiment kpToSeg = experiment(dir.resolve("mask-rcnn-from-kp.yaml"), detectorConfig(size, "seg", null,
        "cross-task: Keypoint R-CNN's 80% ticket up to the box head in Mask R-CNN, fine-tuned with its mask fixed")
        + "transfer: {kind: task, source: " + dir.relativize(kpTicket) + "}\n");

    stages.add(new Named("Mask R-CNN dense and 80% ticket, second replicate (seed 1)",
        () -> add(arms, null, seg, LotteryRunner.run(seg, root, 1, 2, false, progress), 1, -1)));
    stages.add(new Named("random-pruning control at 80%, second replicate", () -> add(arms, "random pruning (control)",
        seg, List.of(LotteryRunner.runBranch(seg, root, 1, 1, LotteryRunner.Branch.RANDOM_PRUNING, null, false,
            progress)), 1, 1)));
    stages.add(new Named("ImageNet ticket and mask transfer, second replicate", () -> {
      add(arms, "ImageNet ticket", imagenet, LotteryRunner.run(imagenet, root, null, 2, false, progress), 1, 1);
      add(arms, "mask transfer", mask, LotteryRunner.run(mask, root, null, 2, false, progress), 1, 1);
    }));
    stages.add(new Named("Mask R-CNN one-shot tickets at 50% and 90%", () -> {
      add(arms, "ticket 50%, one-shot", half, LotteryRunner.run(half, root, null, 1, false, progress), 0, 1);
      add(arms, "ticket 90%, one-shot", ninety, LotteryRunner.run(ninety, root, null, 1, false, progress), 0, 1);
    }));
    stages.add(new Named("Mask R-CNN iterative ticket to 90% (three rounds)", () -> {
      List<LotteryRunner.LevelOutcome> levels = LotteryRunner.run(iterative, root, null, 1, false, progress);
      for (int level = 1; level <= 3; level++) {
        add(arms, "ticket, iterative round " + level, iterative, levels, 0, level);
      }
    }));
    stages.add(new Named("Mask R-CNN 80% ticket by a global threshold", () -> add(arms, "ticket 80%, global threshold",
        global, LotteryRunner.run(global, root, null, 1, false, progress), 0, 1)));
    stages.add(new Named("early-bird ticket at 80% (mask from " + Math.round(100 * EARLY_BIRD) + "% of training)",
        () -> add(arms, "early-bird ticket", seg, List.of(LotteryRunner.runBranch(seg, root, 0, 1,
            LotteryRunner.Branch.EARLY_BIRD, EARLY_BIRD, false, progress)), 0, 1)));
    stages.add(new Named("Keypoint R-CNN dense and its 80% ticket", () -> {
      List<LotteryRunner.LevelOutcome> levels = LotteryRunner.run(kp, root, null, 1, false, progress);
      add(arms, "dense (level 0)", kp, levels, 0, 0);
      add(arms, "ticket, direct pruning", kp, levels, 0, 1);
    }));
    stages.add(new Named("cross-task: Mask R-CNN ticket into Keypoint R-CNN", () -> add(arms,
        "cross-task ticket from Mask R-CNN", segToKp,
        LotteryRunner.run(segToKp, root, null, 1, false, progress), 0, 1)));
    stages.add(new Named("cross-task: Keypoint R-CNN ticket into Mask R-CNN", () -> add(arms,
        "cross-task ticket from Keypoint R-CNN", kpToSeg, LotteryRunner.run(kpToSeg, root, null, 1, false, progress),
        0, 1)));
  }

  /**
   * Adds the outcomes of replicate {@code replicate} at {@code level} (every level when −1, labelled
   * dense / ticket by level when {@code label} is null) as summary arms.
   */
  private static void add(List<Arm> arms, String label, Experiment e, List<LotteryRunner.LevelOutcome> outcomes,
      int replicate, int level) {
    for (LotteryRunner.LevelOutcome o : outcomes) {
      if (o.replicate() == replicate && (level < 0 || o.level() == level)) {
        String name = label != null ? label : o.level() == 0 ? "dense (level 0)" : "ticket, direct pruning";
        arms.add(new Arm(name, e.spec().task().key(), e.spec().runId(), o));
      }
    }
  }

  /** Writes a config the demo owns and reads it as an experiment. */
  private static Experiment experiment(Path file, String config) throws IOException {
    AtomicFiles.writeString(file, config);
    return Experiment.read(file);
  }

  /** The pruning section of a detector lottery (the paper-coco set, late rewinding, an early-bird point). */
  private static String pruning(String strategy, double sparsity, int rounds) {
    return "pruning: {preset: paper-coco, strategy: " + strategy + ", sparsity: " + sparsity + ", rounds: " + rounds
        + "}";
  }

  /** The report's costs of an outcome's folder, or null. */
  private static ReportInput.Costs costsOf(List<ReportInput.Costs> costs, String experiment,
      LotteryRunner.LevelOutcome o) {
    // the report names a folder within its experiment: replicate_<r>/level_<k>/<name>
    Path level = o.folder().getParent();
    String folder = level.getParent().getFileName() + "/" + level.getFileName() + "/" + o.folder().getFileName();
    for (ReportInput.Costs c : costs) {
      if (c.experiment().equals(experiment) && c.folder().equals(folder) && c.macsMissing() == null) {
        return c;
      }
    }
    return null;
  }

  private static Row row(String name, String task, LotteryRunner.LevelOutcome o, ReportInput.Costs costs)
      throws IOException {
    Map.Entry<Long, Path> last = RunFolder.latestCheckpoint(o.folder());
    if (last == null) {
      throw new IllegalStateException("no checkpoint in " + o.folder());
    }
    Map<String, FloatTensor> weights = TicketCheckpoint.read(last.getValue()).weights().toFloatTensors();
    SizeReport size = SizeReport.of(weights, List.of(SparseFormats.DENSE, SparseFormats.ENTROPY));
    return new Row(name, task, o.replicate(), o.prunePercent(), o.networkSparsityPercent(), backbonePercent(weights), o.metrics(),
        size.fileBytes().get(SparseFormats.DENSE.name()), size.fileBytes().get(SparseFormats.ENTROPY.name()),
        costs == null ? 0 : costs.denseMacs(), costs == null ? 0 : costs.sparseMacs(), o.folder());
  }

  /**
   * Zeros in the backbone's stem and block convs (the {@code backbone-only} set, which the transfers
   * prune), in percent: where direct pruning and the transfers are compared at equal backbone sparsity.
   */
  static double backbonePercent(Map<String, FloatTensor> weights) {
    PrunableSet backbone = PrunableSet.preset("backbone-only");
    long zeros = 0;
    long total = 0;
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      if (backbone.contains(e.getKey(), e.getValue().shape())) {
        zeros += e.getValue().countZeros();
        total += e.getValue().size();
      }
    }
    return total == 0 ? 0 : 100.0 * zeros / total;
  }

  private static void synth(Path dir, SynthOptions options, PrintStream progress) throws IOException {
    if (Files.exists(dir.resolve(SynthGenerator.ANNOTATIONS))) {
      return;
    }
    if (progress != null) {
      progress.printf("writing %d synthetic %s images to %s%n", options.images(), options.split(), dir);
    }
    SynthGenerator.write(dir, options);
  }

  /** Writes the crops into a temporary sibling, then renames it: a killed demo leaves no half folder. */
  private static void crops(Path dir, SynthOptions options, int side) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    if (Files.exists(tmp)) {
      try (var walk = Files.walk(tmp)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    ShapeCrops.write(tmp, options, side);
    Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * A detector experiment ({@code task}: seg or kp) on the demo's data: with a {@code pruning} section,
   * a lottery (dense, then its tickets with late rewinding, and an early-bird checkpoint); without,
   * the target of a transfer (the caller appends the transfer section).
   */
  static String detectorConfig(Size size, String task, String pruning, String what) {
    int milestone = size.iterations() * 3 / 4;
    List<String> lines = new ArrayList<>(List.of(
        "# written by 'ticketlab " + size.name() + "': " + what,
        "task: " + task,
        "data: {train: data/train-" + size.trainImages() + "/" + SynthGenerator.ANNOTATIONS
            + ", val: data/val-" + size.valImages() + "/" + SynthGenerator.ANNOTATIONS + "}",
        "model: {arch: resnet18, width: 0.5, fpn_channels: 64, head_width: 256, min_size: [" + IMAGE + "], max_size: "
            + IMAGE + ","
            + " scratch: true, roi_samples: 64}",
        "training: {iterations: " + size.iterations() + "it, batch: 4, lr: 0.02, warmup: "
            + Math.max(1, size.iterations() / 16) + "it, milestones: [" + milestone + "it], eval_every: "
            + size.evalEvery() + "it, ap_every: end}"));
    if (pruning != null) {
      lines.add(pruning);
      lines.add("rewind: {at: " + size.rewind() + "it}");
      lines.add("early_bird: {fractions: [" + EARLY_BIRD + "]}");
    }
    lines.add("seed: 0");
    return String.join("\n", lines) + "\n";
  }

  /**
   * The "ImageNet" source: a classification lottery of the detector's backbone (ResNet-18, width 0.5)
   * on crops of the same shapes, dense and its 80% ticket over the stem and block convs, rewound
   * to 1/16 of its schedule.
   */
  static String classifierConfig(Size size) {
    return String.join("\n",
        "# written by 'ticketlab " + size.name() + "': the \"ImageNet\" source, a ResNet-18 (the detector's backbone)",
        "# trained on crops of the synthetic shapes; dense (level 0) and its 80% ticket (level 1)",
        "task: classify",
        "data: {train: data/crops-" + size.trainImages() + "-" + size.crop() + ", val: data/crops-val-"
            + size.valImages() + "-" + size.crop() + "}",
        "model: {arch: resnet18, width: 0.5}",
        "training: {iterations: " + size.classifyIterations() + "it, batch: 32, size: " + size.crop()
            + ", crop_scale: " + size.cropScale() + ", lr: " + size.classifyLr() + ", warmup: "
            + Math.max(1, size.classifyIterations() / 16) + "it, schedule: cosine}",
        "pruning: {preset: classifier-convs, strategy: global, sparsity: " + SPARSITY + ", rounds: 2}",
        "rewind: {at: " + Math.max(1, size.classifyIterations() / 16) + "it}",
        "seed: 0",
        "");
  }
}
