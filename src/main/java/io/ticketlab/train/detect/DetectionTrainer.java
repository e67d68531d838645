package io.ticketlab.train.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.common.Parallel;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.detection.DetectionSample;
import io.ticketlab.engine.Autograd;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.roi.mask.MaskPaste;
import io.ticketlab.train.Sgd;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * The pieces of detector training that are not the loop itself: the optimizer (SGD with momentum,
 * weight decay on conv/linear weights only — not on biases or norm layers), inference over a
 * dataset into COCO results, the validation loss, and COCO evaluation of results.
 */
public final class DetectionTrainer {
  private DetectionTrainer() {}

  /** SGD over the model's trainable parameters; frozen stages and frozen norms are left out. */
  public static Sgd optimizer(GeneralizedRcnn model, float momentum, float weightDecay) {
    return new Sgd(ModelParameters.of(model), momentum, weightDecay, DetectionTrainer::decays);
  }

  /** Whether a parameter gets weight decay: weights of convolutions and linear layers. */
  static boolean decays(String name) {
    return name.endsWith(".weight") && !name.contains(".bn") && !name.contains("downsample.1.");
  }

  /**
   * A detector on one device. Data-parallel inference takes one per device, all with the same
   * weights (the first is the primary model).
   */
  public record OnDevice(NDManager manager, GeneralizedRcnn model) {}

  /**
   * Runs the model on every image of {@code data} (inference mode) and returns COCO results:
   * boxes as {@code [x, y, w, h]}, category ids from the dataset's label map, masks thresholded at
   * 0.5 and RLE-encoded, keypoints as {@code x, y, v} triplets.
   */
  public static List<CocoResult> predict(
      NDManager manager, GeneralizedRcnn model, DetectionDataset data, int batchSize, PrintStream progress) {
    return predict(List.of(new OnDevice(manager, model)), data, data::categoryIdOf, batchSize, progress);
  }

  /**
   * As {@link #predict(NDManager, GeneralizedRcnn, DetectionDataset, int, PrintStream)} with the
   * model's own label → category id map, on one or several devices: the batches (consecutive
   * images, the same on any number of devices) are dealt round-robin to the copies, which run at
   * the same time; the results come back in image order.
   */
  public static List<CocoResult> predict(
      List<OnDevice> copies, DetectionDataset data, IntUnaryOperator categoryOf, int batchSize, PrintStream progress) {
    int n = data.size();
    int batches = (n + batchSize - 1) / batchSize;
    List<List<CocoResult>> perBatch = new ArrayList<>(java.util.Collections.nCopies(batches, null));
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    roundRobin(copies, batches, (b, copy, ps) -> {
      int start = b * batchSize;
      int count = Math.min(batchSize, n - start);
      DetectionSample[] samples = new DetectionSample[count];
      IntStream.range(0, count).parallel().forEach(i -> samples[i] = data.sample(start + i));
      List<CocoResult> results = new ArrayList<>();
      try (NDScope scope = new NDScope()) {
        List<NDArray> images = new ArrayList<>();
        for (DetectionSample s : samples) {
          images.add(DetectionData.image(copy.manager(), s));
        }
        List<Detections> detections = copy.model().predict(ps, images);
        for (int i = 0; i < count; i++) {
          results.addAll(toResults(samples[i].imageId(), detections.get(i), categoryOf));
        }
      }
      perBatch.set(b, results);
      int images = done.addAndGet(count);
      if (progress != null) {
        synchronized (progress) {
          progress.printf("\rpredict %d/%d images", images, n);
        }
      }
    });
    if (progress != null) {
      progress.println();
    }
    List<CocoResult> results = new ArrayList<>();
    perBatch.forEach(results::addAll);
    return results;
  }

  /** The work on batch {@code batch}, done by one model copy. */
  @FunctionalInterface
  private interface BatchWork {
    void run(int batch, OnDevice copy, ParameterStore ps);
  }

  /**
   * Batches 0..{@code batches}-1 dealt round-robin to the copies, with gradient recording off:
   * the first copy works on this thread, the others at the same time on threads of their own;
   * returns when all are done and rethrows the first failure.
   */
  private static void roundRobin(List<OnDevice> copies, int batches, BatchWork work) {
    java.util.function.IntFunction<java.util.function.Supplier<Void>> job = d -> () -> Autograd.notRecording(() -> {
      OnDevice copy = copies.get(d);
      ParameterStore ps = new ParameterStore(copy.manager(), false);
      for (int b = d; b < batches; b += copies.size()) {
        work.run(b, copy, ps);
      }
      return null;
    });
    if (copies.size() == 1) {
      job.apply(0).get();
      return;
    }
    java.util.concurrent.ExecutorService pool = Parallel.pool(copies.size() - 1, "ticketlab-inference");
    try {
      Parallel.runAll(pool, job.apply(0), IntStream.range(1, copies.size()).mapToObj(job).toList());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The COCO results of one image's detections (original pixels). */
  public static List<CocoResult> toResults(long imageId, Detections d, IntUnaryOperator categoryOf) {
    List<CocoResult> out = new ArrayList<>();
    float[] b = d.boxes();
    for (int k = 0; k < d.count(); k++) {
      double x1 = b[4 * k];
      double y1 = b[4 * k + 1];
      double[] bbox = {x1, y1, b[4 * k + 2] - x1, b[4 * k + 3] - y1};
      Rle segmentation = null;
      if (d.masks() != null) {
        segmentation = MaskPaste.toRle(d.masks()[k], d.maskHeight(), d.maskWidth());
      }
      double[] keypoints = null;
      if (d.keypoints() != null) {
        int p = d.numKeypoints();
        keypoints = new double[3 * p];
        for (int j = 0; j < 3 * p; j++) {
          keypoints[j] = d.keypoints()[3 * p * k + j];
        }
      }
      out.add(new CocoResult(imageId, categoryOf.applyAsInt(d.labels()[k]), d.scores()[k], bbox, segmentation, keypoints));
    }
    return out;
  }

  /**
   * The mean of each loss term over {@code data} without gradients: the training losses (with the
   * RPN and RoI sampling of batch k seeded by {@code seed} and k) with the backbone's norms in
   * inference mode, at the evaluation size. Images without targets are skipped.
   */
  public static Map<String, Double> validationLoss(
      NDManager manager, GeneralizedRcnn model, DetectionDataset data, int batchSize, long seed) {
    return validationLoss(List.of(new OnDevice(manager, model)), data, batchSize, seed);
  }

  /**
   * As {@link #validationLoss(NDManager, GeneralizedRcnn, DetectionDataset, int, long)} on one or
   * several devices (batches dealt round-robin; the same values on any number of devices, up to
   * float rounding).
   */
  public static Map<String, Double> validationLoss(
      List<OnDevice> copies, DetectionDataset data, int batchSize, long seed) {
    List<Integer> usable = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      if (data.instances(i) > 0) {
        usable.add(i);
      }
    }
    int batches = (usable.size() + batchSize - 1) / batchSize;
    List<Map<String, Double>> perBatch = new ArrayList<>(java.util.Collections.nCopies(batches, null));
    roundRobin(copies, batches, (b, copy, ps) -> {
      int start = b * batchSize;
      int count = Math.min(batchSize, usable.size() - start);
      DetectionSample[] samples = new DetectionSample[count];
      IntStream.range(0, count).parallel().forEach(i -> samples[i] = data.sample(usable.get(start + i)));
      Map<String, Double> values = new LinkedHashMap<>();
      try (NDScope scope = new NDScope()) {
        List<NDArray> images = new ArrayList<>();
        List<DetectionTarget> targets = new ArrayList<>();
        for (DetectionSample s : samples) {
          images.add(DetectionData.image(copy.manager(), s));
          targets.add(DetectionData.target(s));
        }
        Random random = new Random(DetectionData.iterationSeed(seed, b));
        Map<String, NDArray> losses = copy.model().validationLosses(ps, images, targets, random);
        double total = 0;
        for (Map.Entry<String, NDArray> e : losses.entrySet()) {
          double v = e.getValue().getFloat();
          values.put(e.getKey(), v);
          total += v;
        }
        values.put("loss", total);
      }
      perBatch.set(b, values);
    });
    Map<String, Double> sums = new LinkedHashMap<>();
    for (Map<String, Double> values : perBatch) {
      values.forEach((k, v) -> sums.merge(k, v, Double::sum));
    }
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : sums.entrySet()) {
      means.put(e.getKey(), e.getValue() / Math.max(1, batches));
    }
    return means;
  }

  /**
   * COCO evaluation of {@code results} on the dataset's ground truth for one IoU type, over the
   * categories the model learns: every category of the ground truth, unless the dataset selects
   * fewer (Keypoint R-CNN learns persons only; scoring its boxes against the other categories' ground
   * truth would average in zeros); keypoints over the categories that define keypoints.
   */
  public static Evaluation evaluate(DetectionDataset data, List<CocoResult> results, IouType iouType) {
    EvalParams params = EvalParams.defaults(iouType);
    if (data.classes().size() < data.coco().categories().size()) {
      params = params.withCategoryIds(data.classes().stream().map(CocoCategory::id).sorted().toList());
    }
    if (iouType == IouType.KEYPOINTS) {
      List<Integer> ids = new ArrayList<>();
      for (CocoCategory c : data.coco().categories()) {
        if (c.keypoints() != null && !c.keypoints().isEmpty()) {
          ids.add(c.id());
        }
      }
      params = params.withCategoryIds(ids);
    }
    return CocoEvaluator.evaluate(data.coco(), results, params);
  }
}
