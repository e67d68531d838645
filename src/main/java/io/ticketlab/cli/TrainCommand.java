package io.ticketlab.cli;

import io.ticketlab.config.Step;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.train.classify.ClassificationRun;
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
    header = "Train models: ImageNet-style classifiers (detectors follow).",
    description = "Training commands. Every run writes checkpoints, metrics.csv and eval.json into"
        + " its --out folder and resumes from its latest checkpoint when run again.",
    mixinStandardHelpOptions = true,
    subcommands = {TrainCommand.Classify.class})
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
}
