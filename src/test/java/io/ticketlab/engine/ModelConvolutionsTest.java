package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ticketlab.bench.DetectorTrainStepBenchmark;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.train.detect.DetectionRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every convolution shape of ResNet-18/50 and of the detectors' backbones, FPN, RPN and heads
 * (Faster R-CNN C4, Mask R-CNN R50-FPN, Keypoint R-CNN R18-FPN), as the models call {@link
 * Convolutions#conv2d} in a training step: float32 values and gradients agree with float64 under
 * the settings this machine runs with (the oneDNN cap and the rewrites the engine probe chose).
 * The shapes are recorded, not listed by hand, so a new layer is checked as soon as it exists; the
 * batch is cut to 4 (the RoI heads see hundreds of RoIs; the kernels' correctness was measured not
 * to depend on the batch, 1 to 32) to keep the float64 reference quick.
 */
@Tag("engine")
class ModelConvolutionsTest {

  @Test
  void everyConvolutionOfTheModels_agreesWithFloat64_underThisMachinesSettings() {
    Set<List<Integer>> shapes = new LinkedHashSet<>();
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(0);
    Convolutions.observe(c -> {
      int[] k = c.clone();
      k[0] = Math.min(k[0], 4);
      shapes.add(Arrays.stream(k).boxed().toList());
    });
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      ParameterStore ps = new ParameterStore(manager, false);
      for (int depth : new int[] {18, 50}) {
        ResNet resnet = new ResNet(ResNetConfig.imagenet(depth));
        resnet.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 96, 80));
        resnet.logits(ps, manager.randomUniform(0f, 1f, new Shape(2, 3, 96, 80)), true);
      }
      List<DetectorSpec> detectors = List.of(
          DetectorSpec.paperVoc(18).withSizes(List.of(128), 128),
          DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, 50, 6).withSizes(List.of(128), 128),
          DetectorSpec.torchvision(DetectorSpec.Task.KEYPOINTS, 18, 2).withSizes(List.of(128), 128));
      for (DetectorSpec spec : detectors) {
        GeneralizedRcnn model = DetectionRun.build(spec, manager, null);
        List<NDArray> images = new ArrayList<>();
        List<DetectionTarget> targets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          images.add(manager.randomUniform(0f, 1f, new Shape(3, 128, 112)));
          targets.add(target(spec.task()));
        }
        model.losses(ps, images, targets, new Random(1));
      }
    } finally {
      Convolutions.observe(null);
    }
    String recorded = shapes.stream().map(s -> s.toString()).collect(Collectors.joining("\n"));
    // the recording sees the layers it must: ResNet stem, a strided 3×3, the bottleneck's 1×1
    // from 2048, the FPN output 3×3, the RPN's objectness 1×1, mask head and keypoint upsampling
    // (the transposed 4×4 stride-2 convolution as four 2×2 ones, one per output phase)
    assertThat(shapes.stream().map(s -> s.subList(1, 3) + " k" + s.get(5) + " s" + s.get(6)))
        .as(recorded)
        .contains("[3, 64] k7 s2", "[128, 256] k3 s2", "[2048, 512] k1 s1", "[256, 256] k3 s1",
            "[256, 3] k1 s1", "[512, 17] k2 s1");
    assertThat(shapes).hasSizeGreaterThan(40);
    List<int[]> cases = shapes.stream().map(s -> s.stream().mapToInt(Integer::intValue).toArray()).toList();
    ConvolutionSelfCheck.Worst worst = ConvolutionSelfCheck.worst(Convolutions.rewriting(), cases);
    assertThat(worst.error())
        .as("worst of %d shapes: %s (ONEDNN_MAX_CPU_ISA %s)", cases.size(), worst.shape(), EngineSettings.oneDnnIsa())
        .isLessThanOrEqualTo(OneDnnIsa.TOLERANCE);
  }

  private static DetectionTarget target(DetectorSpec.Task task) {
    return DetectorTrainStepBenchmark.target(task, new float[] {10, 12, 60, 70, 40, 30, 100, 110, 5, 70, 40, 120}, 128, 112);
  }
}
