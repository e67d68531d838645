package io.ticketlab.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.Engines;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Trainable batch norm updates its running statistics as {@code nn.BatchNorm2d} does: running =
 * 0.9·running + 0.1·batch, with the batch's unbiased variance; frozen batch norm leaves them.
 */
@Tag("engine")
class BatchNormLayerTest {
  private static final int N = 2;
  private static final int C = 2;
  private static final int H = 2;
  private static final int W = 3;

  private static float[] data() {
    float[] x = new float[N * C * H * W];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(1.7 * i) * (1 + i % 5);
    }
    return x;
  }

  @Test
  void training_updatesRunningStatistics_withPyTorchsMomentum() {
    float[] x = data();
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      BatchNormLayer bn = new BatchNormLayer(C, false);
      bn.initialize(m, DataType.FLOAT32, new Shape(N, C, H, W));
      ParameterStore ps = new ParameterStore(m, false);
      bn.apply(ps, m.create(x, new Shape(N, C, H, W)), true);
      bn.apply(ps, m.create(x, new Shape(N, C, H, W)), true);
      Map<String, ai.djl.nn.Parameter> p = ModelParameters.of(bn);
      float[] mean = p.get("running_mean").getArray().toFloatArray();
      float[] var = p.get("running_var").getArray().toFloatArray();
      for (int c = 0; c < C; c++) {
        double sum = 0;
        int count = 0;
        for (int n = 0; n < N; n++) {
          for (int i = 0; i < H * W; i++) {
            sum += x[(n * C + c) * H * W + i];
            count++;
          }
        }
        double mu = sum / count;
        double ss = 0;
        for (int n = 0; n < N; n++) {
          for (int i = 0; i < H * W; i++) {
            double d = x[(n * C + c) * H * W + i] - mu;
            ss += d * d;
          }
        }
        double unbiased = ss / (count - 1);
        // two updates from running mean 0 and running variance 1
        double expectMean = 0.9 * (0.1 * mu) + 0.1 * mu;
        double expectVar = 0.9 * (0.9 * 1 + 0.1 * unbiased) + 0.1 * unbiased;
        assertThat((double) mean[c]).as("running_mean[%d]", c).isCloseTo(expectMean, Offset.offset(1e-5));
        assertThat((double) var[c]).as("running_var[%d]", c).isCloseTo(expectVar, Offset.offset(1e-5));
      }
    }
  }

  @Test
  void frozen_keepsRunningStatistics() {
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      BatchNormLayer bn = new BatchNormLayer(C, true);
      bn.initialize(m, DataType.FLOAT32, new Shape(N, C, H, W));
      NDArray y = bn.apply(new ParameterStore(m, false), m.create(data(), new Shape(N, C, H, W)), true);
      assertThat(y.getShape()).isEqualTo(new Shape(N, C, H, W));
      Map<String, ai.djl.nn.Parameter> p = ModelParameters.of(bn);
      assertThat(p.get("running_mean").getArray().toFloatArray()).containsOnly(0f);
      assertThat(p.get("running_var").getArray().toFloatArray()).containsOnly(1f);
    }
  }
}
