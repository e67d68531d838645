package io.ticketlab.demo;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.InputFiles;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseFormats;
import io.ticketlab.train.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The paper's experiment in miniature, from nothing: synthetic COCO-format shapes, a small
 * ResNet-18-FPN Faster R-CNN trained densely (level 0), a lottery ticket at 80% sparsity by global
 * magnitude pruning with late rewinding (level 1), and its random-pruning control at the same
 * sparsity. Everything lands in one folder ({@code data/}, {@code experiment.yaml}, {@code runs/})
 * and is an ordinary lottery experiment: running the demo again resumes or skips what is done, and
 * {@code ticketlab lottery --config DIR/experiment.yaml --root DIR/runs} continues it by hand.
 */
public final class Demo {
  /**
   * How big the demo is.
   *
   * @param trainImages synthetic training images
   * @param valImages synthetic validation images
   * @param iterations training length of each run
   * @param rewind the late-rewinding point
   * @param evalEvery validation interval (the convergence curve)
   */
  public record Size(int trainImages, int valImages, int iterations, int rewind, int evalEvery) {
    /** The full demo: about ten minutes on two cores. */
    public static Size full() {
      return new Size(600, 100, 800, 100, 200);
    }

    /** A smoke test of the whole pipeline in well under a minute (numbers meaningless). */
    public static Size quick() {
      return new Size(8, 4, 6, 2, 3);
    }
  }

  /**
   * One row of the demo's result: what was trained, its network sparsity, COCO AP, and the bytes
   * of its final weights in the dense format and in the lossless entropy-coded sparse format.
   */
  public record Row(String name, double sparsityPercent, Double ap, Double ap50, long denseBytes, long sparseBytes,
      Path folder) {}

  private Demo() {}

  /** Runs (or resumes) the demo in {@code dir} and returns dense, ticket and control rows. */
  public static List<Row> run(Path dir, Size size, PrintStream progress) throws IOException {
    InputFiles.requireOutputFolder(dir);
    // folders named by their size: a quick run and the full demo in one folder do not share data
    Path train = dir.resolve("data").resolve("train-" + size.trainImages());
    Path val = dir.resolve("data").resolve("val-" + size.valImages());
    synth(train, new SynthOptions(size.trainImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train), progress);
    synth(val, new SynthOptions(size.valImages(), 1, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.val), progress);
    Path config = dir.resolve("experiment.yaml");
    AtomicFiles.writeString(config, config(size));
    Experiment e = Experiment.read(config);
    Path root = dir.resolve("runs");
    List<LotteryRunner.LevelOutcome> levels = LotteryRunner.run(e, root, 1, 1, false, progress);
    LotteryRunner.LevelOutcome control =
        LotteryRunner.runBranch(e, root, 0, 1, LotteryRunner.Branch.RANDOM_PRUNING, null, false, progress);
    LotteryRunner.LevelOutcome dense = levels.get(0);
    LotteryRunner.LevelOutcome ticket = levels.get(1);
    return List.of(
        row("dense (level 0)", dense),
        row("ticket (level 1, rewound to " + size.rewind() + "it)", ticket),
        row("random pruning (control)", control));
  }

  private static Row row(String name, LotteryRunner.LevelOutcome o) throws IOException {
    java.util.Map.Entry<Long, Path> last = RunFolder.latestCheckpoint(o.folder());
    if (last == null) {
      throw new IllegalStateException("no checkpoint in " + o.folder());
    }
    SizeReport size = SizeReport.of(TicketCheckpoint.read(last.getValue()).weights().toFloatTensors(),
        List.of(SparseFormats.DENSE, SparseFormats.ENTROPY));
    return new Row(name, o.networkSparsityPercent(), o.metrics().get("bbox/AP"), o.metrics().get("bbox/AP50"),
        size.fileBytes().get(SparseFormats.DENSE.name()), size.fileBytes().get(SparseFormats.ENTROPY.name()),
        o.folder());
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

  /** The experiment: the synthetic-data recipe of bench/detect-synth.sh as a two-level lottery. */
  static String config(Size size) {
    int milestone = size.iterations() * 3 / 4;
    return String.join("\n",
        "# written by 'ticketlab demo': Faster R-CNN R18-FPN (small) on synthetic shapes,",
        "# dense (level 0) and an 80% lottery ticket (level 1) with late rewinding",
        "task: det",
        "data: {train: data/train-" + size.trainImages() + "/" + SynthGenerator.ANNOTATIONS
            + ", val: data/val-" + size.valImages() + "/" + SynthGenerator.ANNOTATIONS + "}",
        "model: {arch: resnet18, width: 0.5, fpn_channels: 64, head_width: 256, min_size: [128], max_size: 128,"
            + " scratch: true, roi_samples: 128}",
        "training: {iterations: " + size.iterations() + "it, batch: 4, lr: 0.02, warmup: "
            + Math.max(1, size.iterations() / 16) + "it, milestones: [" + milestone + "it], eval_every: "
            + size.evalEvery() + "it}",
        "pruning: {preset: paper-coco, strategy: global, sparsity: 0.8, rounds: 2}",
        "rewind: {at: " + size.rewind() + "it}",
        "seed: 0",
        "");
  }
}
