package io.ticketlab.cli;

import io.ticketlab.config.ExperimentSpec.Defaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options {@code train classify} and {@code train detect} share (a picocli mixin): each is the
 * config key of the same name ({@code training.*}, {@code model.arch|width|weights}, {@code seed});
 * null when not given, so that {@link io.ticketlab.config.ExperimentSpec#resolveTraining} applies the
 * task's default.
 */
final class TrainingOptions {
  @Option(names = "--arch", description = "Backbone: resnet18, resnet34, resnet50 or resnet101 (default: " + Defaults.ARCH + ").")
  String arch;

  @Option(names = "--width", description = "Channel width multiplier (default: " + Defaults.WIDTH + ").")
  Double width;

  @Option(names = "--iterations", paramLabel = "STEP", description = "Training length (default: "
      + Defaults.CLASSIFY_ITERATIONS + " for classifiers, " + Defaults.DETECT_ITERATIONS + " for detectors).")
  String iterations;

  @Option(names = "--batch", description = "Images per forward pass (default: " + Defaults.CLASSIFY_BATCH
      + " for classifiers, " + Defaults.DETECT_BATCH + " for detectors).")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate (default: " + Defaults.CLASSIFY_LR + " for classifiers, "
      + Defaults.DETECT_LR + " for detectors).")
  Double lr;

  @Option(names = "--momentum", description = "SGD momentum (default: " + Defaults.MOMENTUM + ").")
  Double momentum;

  @Option(names = "--weight-decay", description = "L2 on conv/linear weights, none on norm layers (default: 1e-4).")
  Double weightDecay;

  @Option(names = "--warmup", paramLabel = "STEP", description = "Linear warm-up length (default: "
      + Defaults.CLASSIFY_WARMUP + " for classifiers, " + Defaults.DETECT_WARMUP + " for detectors).")
  String warmup;

  @Option(names = "--milestones", split = ",", paramLabel = "STEP", description = "Steps x0.1, e.g. 8ep,11ep (default: "
      + Defaults.CLASSIFY_MILESTONES_TEXT + " for classifiers, none for detectors).")
  List<String> milestones;

  @Option(names = "--checkpoint-at", split = ",", paramLabel = "STEP",
      description = "Extra checkpoints, e.g. rewind points: 1ep,500it. The end is always saved.")
  List<String> checkpointAt = new ArrayList<>();

  @Option(names = "--weights", paramLabel = "FILE", description = "Initial weights (.pth, safetensors, .npz or"
      + " TicketLab checkpoint); for detectors a detector checkpoint, or ImageNet ResNet weights for the backbone.")
  Path weights;

  @Option(names = "--seed", description = "Random seed (default: " + Defaults.SEED + ").")
  Long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder: checkpoints, metrics.csv,"
      + " eval.json, provenance.json.")
  Path out;
}
