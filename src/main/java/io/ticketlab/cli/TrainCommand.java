package io.ticketlab.cli;

import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.config.ExperimentSpec.Defaults;
import io.ticketlab.config.Step;
import io.ticketlab.train.classify.ClassificationRun;
import io.ticketlab.train.detect.DetectionRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ticketlab train}: training commands, one per task. Their flags are the keys of an
 * experiment config ({@code --lr} is {@code training.lr}, {@code --fpn-channels} is {@code
 * model.fpn_channels}) and go through the same {@link ExperimentSpec#resolveTraining}, so a flag and
 * the key have the same default and the same checks.
 */
@Command(
    name = "train",
    header = "Train models: ImageNet-style classifiers and two-stage detectors.",
    description = "Training commands. Every run writes checkpoints, metrics.csv, eval.json and"
        + " provenance.json into its --out folder and resumes from its latest checkpoint when run again.",
    mixinStandardHelpOptions = true,
    subcommands = {TrainCommand.Classify.class, TrainCommand.Detect.class})
final class TrainCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }

  private static List<Step> steps(List<String> points, String flag) {
    List<Step> out = new ArrayList<>();
    for (String p : points) {
      try {
        out.add(Step.parse(p));
      } catch (io.ticketlab.common.BadInputException e) {
        throw io.ticketlab.common.BadInputException.of(null, null, flag, p, "expected a length such as 500it or 1ep");
      }
    }
    return out;
  }

  /** {@code ticketlab train classify}. */
  @Command(
      name = "classify",
      mixinStandardHelpOptions = true,
      header = "Train a ResNet classifier on an image folder (the paper's ImageNet tickets start here).",
      description = {
        "RandomResizedCrop + flip, cross-entropy, SGD with momentum and weight decay (none on batch"
            + " norm), warm-up then cosine or step decay; top-1/top-5 with the center-crop evaluation"
            + " transform on --val. Lengths and points are iterations or epochs: 500it, 2ep, 1ep100it."
      })
  static final class Classify implements Callable<Integer> {
    /** Flags whose names are not the last part of their key. */
    static final Map<String, String> FLAGS = Map.of("data.train", "--data");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Training images, one sub-folder per class.")
    Path data;

    @Option(names = "--val", paramLabel = "DIR", description = "Validation images, same classes.")
    Path val;

    @Option(names = "--size", description = "Crop size in pixels (default: " + Defaults.CLASSIFY_SIZE + ").")
    Integer size;

    @Option(names = "--schedule", description = "cosine or step (default: " + Defaults.CLASSIFY_SCHEDULE + ": x0.1 at each --milestones).")
    String schedule;

    @Option(names = "--crop-scale", paramLabel = "S", description = "Smallest area fraction of a RandomResizedCrop"
        + " training crop (default: " + Defaults.CROP_SCALE + ", ImageNet's; small images of whole objects want more,"
        + " e.g. 0.5).")
    Double cropScale;

    @Mixin TrainingOptions t;

    @Mixin ProgressOption progress;

    /** The flags as the experiment config they stand for. */
    ExperimentConfig config() {
      return new ExperimentConfig(
          "classify",
          new ExperimentConfig.Data(str(data), str(val), null, null),
          new ExperimentConfig.Model(t.arch, t.width, null, null, null, null, null, null, null, null, str(t.weights), null),
          new ExperimentConfig.Training(t.iterations, t.batch, size, t.lr, t.momentum, t.weightDecay, t.warmup, schedule,
              t.milestones, null, null, null, null, cropScale, null),
          null, null, null, t.seed, null, null);
    }

    @Override
    public Integer call() throws Exception {
      ExperimentSpec e = ExperimentSpec.resolveTraining(config(), ConfigKeys.flags(FLAGS));
      ClassificationRun.Spec s = ClassificationRun.Spec.of(e, null, e.seed(), steps(t.checkpointAt, "--checkpoint-at"), t.out);
      ClassificationRun.Result r = ClassificationRun.run(s, progress.stream());
      PrintWriter pw = spec.commandLine().getOut();
      if (r.fromIteration() > 0) {
        pw.printf("resumed at iteration %d%n", r.fromIteration());
      }
      pw.printf("trained to iteration %d; run folder %s%n", r.toIteration(), t.out);
      if (r.accuracy() != null) {
        pw.printf(Locale.ROOT, "validation: top-1 %.4f, top-5 %.4f on %d images%n",
            r.accuracy().top1(), r.accuracy().top5(), r.accuracy().images());
      }
      pw.flush();
      return 0;
    }
  }

  /** {@code ticketlab train detect}. */
  @Command(
      name = "detect",
      mixinStandardHelpOptions = true,
      header = "Train Faster R-CNN (det), Mask R-CNN (seg) or Keypoint R-CNN (kp) on COCO-format data.",
      description = {
        "torchvision's detectors (ResNet-FPN, or the paper's VOC C4 model with --variant c4) trained"
            + " with SGD, linear warm-up and x0.1 steps at --milestones, horizontal flips and the"
            + " short sides of --min-size. The run folder gets model.json, checkpoints (resumable),"
            + " metrics.csv (loss terms per iteration), validation.csv (validation loss and COCO AP"
            + " every --eval-every), eval.json and results.json. Lengths: 500it, 12ep, 1ep100it."
      })
  static final class Detect implements Callable<Integer> {
    /** Flags whose names are not the last part of their key. */
    static final Map<String, String> FLAGS = Map.of("data.train", "--train", "data.val", "--val",
        "training.flip", "--no-flip");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", description = "det, seg or kp (default: det).")
    String task;

    @Option(names = "--train", required = true, paramLabel = "JSON", description = "COCO annotations of the training set.")
    Path train;

    @Option(names = "--train-images", paramLabel = "DIR", description = "Its images (default: the json's folder).")
    Path trainImages;

    @Option(names = "--val", paramLabel = "JSON", description = "COCO annotations of the validation set.")
    Path val;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Its images (default: the json's folder).")
    Path valImages;

    @Option(names = "--variant", description = "fpn or c4 (default: " + Defaults.VARIANT + ").")
    String variant;

    @Option(names = "--fpn-channels", description = "FPN width (default: " + Defaults.FPN_CHANNELS + "); also the mask head's width, and half the keypoint head's.")
    Integer fpnChannels;

    @Option(names = "--head-width", description = "Box head fc6/fc7 width (default: " + Defaults.HEAD_WIDTH + ").")
    Integer headWidth;

    @Option(names = "--min-size", split = ",", description = "Short side(s); training picks one per image (default: " + Defaults.MIN_SIZE + ").")
    List<Integer> minSize;

    @Option(names = "--max-size", description = "Long side cap (default: " + Defaults.MAX_SIZE + ").")
    Integer maxSize;

    @Option(names = "--trainable-layers", description = "Backbone stages trained, 0..5 (default: " + Defaults.TRAINABLE_LAYERS + ").")
    Integer trainableLayers;

    @Option(names = "--roi-samples", description = "Proposals sampled per image for the box head (default: " + Defaults.ROI_SAMPLES + ", torchvision's).")
    Integer roiSamples;

    @Option(names = "--scratch", description = "No pretrained backbone: trainable batch norm and all stages trained (torchvision's choice without weights).")
    Boolean scratch;

    @Option(names = "--accumulate", paramLabel = "N",
        description = "Forward passes per iteration, their gradients averaged (gradient accumulation: an"
            + " iteration sees batch × N images, with the memory of one batch; default: " + Defaults.ACCUMULATE + ").")
    Integer accumulate;

    @Option(names = "--warmup-factor", description = "Warm-up starting fraction of the rate (default: " + Defaults.WARMUP_FACTOR + ").")
    Double warmupFactor;

    @Option(names = "--eval-every", paramLabel = "STEP", description = "Validation loss + COCO AP interval, e.g. 1ep (default: end: only after the last iteration).")
    String evalEvery;

    @Option(names = "--ap-every", paramLabel = "STEP", description = "COCO AP only at the evaluation points that are"
        + " multiples of this, and at the end; 'end': only at the end, the other points validation loss only (default:"
        + " at every evaluation point).")
    String apEvery;

    @Option(names = "--no-flip", description = "No horizontal flips.")
    Boolean noFlip;

    @Option(names = "--num-classes", description = "Classes without background (default: the training set's categories).")
    Integer numClasses;

    @Mixin TrainingOptions t;

    @Mixin ProgressOption progress;

    /** The flags as the experiment config they stand for. */
    ExperimentConfig config() {
      return new ExperimentConfig(
          task == null ? "det" : task,
          new ExperimentConfig.Data(str(train), str(val), str(trainImages), str(valImages)),
          new ExperimentConfig.Model(t.arch, t.width, variant, fpnChannels, headWidth, minSize, maxSize, trainableLayers,
              scratch, numClasses, str(t.weights), roiSamples),
          new ExperimentConfig.Training(t.iterations, t.batch, null, t.lr, t.momentum, t.weightDecay, t.warmup, null,
              t.milestones, warmupFactor, evalEvery, noFlip == null ? null : !noFlip, accumulate, null, apEvery),
          null, null, null, t.seed, null, null);
    }

    @Override
    public Integer call() throws Exception {
      ConfigKeys keys = ConfigKeys.flags(FLAGS);
      ExperimentSpec e = ExperimentSpec.resolveTraining(config(), keys);
      DetectionRun.Spec s = DetectionRun.Spec.of(e, null, e.seed(), steps(t.checkpointAt, "--checkpoint-at"), keys);
      DetectionRun.Result r = DetectionRun.run(s, t.out, progress.stream());
      PrintWriter pw = spec.commandLine().getOut();
      if (r.fromIteration() > 0) {
        pw.printf("resumed at iteration %d%n", r.fromIteration());
      }
      pw.printf("trained to iteration %d; run folder %s%n", r.toIteration(), t.out);
      r.metrics().forEach((k, v) -> {
        if (k.contains("/")) {
          pw.printf(Locale.ROOT, "%s %.4f%n", k, v);
        }
      });
      pw.flush();
      return 0;
    }
  }
}
