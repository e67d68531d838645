package io.ticketlab.model.roi.keypoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.model.boxes.BalancedPositiveNegativeSampler;
import io.ticketlab.model.detector.transform.GeneralizedRcnnTransform;
import io.ticketlab.model.fpn.BackboneWithFPN;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.roi.FastRcnnPredictor;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.model.roi.TwoMlpHead;
import io.ticketlab.model.rpn.AnchorGenerator;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import io.ticketlab.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A few SGD steps of a tiny Keypoint R-CNN (ResNet-18 at width 0.25, FPN 32, box head 64, a
 * 2×16-channel keypoint head) on two hand-made person images: all five torchvision losses are
 * there and finite, gradients reach the keypoint predictor, the trained loss falls, and inference
 * returns 17 keypoints per detection in original pixels.
 *
 * <p>The whole loss is trained (all five terms).
 */
@Tag("engine")
class KeypointRcnnTrainingTest {
  private static final int KEYPOINTS = 17;

  static GeneralizedRcnn tinyModel() {
    GeneralizedRcnnTransform transform =
        new GeneralizedRcnnTransform(List.of(64), 96, GeneralizedRcnnTransform.IMAGENET_MEAN,
            GeneralizedRcnnTransform.IMAGENET_STD, 32);
    BackboneWithFPN backbone = BackboneWithFPN.resnet(18, 0.25, true, 32, 3);
    RegionProposalNetwork rpn =
        new RegionProposalNetwork(32, AnchorGenerator.fpnDefault(), RegionProposalNetwork.Settings.fasterRcnnDefaults());
    MultiScaleRoiAlign pool = MultiScaleRoiAlign.boxHead();
    RoiHeads.Settings defaults = RoiHeads.Settings.defaults();
    RoiHeads.Settings settings =
        new RoiHeads.Settings(defaults.proposalMatcher(), new BalancedPositiveNegativeSampler(32, 0.25),
            defaults.boxCoder(), 0.0, defaults.nmsThreshold(), 10);
    KeypointBranch branch =
        new KeypointBranch(MultiScaleRoiAlign.of(14, 2), new KeypointRcnnHeads(32, 16, 16),
            new KeypointRcnnPredictor(16, KEYPOINTS));
    return new GeneralizedRcnn(transform, backbone, rpn,
        new RoiHeads(pool, new TwoMlpHead(32 * 7 * 7, 64), new FastRcnnPredictor(64, 2), settings, List.of(branch)));
  }

  /** A person box with 17 keypoints spread over it; the last three unlabelled (v = 0). */
  static DetectionTarget person(float x1, float y1, float x2, float y2) {
    float[] kp = new float[KEYPOINTS * 3];
    for (int p = 0; p < KEYPOINTS; p++) {
      kp[3 * p] = x1 + (x2 - x1) * (0.1f + 0.8f * ((p * 7) % KEYPOINTS) / KEYPOINTS);
      kp[3 * p + 1] = y1 + (y2 - y1) * (0.05f + 0.9f * p / KEYPOINTS);
      kp[3 * p + 2] = p < KEYPOINTS - 3 ? 2 : 0;
    }
    return new DetectionTarget(new float[] {x1, y1, x2, y2}, new int[] {1}, null, 0, 0, kp, KEYPOINTS);
  }

  static NDArray image(NDManager m, long stream, int h, int w, DetectionTarget t) {
    float[] v = DeterministicFill.uniformFloats(stream, 3 * h * w);
    float[] b = t.boxes();
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          boolean inside = x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
          int i = (c * h + y) * w + x;
          v[i] = inside ? 0.8f + 0.1f * v[i] : 0.3f + 0.2f * v[i];
        }
      }
    }
    return m.create(v, new Shape(3, h, w));
  }

  @Test
  void sgdSteps_lowerTheWholeLoss_withAllLossesFinite() {
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(3);
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = tinyModel();
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      List<DetectionTarget> targets = List.of(person(12, 6, 40, 60), person(26, 12, 70, 62));
      List<NDArray> images =
          List.of(image(manager, 31, 64, 64, targets.get(0)), image(manager, 32, 64, 88, targets.get(1)));
      String predictorWeight = "roi_heads.keypoint_predictor.kps_score_lowres.weight";
      NDArray before = ModelParameters.of(model).get(predictorWeight).getArray().duplicate();
      Sgd sgd = new Sgd(ModelParameters.of(model), 0.9f, 0f, name -> false);
      ParameterStore ps = new ParameterStore(manager, false);
      List<Float> totals = new ArrayList<>();
      List<Float> keypointLosses = new ArrayList<>();
      for (int step = 0; step < 10; step++) {
        sgd.zeroGradients();
        try (GradientCollector gc = engine.newGradientCollector()) {
          Map<String, NDArray> losses = model.losses(ps, images, targets, new Random(7));
          assertThat(losses).containsKeys("loss_classifier", "loss_box_reg", "loss_keypoint", "loss_objectness",
              "loss_rpn_box_reg");
          for (NDArray l : losses.values()) {
            assertThat(l.getFloat()).isFinite();
          }
          NDArray total = null;
          for (NDArray l : losses.values()) {
            total = total == null ? l : total.add(l);
          }
          totals.add(total.getFloat());
          keypointLosses.add(losses.get("loss_keypoint").getFloat());
          gc.backward(total);
        }
        sgd.step(0.002f);
      }
      System.out.println("Keypoint R-CNN totals " + totals + ", loss_keypoint " + keypointLosses);
      assertThat(keypointLosses.get(0)).as("a 56×56 cross-entropy of a fresh model").isGreaterThan(1f).isFinite();
      assertThat(totals).allMatch(Float::isFinite);
      assertThat(totals.get(9)).isLessThan(totals.get(0));
      assertThat(keypointLosses.get(9)).isLessThan(keypointLosses.get(0));
      assertThat(ModelParameters.of(model).get(predictorWeight).getArray().contentEquals(before))
          .as("the keypoint predictor was trained")
          .isFalse();

      List<Detections> detections = model.predict(new ParameterStore(manager, false), images);
      for (int i = 0; i < 2; i++) {
        Detections d = detections.get(i);
        assertThat(d.numKeypoints()).isEqualTo(KEYPOINTS);
        assertThat(d.keypoints()).hasSize(d.count() * KEYPOINTS * 3);
        assertThat(d.keypointScores()).hasSize(d.count() * KEYPOINTS);
        long w = images.get(i).getShape().get(2);
        for (int k = 0; k < d.count() * KEYPOINTS; k++) {
          assertThat(d.keypoints()[3 * k]).isBetween(0f, (float) w);
          assertThat(d.keypoints()[3 * k + 2]).isEqualTo(1f);
        }
      }
    }
  }
}
