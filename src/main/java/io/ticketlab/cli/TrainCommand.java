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

    @Option(names = "--arch", description = "resnet18, resnet34, resnet50 or resnet101 (default: " + Defaults.ARCH + ").")
    String arch;

    @Option(names = "--width", description = "Channel width multiplier (default: " + Defaults.WIDTH + ").")
    Double width;

    @Option(names = "--iterations", paramLabel = "STEP", description = "Training length (default: " + Defaults.CLASSIFY_ITERATIONS + ").")
    String iterations;

    @Option(names = "--batch", description = "Batch size (default: " + Defaults.CLASSIFY_BATCH + ").")
    Integer batch;

    @Option(names = "--size", description = "Crop size in pixels (default: " + Defaults.CLASSIFY_SIZE + ").")
    Integer size;

    @Option(names = "--lr", description = "Learning rate (default: " + Defaults.CLASSIFY_LR + ").")
    Double lr;

    @Option(names = "--momentum", description = "SGD momentum (default: " + Defaults.MOMENTUM + ").")
    Double momentum;

    @Option(names = "--weight-decay", description = "L2 weight decay (default: 1e-4).")
    Double weightDecay;

    @Option(names = "--warmup", paramLabel = "STEP", description = "Linear warm-up length (default: " + Defaults.CLASSIFY_WARMUP + ").")
    String warmup;

    @Option(names = "--schedule", description = "cosine or step (default: " + Defaults.CLASSIFY_SCHEDULE + ": x0.1 at each --milestones).")
    String schedule;

    @Option(names = "--milestones", split = ",", paramLabel = "STEP", description = "Step-decay points (default: " + Defaults.CLASSIFY_MILESTONES_TEXT + ").")
    List<String> milestones;

    @Option(names = "--checkpoint-at", split = ",", paramLabel = "STEP", description = "Extra checkpoints, e.g. rewind points: 1ep,500it. The end is always saved.")
    List<String> checkpointAt = new ArrayList<>();

    @Option(names = "--weights", paramLabel = "FILE", description = "Initial weights (.pth, safetensors, .npz or TicketLab checkpoint).")
    Path weights;

    @Option(names = "--seed", description = "Random seed (default: " + Defaults.SEED + ").")
    Long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder: checkpoints, metrics.csv, eval.json.")
    Path out;

    @Mixin ProgressOption progress;

    /** The flags as the experiment config they stand for. */
    ExperimentConfig config() {
      return new ExperimentConfig(
          "classify",
          new ExperimentConfig.Data(str(data), str(val), null, null),
          new ExperimentConfig.Model(arch, width, null, null, null, null, null, null, null, null, str(weights), null),
          new ExperimentConfig.Training(iterations, batch, size, lr, momentum, weightDecay, warmup, schedule, milestones,
              null, null, null, null),
          null, null, null, seed, null);
    }

    @Override
    public Integer call() throws Exception {
      ExperimentSpec e = ExperimentSpec.resolveTraining(config(), ConfigKeys.flags(FLAGS));
      ClassificationRun.Spec s = ClassificationRun.Spec.of(e, null, e.seed(), steps(checkpointAt, "--checkpoint-at"), out);
      ClassificationRun.Result r = ClassificationRun.run(s, progress.stream());
      PrintWriter pw = spec.commandLine().getOut();
      if (r.fromIteration() > 0) {
        pw.printf("resumed at iteration %d%n", r.fromIteration());
      }
      pw.printf("trained to iteration %d; run folder %s%n", r.toIteration(), out);
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

    @Option(names = "--arch", description = "Backbone: resnet18, resnet34, resnet50, resnet101 (default: " + Defaults.ARCH + ").")
    String arch;

    @Option(names = "--variant", description = "fpn or c4 (default: " + Defaults.VARIANT + ").")
    String variant;

    @Option(names = "--width", description = "Backbone width multiplier (default: " + Defaults.WIDTH + ").")
    Double width;

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

    @Option(names = "--weights", paramLabel = "FILE", description = "Initial weights: a detector checkpoint, or ImageNet ResNet weights for the backbone.")
    Path weights;

    @Option(names = "--iterations", paramLabel = "STEP", description = "Training length (default: " + Defaults.DETECT_ITERATIONS + ").")
    String iterations;

    @Option(names = "--batch", description = "Images per forward pass (default: " + Defaults.DETECT_BATCH + ").")
    Integer batch;

    @Option(names = "--accumulate", paramLabel = "N",
        description = "Forward passes per iteration, their gradients averaged (gradient accumulation: an"
            + " iteration sees batch × N images, with the memory of one batch; default: " + Defaults.ACCUMULATE + ").")
    Integer accumulate;

    @Option(names = "--lr", description = "Learning rate (default: " + Defaults.DETECT_LR + ").")
    Double lr;

    @Option(names = "--momentum", description = "SGD momentum (default: " + Defaults.MOMENTUM + ").")
    Double momentum;

    @Option(names = "--weight-decay", description = "L2 on conv/linear weights (default: 1e-4).")
    Double weightDecay;

    @Option(names = "--warmup", paramLabel = "STEP", description = "Linear warm-up length (default: " + Defaults.DETECT_WARMUP + ").")
    String warmup;

    @Option(names = "--warmup-factor", description = "Warm-up starting fraction of the rate (default: " + Defaults.WARMUP_FACTOR + ").")
    Double warmupFactor;

    @Option(names = "--milestones", split = ",", paramLabel = "STEP", description = "Steps x0.1, e.g. 8ep,11ep (default: none).")
    List<String> milestones;

    @Option(names = "--checkpoint-at", split = ",", paramLabel = "STEP", description = "Extra checkpoints (rewind points), e.g. 1ep.")
    List<String> checkpointAt = new ArrayList<>();

    @Option(names = "--eval-every", paramLabel = "STEP", description = "Validation loss + COCO AP interval, e.g. 1ep (default: end: only after the last iteration).")
    String evalEvery;

    @Option(names = "--no-flip", description = "No horizontal flips.")
    Boolean noFlip;

    @Option(names = "--num-classes", description = "Classes without background (default: the training set's categories).")
    Integer numClasses;

    @Option(names = "--seed", description = "Random seed (default: " + Defaults.SEED + ").")
    Long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
    Path out;

    @Mixin ProgressOption progress;

    /** The flags as the experiment config they stand for. */
    ExperimentConfig config() {
      return new ExperimentConfig(
          task == null ? "det" : task,
          new ExperimentConfig.Data(str(train), str(val), str(trainImages), str(valImages)),
          new ExperimentConfig.Model(arch, width, variant, fpnChannels, headWidth, minSize, maxSize, trainableLayers,
              scratch, numClasses, str(weights), roiSamples),
          new ExperimentConfig.Training(iterations, batch, null, lr, momentum, weightDecay, warmup, null, milestones,
              warmupFactor, evalEvery, noFlip == null ? null : !noFlip, accumulate),
          null, null, null, seed, null);
    }

    @Override
    public Integer call() throws Exception {
      ConfigKeys keys = ConfigKeys.flags(FLAGS);
      ExperimentSpec e = ExperimentSpec.resolveTraining(config(), keys);
      DetectionRun.Spec s = DetectionRun.Spec.of(e, null, e.seed(), steps(checkpointAt, "--checkpoint-at"), keys);
      DetectionRun.Result r = DetectionRun.run(s, out, progress.stream());
      PrintWriter pw = spec.commandLine().getOut();
      if (r.fromIteration() > 0) {
        pw.printf("resumed at iteration %d%n", r.fromIteration());
      }
      pw.printf("trained to iteration %d; run folder %s%n", r.toIteration(), out);
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
