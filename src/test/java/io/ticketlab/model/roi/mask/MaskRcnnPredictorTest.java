package io.ticketlab.model.roi.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.Engines;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The predictor's channels-last path (conv5_mask rows → ReLU → mask_fcn_logits rows → one
 * depth-to-space of the logits) equals the layer-by-layer NCHW composition, and so does its
 * gradient with respect to the input.
 */
@Tag("engine")
class MaskRcnnPredictorTest {
  @Test
  void channelsLastPath_equalsLayerByLayer_valuesAndGradients() {
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(3);
    MaskRcnnPredictor p = new MaskRcnnPredictor(8, 12, 5);
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      p.initialize(m, DataType.FLOAT32, new Shape(1, 8, 3, 4));
      // non-zero biases, so that their placement is checked too
      p.getParameters().forEach(e -> {
        if (e.getKey().endsWith("bias")) {
          e.getValue().getArray().set(new ai.djl.ndarray.index.NDIndex("..."), 0.3f);
        }
      });
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(3, 8, 3, 4));
      float[][] fused = run(p, ps, x, true);
      float[][] plain = run(p, ps, x, false);
      assertThat(fused[0].length).isEqualTo(3 * 5 * 6 * 8);
      assertThat(fused[0]).containsExactly(plain[0], within(1e-5f));
      assertThat(fused[1]).containsExactly(plain[1], within(1e-5f));
    }
  }

  private static float[][] run(MaskRcnnPredictor p, ParameterStore ps, NDArray input, boolean fused) {
    NDArray x = input.duplicate();
    x.setRequiresGradient(true);
    NDArray y;
    try (ai.djl.training.GradientCollector gc = Engines.pytorch().newGradientCollector()) {
      if (fused) {
        y = p.apply(ps, x, true);
      } else {
        y = p.maskFcnLogits().apply(ps, Activation.relu(p.conv5Mask().apply(ps, x, true)), true);
      }
      // a weighted sum, so that every output position has its own gradient
      NDArray weights = x.getManager().arange((float) y.size()).reshape(y.getShape()).div(100f);
      gc.backward(y.mul(weights).sum());
    }
    return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
  }
}
