package io.ticketlab.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.detect.DetectionRun;
import io.ticketlab.train.detect.DetectionTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark (not a test): one training step of a two-stage detector — torchvision's R18-FPN Faster
 * (or Mask, or Keypoint) R-CNN with frozen batch norm and 3 trainable stages, square images of {@code size}
 * pixels with three boxes each — forward with all losses, backward, SGD (lr 0.001) with momentum 0.9 and
 * weight decay 1e-4, timed over several steps after a warm-up. {@code bench/detect-train-step.sh}
 * runs it beside the torchvision reference.
 *
 * <p>Arguments: {@code task(det|seg|kp) batch size steps warmup threads [width fpnChannels headWidth
 * [roiSamples]]} (the optional ones select a smaller model trained from scratch). With {@code
 * TL_SHARED=DIR} (written by the reference's dump mode) the model starts from torchvision's initial
 * weights {@code DIR/weights.pth} and trains on its images {@code DIR/images.pth}: both frameworks then
 * see the same proposals and the same number of positive RoIs per head.
 */
public final class DetectorTrainStepBenchmark {
  private DetectorTrainStepBenchmark() {}

  public static void main(String[] args) {
    String task = args.length > 0 ? args[0] : "det";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    if (args.length > 5) {
      EngineSettings.setThreads(Integer.parseInt(args[5]));
    }
    // TL_PROFILE=trace.json: the engine's profiler records the last step (a chrome trace)
    String profileFile = System.getenv("TL_PROFILE");
    DetectorSpec.Task t = DetectorSpec.Task.parse(task);
    DetectorSpec spec =
        DetectorSpec.torchvision(t, 18, t == DetectorSpec.Task.KEYPOINTS ? 2 : 6).withSizes(List.of(size), size);
    if (args.length > 8) {
      // the synthetic-data recipe's small model: width fpnChannels headWidth [roiSamples], from scratch
      spec = spec.withWidths(Double.parseDouble(args[6]), Integer.parseInt(args[7]), Integer.parseInt(args[8]))
          .withRoiSamplesPerImage(args.length > 9 ? Integer.parseInt(args[9]) : 512)
          .fromScratch();
    }
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(0);
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      String shared = System.getenv("TL_SHARED");
      GeneralizedRcnn model =
          DetectionRun.build(spec, manager, shared == null ? null : java.nio.file.Path.of(shared, "weights.pth"));
      io.ticketlab.common.FloatTensor sharedImages = shared == null ? null
          : io.ticketlab.model.io.Checkpoints.readStateDict(java.nio.file.Path.of(shared, "images.pth"))
              .toFloatTensors().get("images");
      Sgd sgd = DetectionTrainer.optimizer(model, 0.9f, 1e-4f);
      ParameterStore ps = new ParameterStore(manager, false);
      List<NDArray> images = new ArrayList<>();
      List<DetectionTarget> targets = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        if (sharedImages != null) {
          int plane = 3 * size * size;
          images.add(manager.create(Arrays.copyOfRange(sharedImages.data(), i * plane, (i + 1) * plane),
              new Shape(3, size, size)));
        } else {
          images.add(manager.randomUniform(0f, 1f, new Shape(3, size, size)));
        }
        float s = size;
        float[] boxes = {0.1f * s, 0.1f * s, 0.5f * s, 0.6f * s, 0.4f * s, 0.3f * s, 0.9f * s, 0.8f * s,
            0.05f * s, 0.6f * s, 0.3f * s, 0.95f * s};
        targets.add(target(spec.task(), boxes, size, size));
      }
      double[] times = new double[steps];
      float loss = 0;
      for (int i = 0; i < warmup + steps; i++) {
        long t0 = System.nanoTime();
        boolean profile = profileFile != null && i == warmup + steps - 1;
        if (profile) {
          ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
        }
        try (NDScope scope = new NDScope()) {
          sgd.zeroGradients();
          NDArray total;
          try (GradientCollector gc = engine.newGradientCollector()) {
            Map<String, NDArray> losses = model.losses(ps, images, targets, new Random(i));
            total = null;
            for (NDArray l : losses.values()) {
              total = total == null ? l : total.add(l);
            }
            gc.backward(total);
            if (System.getenv("TL_LOSSES") != null) {
              StringBuilder line = new StringBuilder("step " + i + ":");
              losses.forEach((k, v) -> line.append(' ').append(k).append('=').append(v.getFloat()));
              System.out.println(line);
            }
          }
          sgd.step(0.001f);
          loss = total.getFloat();
        }
        if (profile) {
          ai.djl.pytorch.jni.JniUtils.stopProfile(profileFile);
        }
        if (i >= warmup) {
          times[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(times);
      System.out.printf(Locale.ROOT,
          "TicketLab %s R18-FPN batch %d at %dpx, %d threads: median %.1f ms/step, best %.1f ms (loss %.3f)"
              + "%s [oneDNN ISA cap %s; native memory: %s]%n",
          spec.task().cliName(), batch, size, EngineSettings.threads(), times[steps / 2], times[0], loss,
          shared == null ? "" : " from torchvision's weights and images",
          EngineSettings.oneDnnIsa(), EngineSettings.nativeMemory());
    }
  }

  /**
   * Three objects in {@code boxes} (x1, y1, x2, y2 each) on an image of h×w: classes 1, 2, 3 (all
   * persons for keypoints), masks filling the boxes, 17 keypoints spread over each box.
   */
  public static DetectionTarget target(DetectorSpec.Task task, float[] boxes, int h, int w) {
    int[] labels = task == DetectorSpec.Task.KEYPOINTS ? new int[] {1, 1, 1} : new int[] {1, 2, 3};
    float[] keypoints = null;
    if (task == DetectorSpec.Task.KEYPOINTS) {
      keypoints = new float[3 * 17 * 3];
      for (int k = 0; k < 3; k++) {
        for (int p = 0; p < 17; p++) {
          int o = (k * 17 + p) * 3;
          keypoints[o] = boxes[4 * k] + (boxes[4 * k + 2] - boxes[4 * k]) * ((p * 7) % 17) / 17f;
          keypoints[o + 1] = boxes[4 * k + 1] + (boxes[4 * k + 3] - boxes[4 * k + 1]) * p / 17f;
          keypoints[o + 2] = 2;
        }
      }
    }
    byte[][] masks = null;
    if (task == DetectorSpec.Task.SEGMENTATION) {
      masks = new byte[3][h * w];
      for (int k = 0; k < 3; k++) {
        for (int y = (int) boxes[4 * k + 1]; y < (int) boxes[4 * k + 3]; y++) {
          Arrays.fill(masks[k], y * w + (int) boxes[4 * k], y * w + (int) boxes[4 * k + 2], (byte) 1);
        }
      }
    }
    return new DetectionTarget(boxes, labels, masks, masks == null ? 0 : h, masks == null ? 0 : w,
        keypoints, keypoints == null ? 0 : 17);
  }
}
