package io.ticketlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import io.ticketlab.engine.Engines;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The update rule against torch.optim.SGD's, computed by hand in double precision. */
@Tag("engine")
class SgdTest {
  @Test
  void threeSteps_followTorchSgdWithMomentumAndWeightDecay() {
    Engine engine = Engines.pytorch();
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      Parameter p =
          Parameter.builder()
              .setName("w")
              .setType(Parameter.Type.WEIGHT)
              .optShape(new Shape(2))
              .optInitializer(Initializer.ONES)
              .build();
      p.initialize(m, DataType.FLOAT32);
      p.getArray().set(new float[] {1.0f, -2.0f});
      Sgd sgd = new Sgd(Map.of("w", p), 0.9f, 0.1f, name -> true);
      double[] w = {1.0, -2.0};
      double[] buf = new double[2];
      float[] lrs = {0.1f, 0.05f, 0.2f};
      for (int step = 0; step < 3; step++) {
        // loss = sum(w^3) / 3, gradient w^2
        sgd.zeroGradients();
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray x = p.getArray();
          gc.backward(x.pow(3).sum().div(3));
        }
        sgd.step(lrs[step]);
        for (int i = 0; i < 2; i++) {
          double d = w[i] * w[i] + 0.1 * w[i];
          buf[i] = step == 0 ? d : 0.9 * buf[i] + d;
          w[i] -= lrs[step] * buf[i];
        }
      }
      float[] actual = p.getArray().toFloatArray();
      assertThat((double) actual[0]).isCloseTo(w[0], within(1e-5));
      assertThat((double) actual[1]).isCloseTo(w[1], within(1e-5));
    }
  }
}
