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
      int classifyIterations, double classifyLr, double cropScale, int crop, boolean meaningful) {
    /** The demo: 13 min 23 s on a 2-core Intel Xeon VM (docs/benchmarks.md). */
    public static Size standard() {
      return new Size("demo", 600, 100, 600, 75, 200, 1200, 0.1, 0.5, 48, true);
    }

    /** A smoke test of the whole pipeline in well under three minutes (numbers meaningless). */
    public static Size quick() {
      return new Size("demo --quick", 8, 4, 6, 2, 3, 6, 0.05, 0.5, 32, false);
    }
  }

  /**
   * One row of the summary: what was trained, its prune % (zeros in the pruned set) and network
   * sparsity, its COCO AP (bbox, segm), the bytes of its final weights dense and entropy-coded, and
   * its multiply-accumulates per image dense and skipping the zero weights (the report's count; 0
   * where the report could not count them).
   */
  public record Row(String name, double prunePercent, double sparsityPercent, double backbonePercent,
      Map<String, Double> metrics, long denseBytes, long sparseBytes, long denseMacs, long sparseMacs, Path folder) {
    /** A metric of the final evaluation ({@code bbox/AP}, {@code segm/AP50}, ...), or null. */
    public Double metric(String name) {
      return metrics.get(name);
    }
  }

  /** What the demo produced: the summary rows (dense first) and the report's path. */
  public record Result(List<Row> rows, Path report, int warnings) {}

  /** One step of the demo, as the stage counter shows it. */
  private interface Stage {
    void run() throws IOException;
  }

  private Demo() {}

  /** Runs (or resumes) the demo in {@code dir}. */
  public static Result run(Path dir, Size size, PrintStream progress) throws IOException {
    InputFiles.requireOutputFolder(dir);
    // folders named by their size: a quick run and the full demo in one folder do not share data
    Path train = dir.resolve("data").resolve("train-" + size.trainImages());
    Path val = dir.resolve("data").resolve("val-" + size.valImages());
    Path crops = dir.resolve("data").resolve("crops-" + size.trainImages() + "-" + size.crop());
    Path cropsVal = dir.resolve("data").resolve("crops-val-" + size.valImages() + "-" + size.crop());
    Path root = dir.resolve("runs");
    Path segConfig = dir.resolve("mask-rcnn.yaml");
    Path classifyConfig = dir.resolve("classifier.yaml");
    Path imagenetConfig = dir.resolve("imagenet-ticket.yaml");
    Path maskConfig = dir.resolve("mask-transfer.yaml");
    AtomicFiles.writeString(classifyConfig, classifierConfig(size));
    Experiment classify = Experiment.read(classifyConfig);
    Path classifierRun = classify.layout(root).replicate(0);
    Path pretrained = ExperimentLayout.checkpoint(classifierRun.resolve("level_0/main"), size.classifyIterations());
    AtomicFiles.writeString(segConfig, detectorConfig(size, true, "Mask R-CNN R18-FPN (small), backbone from the"
        + " classifier: dense (level 0) and its 80% lottery ticket (level 1) with late rewinding")
        .replace("scratch: true,", "scratch: true, weights: " + dir.relativize(pretrained) + ","));
    Experiment seg = Experiment.read(segConfig);
    AtomicFiles.writeString(imagenetConfig, detectorConfig(size, false, "the classifier's 80% ticket (the"
        + " \"ImageNet\" ticket) in Mask R-CNN's backbone, fine-tuned with its mask fixed")
        + "transfer: {kind: imagenet-ticket, source: " + dir.relativize(classifierRun.resolve("level_1/main")) + "}\n");
    AtomicFiles.writeString(maskConfig, detectorConfig(size, false, "mask transfer: the dense classifier's largest"
        + " 20% of backbone conv weights in Mask R-CNN's backbone, the rest zero and fixed")
        + "transfer: {kind: mask, source: " + dir.relativize(classifierRun.resolve("level_0/main")) + ", prune: "
        + SPARSITY + "}\n");
    Experiment imagenet = Experiment.read(imagenetConfig);
    Experiment mask = Experiment.read(maskConfig);

    List<LotteryRunner.LevelOutcome> outcomes = new ArrayList<>();
    List<String> names = List.of("synthetic shapes and their crops",
        "classifier on crops, dense (the \"ImageNet\" pretraining)",
        "classifier 80% ticket (the \"ImageNet ticket\")", "Mask R-CNN dense (level 0), backbone from the classifier",
        "Mask R-CNN 80% ticket (level 1, rewound to " + size.rewind() + "it)", "random-pruning control at 80%",
        "ImageNet ticket 80% into Mask R-CNN", "mask transfer 80% into Mask R-CNN", "report");
    Path page = dir.resolve(REPORT);
    int[] warnings = {0};
    List<ReportInput.Costs> costs = new ArrayList<>();
    List<Stage> stages = List.of(
        () -> {
          synth(train, new SynthOptions(size.trainImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train),
              progress);
          synth(val, new SynthOptions(size.valImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.val),
              progress);
          crops(crops, new SynthOptions(size.trainImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train),
              size.crop());
          crops(cropsVal, new SynthOptions(size.valImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.val),
              size.crop());
        },
        () -> LotteryRunner.run(classify, root, 0, 1, false, progress),
        () -> LotteryRunner.run(classify, root, 1, 1, false, progress),
        () -> outcomes.addAll(LotteryRunner.run(seg, root, 0, 1, false, progress)),
        () -> outcomes.add(LotteryRunner.run(seg, root, 1, 1, false, progress).get(1)),
        () -> outcomes.add(LotteryRunner.runBranch(seg, root, 0, 1, LotteryRunner.Branch.RANDOM_PRUNING, null, false,
            progress)),
        () -> outcomes.add(LotteryRunner.run(imagenet, root, null, 1, false, progress).get(0)),
        () -> outcomes.add(LotteryRunner.run(mask, root, null, 1, false, progress).get(0)),
        () -> {
          ReportInput input = RunIndex.scan(List.of(root), HtmlReport.filesFolder(page).resolve("cache"));
          HtmlReport.of(input).write(page);
          warnings[0] = input.unreadable().size();
          costs.addAll(input.costs());
        });
    for (int i = 0; i < stages.size(); i++) {
      if (progress != null) {
        progress.printf("[%d/%d] %s%n", i + 1, stages.size(), names.get(i));
      }
      stages.get(i).run();
    }
    List<String> labels = List.of("dense (level 0)", "ticket, direct pruning", "random pruning (control)",
        "ImageNet ticket", "mask transfer");
    List<String> experiments = List.of(seg.spec().runId(), seg.spec().runId(), seg.spec().runId(),
        imagenet.spec().runId(), mask.spec().runId());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      rows.add(row(labels.get(i), outcomes.get(i), costsOf(costs, experiments.get(i), outcomes.get(i))));
    }
    return new Result(rows, page, warnings[0]);
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

  private static Row row(String name, LotteryRunner.LevelOutcome o, ReportInput.Costs costs) throws IOException {
    Map.Entry<Long, Path> last = RunFolder.latestCheckpoint(o.folder());
    if (last == null) {
      throw new IllegalStateException("no checkpoint in " + o.folder());
    }
    Map<String, FloatTensor> weights = TicketCheckpoint.read(last.getValue()).weights().toFloatTensors();
    SizeReport size = SizeReport.of(weights, List.of(SparseFormats.DENSE, SparseFormats.ENTROPY));
    return new Row(name, o.prunePercent(), o.networkSparsityPercent(), backbonePercent(weights), o.metrics(),
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
   * A Mask R-CNN experiment on the demo's data: with {@code lottery}, dense and the 80% ticket with
   * late rewinding; without, the target of a transfer (the caller appends the transfer section).
   */
  static String detectorConfig(Size size, boolean lottery, String what) {
    int milestone = size.iterations() * 3 / 4;
    List<String> lines = new ArrayList<>(List.of(
        "# written by 'ticketlab " + size.name() + "': " + what,
        "task: seg",
        "data: {train: data/train-" + size.trainImages() + "/" + SynthGenerator.ANNOTATIONS
            + ", val: data/val-" + size.valImages() + "/" + SynthGenerator.ANNOTATIONS + "}",
        "model: {arch: resnet18, width: 0.5, fpn_channels: 64, head_width: 256, min_size: [" + IMAGE + "], max_size: "
            + IMAGE + ","
            + " scratch: true, roi_samples: 64}",
        "training: {iterations: " + size.iterations() + "it, batch: 4, lr: 0.02, warmup: "
            + Math.max(1, size.iterations() / 16) + "it, milestones: [" + milestone + "it], eval_every: "
            + size.evalEvery() + "it, ap_every: end}"));
    if (lottery) {
      lines.add("pruning: {preset: paper-coco, strategy: layerwise, sparsity: " + SPARSITY + ", rounds: 2}");
      lines.add("rewind: {at: " + size.rewind() + "it}");
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
