package io.ticketlab.lottery;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.config.Step;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.prune.Mask;
import io.ticketlab.train.classify.ClassificationRun;
import io.ticketlab.train.detect.DetectionRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one lottery level trains, behind the one interface {@link LotteryRunner} needs: a ResNet
 * classifier ({@link ClassificationRun}) or a detector ({@link DetectionRun}). Pruning, rewinding,
 * branches and the run-folder layout are task-independent; only the model's parameter shapes, the
 * training length and the training run itself differ, plus which metrics a level reports.
 */
abstract class LotteryTask {
  /** Where a level starts: weights (+ optimizer momentum) at an iteration (the rewind point). */
  record Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration, boolean partial) {
    Start(Map<String, FloatTensor> weights, Map<String, float[]> momentum, long iteration) {
      this(weights, momentum, iteration, false);
    }
  }

  final ExperimentSpec spec;
  final Path base;

  private LotteryTask(ExperimentSpec spec, Path base) {
    this.spec = spec;
    this.base = base;
  }

  /** The task of an experiment; data paths are resolved against {@code base}. */
  static LotteryTask of(ExperimentSpec spec, Path base) {
    return spec.isDetector() ? new Detector(spec, base) : new Classifier(spec, base);
  }

  /** Parameter shapes by torchvision name (the prunable set is selected from these). */
  abstract Map<String, int[]> parameterShapes();

  /** {iterations per epoch, total iterations}. */
  abstract long[] lengths();

  /**
   * Checks the files every level reads (the training and validation images), before the
   * experiment's folder is created.
   *
   * @throws io.ticketlab.common.BadInputException naming the file
   */
  abstract void checkInputs();

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

  /** Classification on image folders (the paper's ImageNet tickets). */
  static final class Classifier extends LotteryTask {
    Classifier(ExperimentSpec spec, Path base) {
      super(spec, base);
    }

    ClassificationRun.Spec run(Path dir, long seed, List<Step> checkpointAt) {
      return ClassificationRun.Spec.of(spec, base, seed, checkpointAt, dir);
    }

    @Override
    Map<String, int[]> parameterShapes() {
      return ClassificationRun.parameterShapes(run(null, spec.seed(), List.of()));
    }

    @Override
    long[] lengths() {
      return ClassificationRun.lengths(run(null, spec.seed(), List.of()));
    }

    @Override
    void checkInputs() {
      ClassificationRun.checkInputs(run(null, spec.seed(), List.of()));
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
      ClassificationRun.Result r = ClassificationRun.run(run(dir, seed, checkpointAt), dir, s, mask, progress);
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (r.accuracy() != null) {
        metrics.put("top1", r.accuracy().top1());
        metrics.put("top5", r.accuracy().top5());
      }
      return metrics;
    }
  }

  /**
   * Faster R-CNN, Mask R-CNN or Keypoint R-CNN on COCO-format data (the paper's detection tickets).
   * Its COCO files are parsed once for all the levels it trains (one parse of train2017's 450 MB
   * instances file costs seconds and gigabytes): the training json once for the category count and
   * once as the training set, the validation json once, each when first needed.
   */
  static final class Detector extends LotteryTask {
    /** The run of every level, with the experiment's seed and no extra checkpoints. */
    private final DetectionRun.Spec run;
    private DetectionDataset train;
    private DetectionDataset val;

    Detector(ExperimentSpec spec, Path base) {
      super(spec, base);
      this.run = DetectionRun.Spec.of(spec, base, spec.seed(), List.of(), ConfigKeys.file(null));
    }

    /** The detector this task trains. */
    DetectorSpec detector() {
      return run.model();
    }

    private DetectionDataset trainingSet() {
      if (train == null) {
        train = DetectionRun.trainingSet(run);
      }
      return train;
    }

    private DetectionDataset validationSet() {
      if (val == null) {
        val = DetectionRun.validationSet(run);
      }
      return val;
    }

    @Override
    Map<String, int[]> parameterShapes() {
      return DetectionRun.parameterShapes(run.model());
    }

    /** The number of images in the training set. */
    int trainingImages() {
      return trainingSet().size();
    }

    @Override
    long[] lengths() {
      return DetectionRun.lengths(run, trainingSet());
    }

    @Override
    void checkInputs() {
      DetectionRun.checkInputs(run, trainingSet(), validationSet());
    }

    @Override
    List<String> reported() {
      return DetectionRun.iouTypes(run.model().task()).stream().map(t -> t.cocoName() + "/AP").toList();
    }

    @Override
    Map<String, Double> train(
        Path dir, long seed, List<Step> checkpointAt, Start start, Mask mask, PrintStream progress) throws IOException {
      DetectionRun.Start s = start == null ? null
          : start.partial() ? DetectionRun.Start.partial(start.weights())
          : new DetectionRun.Start(start.weights(), start.momentum(), start.iteration());
      DetectionRun.Result r = DetectionRun.run(
          run.withSeed(seed).withCheckpointAt(checkpointAt), trainingSet(), validationSet(), dir, s, mask, progress);
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
