package io.ticketlab.cli;

import io.ticketlab.config.Step;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.train.classify.ClassificationRun;
import io.ticketlab.train.detect.DetectionRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab train}: training commands, one per task. */
@Command(
    name = "train",
    header = "Train models: ImageNet-style classifiers and two-stage detectors.",
    description = "Training commands. Every run writes checkpoints, metrics.csv and eval.json into"
        + " its --out folder and resumes from its latest checkpoint when run again.",
    mixinStandardHelpOptions = true,
    subcommands = {TrainCommand.Classify.class, TrainCommand.Detect.class})
final class TrainCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
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
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Training images, one sub-folder per class.")
    Path data;

    @Option(names = "--val", paramLabel = "DIR", description = "Validation images, same classes.")
    Path val;

    @Option(names = "--arch", defaultValue = "resnet18", description = "resnet18, resnet34, resnet50 or resnet101 (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", defaultValue = "1.0", description = "Channel width multiplier (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--iterations", defaultValue = "90ep", paramLabel = "STEP", description = "Training length (default: ${DEFAULT-VALUE}).")
    String iterations;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--size", defaultValue = "224", description = "Crop size in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--lr", defaultValue = "0.1", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--warmup", defaultValue = "0it", paramLabel = "STEP", description = "Linear warm-up length (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--schedule", defaultValue = "step", description = "cosine or step (default: ${DEFAULT-VALUE}: x0.1 at each --milestones).")
    String schedule;

    @Option(names = "--milestones", split = ",", defaultValue = "30ep,60ep", paramLabel = "STEP", description = "Step-decay points (default: ${DEFAULT-VALUE}).")
    List<String> milestones;

    @Option(names = "--checkpoint-at", split = ",", paramLabel = "STEP", description = "Extra checkpoints, e.g. rewind points: 1ep,500it. The end is always saved.")
    List<String> checkpointAt = new ArrayList<>();

    @Option(names = "--weights", paramLabel = "FILE", description = "Initial weights (.pth, safetensors, .npz or TicketLab checkpoint).")
    Path weights;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder: checkpoints, metrics.csv, eval.json.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      String sched = schedule.toLowerCase(Locale.ROOT);
      if (!sched.equals("cosine") && !sched.equals("step")) {
        throw new io.ticketlab.common.BadInputException(
            "--schedule: bad value " + schedule + ": expected cosine or step");
      }
      int depth;
      try {
        depth = ResNetConfig.parseArch(arch);
      } catch (IllegalArgumentException e) {
        throw new io.ticketlab.common.BadInputException("--arch: bad value " + arch + ": " + e.getMessage());
      }
      if (batch < 1 || size < 16 || !(lr > 0) || !(width > 0)) {
        throw new io.ticketlab.common.BadInputException(
            "--batch/--size/--lr/--width: bad values " + batch + "/" + size + "/" + lr + "/" + width
                + ": need batch >= 1, size >= 16, lr > 0, width > 0");
      }
      ClassificationRun.Spec s =
          new ClassificationRun.Spec(
              data, val, depth, width, batch, size, Step.parse(iterations), lr, momentum, weightDecay,
              Step.parse(warmup), sched.equals("cosine"),
              milestones.stream().map(Step::parse).toList(),
              checkpointAt.stream().map(Step::parse).toList(),
              seed, weights, out);
      ClassificationRun.Result r = ClassificationRun.run(s, quiet ? null : System.err);
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
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", defaultValue = "det", description = "det, seg or kp (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--train", required = true, paramLabel = "JSON", description = "COCO annotations of the training set.")
    Path train;

    @Option(names = "--train-images", paramLabel = "DIR", description = "Its images (default: the json's folder).")
    Path trainImages;

    @Option(names = "--val", paramLabel = "JSON", description = "COCO annotations of the validation set.")
    Path val;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Its images (default: the json's folder).")
    Path valImages;

    @Option(names = "--arch", defaultValue = "resnet18", description = "Backbone: resnet18, resnet34, resnet50, resnet101 (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--variant", defaultValue = "fpn", description = "fpn or c4 (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--width", defaultValue = "1.0", description = "Backbone width multiplier (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--fpn-channels", defaultValue = "256", description = "FPN width (default: ${DEFAULT-VALUE}); also the mask head's width, and half the keypoint head's.")
    int fpnChannels;

    @Option(names = "--head-width", defaultValue = "1024", description = "Box head fc6/fc7 width (default: ${DEFAULT-VALUE}).")
    int headWidth;

    @Option(names = "--min-size", split = ",", defaultValue = "800", description = "Short side(s); training picks one per image (default: ${DEFAULT-VALUE}).")
    List<Integer> minSize;

    @Option(names = "--max-size", defaultValue = "1333", description = "Long side cap (default: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--trainable-layers", defaultValue = "3", description = "Backbone stages trained, 0..5 (default: ${DEFAULT-VALUE}).")
    int trainableLayers;

    @Option(names = "--roi-samples", defaultValue = "512", description = "Proposals sampled per image for the box head (default: ${DEFAULT-VALUE}, torchvision's).")
    int roiSamples;

    @Option(names = "--scratch", description = "No pretrained backbone: trainable batch norm and all stages trained (torchvision's choice without weights).")
    boolean scratch;

    @Option(names = "--weights", paramLabel = "FILE", description = "Initial weights: a detector checkpoint, or ImageNet ResNet weights for the backbone.")
    Path weights;

    @Option(names = "--iterations", defaultValue = "12ep", paramLabel = "STEP", description = "Training length (default: ${DEFAULT-VALUE}).")
    String iterations;

    @Option(names = "--batch", defaultValue = "2", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--accumulate", defaultValue = "1", paramLabel = "N",
        description = "Forward passes per iteration, their gradients averaged (gradient accumulation: an"
            + " iteration sees batch × N images, with the memory of one batch; default: ${DEFAULT-VALUE}).")
    int accumulate;

    @Option(names = "--lr", defaultValue = "0.02", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "L2 on conv/linear weights (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--warmup", defaultValue = "1000it", paramLabel = "STEP", description = "Linear warm-up length (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--warmup-factor", defaultValue = "0.001", description = "Warm-up starting fraction of the rate (default: ${DEFAULT-VALUE}).")
    double warmupFactor;

    @Option(names = "--milestones", split = ",", paramLabel = "STEP", description = "Steps x0.1, e.g. 8ep,11ep.")
    List<String> milestones = new ArrayList<>();

    @Option(names = "--checkpoint-at", split = ",", paramLabel = "STEP", description = "Extra checkpoints (rewind points), e.g. 1ep.")
    List<String> checkpointAt = new ArrayList<>();

    @Option(names = "--eval-every", defaultValue = "1ep", paramLabel = "STEP", description = "Validation loss + COCO AP interval (default: ${DEFAULT-VALUE}).")
    String evalEvery;

    @Option(names = "--no-flip", description = "No horizontal flips.")
    boolean noFlip;

    @Option(names = "--num-classes", description = "Classes without background (default: the training set's categories).")
    Integer numClasses;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      DetectorSpec model = DetectorOptions.spec(task, arch, variant, width, fpnChannels, headWidth, minSize, maxSize,
          trainableLayers, scratch, numClasses, train).withRoiSamplesPerImage(roiSamples);
      DetectionRun.Spec s =
          new DetectionRun.Spec(
              train, trainImages == null ? parentOf(train) : trainImages,
              val, val == null ? null : valImages == null ? parentOf(val) : valImages,
              model, batch, accumulate, Step.parse(iterations), lr, momentum, weightDecay, Step.parse(warmup), warmupFactor,
              milestones.stream().map(Step::parse).toList(),
              checkpointAt.stream().map(Step::parse).toList(),
              Step.parse(evalEvery), !noFlip, seed, weights);
      DetectionRun.Result r = DetectionRun.run(s, out, quiet ? null : System.err);
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

    private static Path parentOf(Path file) {
      Path parent = file.toAbsolutePath().getParent();
      return parent == null ? Path.of(".") : parent;
    }
  }
}
