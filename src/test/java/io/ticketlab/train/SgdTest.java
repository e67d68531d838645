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

  /**
   * Several parameters, two of one shape (they share the scratch tensor) and one without decay,
   * over five steps with changing learning rates: the weights and momentum buffers are bit for bit
   * those of the update written with fresh tensors, {@code w - lr·(m·buf + g + wd·w)} in float32.
   */
  @Test
  void scratchUpdate_equalsTheUpdateWithFreshTensors_bitForBit() {
    Engine engine = Engines.pytorch();
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      Shape[] shapes = {new Shape(7, 5, 3, 3), new Shape(7, 5, 3, 3), new Shape(11), new Shape(4, 6)};
      Map<String, Parameter> params = new java.util.LinkedHashMap<>();
      Map<String, float[]> w = new java.util.LinkedHashMap<>();
      java.util.Random rng = new java.util.Random(5);
      for (int i = 0; i < shapes.length; i++) {
        Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT)
            .optShape(shapes[i]).optInitializer(Initializer.ONES).build();
        p.initialize(m, DataType.FLOAT32);
        float[] v = new float[(int) shapes[i].size()];
        for (int k = 0; k < v.length; k++) {
          v[k] = (float) rng.nextGaussian();
        }
        p.getArray().set(v);
        params.put("p" + i, p);
        w.put("p" + i, v.clone());
      }
      float wd = 1e-4f;
      float mom = 0.9f;
      Sgd sgd = new Sgd(params, mom, wd, name -> !name.equals("p2"));
      Map<String, NDArray> refW = new java.util.LinkedHashMap<>();
      Map<String, NDArray> refBuf = new java.util.LinkedHashMap<>();
      for (int i = 0; i < shapes.length; i++) {
        refW.put("p" + i, m.create(w.get("p" + i), shapes[i]));
      }
      float[] lrs = {0.02f, 0.05f, 0.1f, 0.1f, 0.01f};
      for (int step = 0; step < lrs.length; step++) {
        sgd.zeroGradients();
        Map<String, float[]> grads = new java.util.LinkedHashMap<>();
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray loss = null;
          for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray x = e.getValue().getArray();
            NDArray term = x.pow(3).sum().div(3).add(x.sin().sum()); // gradient x² + cos x
            loss = loss == null ? term : loss.add(term);
          }
          gc.backward(loss);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
          grads.put(e.getKey(), e.getValue().getArray().getGradient().toFloatArray());
        }
        sgd.step(lrs[step]);
        for (int i = 0; i < shapes.length; i++) {
          String name = "p" + i;
          NDArray g = m.create(grads.get(name), shapes[i]);
          NDArray d = name.equals("p2") ? g : g.add(refW.get(name).mul(wd));
          NDArray buf = refBuf.get(name) == null ? d : refBuf.get(name).mul(mom).add(d);
          refBuf.put(name, buf);
          refW.put(name, refW.get(name).sub(buf.mul(lrs[step])));
        }
      }
      for (int i = 0; i < shapes.length; i++) {
        String name = "p" + i;
        assertThat(params.get(name).getArray().toFloatArray()).as(name)
            .containsExactly(refW.get(name).toFloatArray());
        assertThat(sgd.momentumBuffers().get(name).toFloatArray()).as(name + " momentum")
            .containsExactly(refBuf.get(name).toFloatArray());
      }
    }
  }
}
