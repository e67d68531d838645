package io.ticketlab.model.detector;

import io.ticketlab.model.boxes.DetectionTarget;

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
import io.ticketlab.model.boxes.BalancedPositiveNegativeSampler;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A tiny Mask R-CNN (ResNet-18 at width 0.25, FPN 32, box head 64, short side 128) trained for ten
 * SGD steps on two synthetic images with a rectangle and an ellipse each: the losses include
 * {@code loss_mask}, the mask predictor gets gradients, and the total loss falls.
 */
@Tag("engine")
class MaskRcnnTrainingTest {

  /** A noisy dark image with a bright rectangle and a bright ellipse, and its target. */
  private static DetectionTarget scene(NDManager manager, List<NDArray> images, long stream, int h, int w,
      int[] rect, double[] ell) {
    float[] v = DeterministicFill.uniformFloats(stream, 3 * h * w);
    byte[] rectMask = new byte[h * w];
    byte[] ellMask = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inRect = x >= rect[0] && x < rect[2] && y >= rect[1] && y < rect[3];
        double dx = (x - ell[0]) / ell[2];
        double dy = (y - ell[1]) / ell[3];
        boolean inEll = dx * dx + dy * dy <= 1;
        rectMask[y * w + x] = (byte) (inRect ? 1 : 0);
        ellMask[y * w + x] = (byte) (inEll && !inRect ? 1 : 0);
        for (int c = 0; c < 3; c++) {
          float base = inRect ? 0.9f : inEll ? (c == 0 ? 0.8f : 0.3f) : 0.1f;
          v[(c * h + y) * w + x] = base + 0.05f * v[(c * h + y) * w + x];
        }
      }
    }
    images.add(manager.create(v, new Shape(3, h, w)));
    float[] boxes = {
      rect[0], rect[1], rect[2], rect[3],
      (float) (ell[0] - ell[2]), (float) (ell[1] - ell[3]), (float) (ell[0] + ell[2]), (float) (ell[1] + ell[3])
    };
    return new DetectionTarget(boxes, new int[] {1, 2}, new byte[][] {rectMask, ellMask}, h, w, null, 0);
  }

  @Test
  void tenSgdSteps_includeMaskLoss_andLowerTheTotalLoss() {
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(11);
    DetectorSpec spec =
        DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, 18, 3)
            .withWidths(0.25, 32, 64)
            .withSizes(List.of(128), 213);
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      GeneralizedRcnn built = Detectors.build(spec);
      // torchvision's RoI heads sample 512 proposals per image, up to 128 positives; 64 (16) keep
      // the test fast without changing what is computed
      RoiHeads heads = built.roiHeads();
      RoiHeads.Settings d = heads.settings();
      RoiHeads.Settings fewer =
          new RoiHeads.Settings(d.proposalMatcher(), new BalancedPositiveNegativeSampler(64, 0.25), d.boxCoder(),
              d.scoreThreshold(), d.nmsThreshold(), d.detectionsPerImage());
      GeneralizedRcnn model =
          new GeneralizedRcnn(built.transform(), built.backbone(), built.rpn(),
              new RoiHeads(heads.boxPool(), heads.boxHead(), heads.boxPredictor(), fewer, heads.branches()));
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      List<NDArray> images = new ArrayList<>();
      List<DetectionTarget> targets =
          List.of(
              scene(manager, images, 91, 96, 128, new int[] {10, 12, 58, 70}, new double[] {92, 50, 26, 30}),
              scene(manager, images, 92, 112, 100, new int[] {50, 8, 94, 44}, new double[] {36, 74, 28, 24}));
      NDArray logitsWeight =
          ModelParameters.of(model).get("roi_heads.mask_predictor.mask_fcn_logits.weight").getArray().duplicate();
      Sgd sgd = new Sgd(ModelParameters.of(model), 0.9f, 0f, name -> false);
      ParameterStore ps = new ParameterStore(manager, false);
      List<Float> totals = new ArrayList<>();
      List<Float> maskLosses = new ArrayList<>();
      for (int step = 0; step < 10; step++) {
        sgd.zeroGradients();
        try (NDManager scope = manager.newSubManager();
            GradientCollector gc = engine.newGradientCollector()) {
          for (NDArray im : images) {
            im.tempAttach(scope);
          }
          Map<String, NDArray> losses = model.losses(ps, images, targets, new Random(3));
          assertThat(losses.keySet())
              .containsExactly("loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg");
          NDArray total = null;
          for (NDArray l : losses.values()) {
            total = total == null ? l : total.add(l);
          }
          totals.add(total.getFloat());
          maskLosses.add(losses.get("loss_mask").getFloat());
          gc.backward(total);
        }
        sgd.step(0.005f);
      }
      System.out.println("Mask R-CNN training: totals " + totals + ", loss_mask " + maskLosses);
      assertThat(maskLosses.get(0)).isGreaterThan(0f).isFinite();
      assertThat(totals.get(9)).isLessThan(totals.get(0));
      assertThat(
              ModelParameters.of(model).get("roi_heads.mask_predictor.mask_fcn_logits.weight").getArray()
                  .contentEquals(logitsWeight))
          .as("mask logits weights got gradients")
          .isFalse();
    }
  }
}
