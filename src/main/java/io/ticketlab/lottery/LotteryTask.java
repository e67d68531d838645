package io.ticketlab.lottery;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.Step;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.prune.Mask;
import io.ticketlab.train.classify.ClassificationRun;
import io.ticketlab.train.detect.DetectionRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one lottery level trains, behind the one interface {@link LotteryRunner} needs: a ResNet
 * classifier ({@link ClassificationRun}) or a detector ({@link DetectionRun}). Pruning, rewinding,
 * branches and the run-folder layout are task-independent; only the model's parameter shapes, the
 * training length and the training run itself differ, plus which metrics a level reports.
 */
abstract class LotteryTask {
  /** Where a level starts: weights (+ optimizer momentum) at an iteration (the rewind point). */
  record Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration) {}

  final LotteryConfig config;
  final Path base;

  private LotteryTask(LotteryConfig config, Path base) {
    this.config = config;
    this.base = base;
  }

  /** The task of an experiment; data paths are resolved against {@code base}. */
  static LotteryTask of(LotteryConfig config, Path base) {
    return config.isDetector() ? new Detector(config, base) : new Classifier(config, base);
  }

  /** Parameter shapes by torchvision name (the prunable set is selected from these). */
  abstract Map<String, int[]> parameterShapes();

  /** {iterations per epoch, total iterations}. */
  abstract long[] lengths();

  /**
   * The metrics a level reports, main one first: top-1 / top-5 for classification, COCO AP per IoU
   * type ({@code bbox/AP}, {@code segm/AP}, {@code keypoints/AP}) for detectors.
   */
  abstract List<String> reported();

  /**
   * Trains (or resumes) one level in {@code dir}: seed {@code seed}, extra checkpoints at {@code
   * checkpointAt}, from {@code start} when the folder has no checkpoint (null: the fresh
   * initialisation), with {@code mask} in force when not null. Returns the final evaluation's
   * metrics (empty without validation data).
   */
  abstract Map<String, Double> train(
      Path dir, long seed, List<Step> checkpointAt, Start start, Mask mask, PrintStream progress) throws IOException;

  Path path(String relative) {
    return relative == null ? null : base.resolve(relative);
  }

  /** Classification on image folders (the paper's ImageNet tickets). */
  static final class Classifier extends LotteryTask {
    Classifier(LotteryConfig config, Path base) {
      super(config, base);
    }

    ClassificationRun.Spec spec(Path dir, long seed, List<Step> checkpointAt) {
      LotteryConfig c = config;
      LotteryConfig.Training t = c.training();
      int depth;
      try {
        depth = ResNetConfig.parseArch(c.model().arch());
      } catch (IllegalArgumentException e) {
        throw BadInputException.of(null, "model", "arch", c.model().arch(), e.getMessage());
      }
      String schedule = t.schedule() == null ? "cosine" : t.schedule().toLowerCase(Locale.ROOT);
      if (!schedule.equals("cosine") && !schedule.equals("step")) {
        throw BadInputException.of(null, "training", "schedule", t.schedule(), "expected cosine or step");
      }
      return new ClassificationRun.Spec(
          path(c.data().train()),
          path(c.data().val()),
          depth,
          c.model().width() == null ? 1.0 : c.model().width(),
          t.batch() == null ? 32 : t.batch(),
          t.size() == null ? 224 : t.size(),
          Step.parse(t.iterations()),
          t.lr() == null ? 0.1 : t.lr(),
          t.momentum() == null ? 0.9f : t.momentum().floatValue(),
          t.weightDecay() == null ? 1e-4f : t.weightDecay().floatValue(),
          Step.parse(t.warmup() == null ? "0it" : t.warmup()),
          schedule.equals("cosine"),
          t.milestones() == null ? List.of() : t.milestones().stream().map(Step::parse).toList(),
          checkpointAt,
          seed,
          null,
          dir);
    }

    @Override
    Map<String, int[]> parameterShapes() {
      return ClassificationRun.parameterShapes(spec(null, config.baseSeed(), List.of()));
    }

    @Override
    long[] lengths() {
      return ClassificationRun.lengths(spec(null, config.baseSeed(), List.of()));
    }

    @Override
    List<String> reported() {
      return List.of("top1", "top5");
    }

    @Override
    Map<String, Double> train(
        Path dir, long seed, List<Step> checkpointAt, Start start, Mask mask, PrintStream progress) throws IOException {
      ClassificationRun.Start s =
          start == null ? null : new ClassificationRun.Start(start.weights(), start.momentum(), start.iteration());
      ClassificationRun.Result r = ClassificationRun.run(spec(dir, seed, checkpointAt), dir, s, mask, progress);
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (r.accuracy() != null) {
        metrics.put("top1", r.accuracy().top1());
        metrics.put("top5", r.accuracy().top5());
      }
      return metrics;
    }
  }

  /** Faster R-CNN, Mask R-CNN or Keypoint R-CNN on COCO-format data (the paper's detection tickets). */
  static final class Detector extends LotteryTask {
    private final DetectorSpec model;

    Detector(LotteryConfig config, Path base) {
      super(config, base);
      this.model = config.detectorSpec(null, config.model().numClasses(), path(config.data().train()));
    }

    DetectionRun.Spec spec(long seed, List<Step> checkpointAt) {
      LotteryConfig.Data d = config.data();
      LotteryConfig.Training t = config.training();
      Path train = path(d.train());
      Path val = path(d.val());
      return new DetectionRun.Spec(
          train,
          d.trainImages() == null ? folderOf(train) : path(d.trainImages()),
          val,
          val == null ? null : d.valImages() == null ? folderOf(val) : path(d.valImages()),
          model,
          t.batch() == null ? 2 : t.batch(),
          t.accumulate() == null ? 1 : t.accumulate(),
          Step.parse(t.iterations()),
          t.lr() == null ? 0.02 : t.lr(),
          t.momentum() == null ? 0.9f : t.momentum().floatValue(),
          t.weightDecay() == null ? 1e-4f : t.weightDecay().floatValue(),
          Step.parse(t.warmup() == null ? "0it" : t.warmup()),
          t.warmupFactor() == null ? 0.001 : t.warmupFactor(),
          t.milestones() == null ? List.of() : t.milestones().stream().map(Step::parse).toList(),
          checkpointAt,
          t.evalEvery() == null ? null : Step.parse(t.evalEvery()),
          t.flip() == null || t.flip(),
          seed,
          path(config.model().weights()));
    }

    private static Path folderOf(Path file) {
      Path parent = file.toAbsolutePath().getParent();
      return parent == null ? Path.of(".") : parent;
    }

    @Override
    Map<String, int[]> parameterShapes() {
      return DetectionRun.parameterShapes(model);
    }

    @Override
    long[] lengths() {
      return DetectionRun.lengths(spec(config.baseSeed(), List.of()));
    }

    @Override
    List<String> reported() {
      return DetectionRun.iouTypes(model.task()).stream().map(t -> t.cocoName() + "/AP").toList();
    }

    @Override
    Map<String, Double> train(
        Path dir, long seed, List<Step> checkpointAt, Start start, Mask mask, PrintStream progress) throws IOException {
      DetectionRun.Start s =
          start == null ? null : new DetectionRun.Start(start.weights(), start.momentum(), start.iteration());
      DetectionRun.Result r = DetectionRun.run(spec(seed, checkpointAt), dir, s, mask, progress);
      Map<String, Double> metrics = new LinkedHashMap<>();
      r.metrics().forEach((k, v) -> {
        if (k.contains("/")) {
          metrics.put(k, v);
        }
      });
      return metrics;
    }
  }
}
