package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The engine's convolution gradients against finite differences. */
@Tag("engine")
class ConvolutionGradientTest {

  @Test
  void selfCheck_passesOnThisMachine() {
    ConvolutionSelfCheck.Result r = ConvolutionSelfCheck.run();
    assertThat(r.ok()).as("%s", r).isTrue();
    assertThat(r.forwardError()).isLessThan(1e-12);
  }

  /**
   * Float32 gradients of narrow convolutions agree with float64: guards the oneDNN ISA cap that
   * {@link EngineSettings} sets (AVX-512 kernels returned NaN gradients on this project's VMs).
   */
  @Test
  void float32Gradients_agreeWithFloat64() {
    double error = ConvolutionSelfCheck.float32GradientError();
    assertThat(error)
        .as("worst: %s (ONEDNN_MAX_CPU_ISA %s, rewrites %s)", ConvolutionSelfCheck.worst(Convolutions.rewriting()),
            EngineSettings.oneDnnIsa(), Convolutions.rewriting())
        .isLessThan(1e-4);
  }

  /**
   * A grouped, dilated, strided convolution with a non-quadratic loss (sum of tanh): the analytic
   * weight gradient from autograd matches central differences of the engine's own forward pass.
   */
  @Test
  void groupedDilatedConvGradient_matchesFiniteDifferences() {
    Engine engine = Engines.pytorch();
    Random random = new Random(7);
    Shape xShape = new Shape(2, 4, 9, 8);
    Shape wShape = new Shape(6, 2, 3, 3); // groups = 2
    double[] x = new double[(int) xShape.size()];
    double[] w = new double[(int) wShape.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.3 * random.nextGaussian();
    }
    NativeStderr.silenced(
        () -> {
          try (NDManager m = engine.newBaseManager(ai.djl.Device.cpu())) {
            NDArray input = m.create(x, xShape);
            NDArray weight = m.create(w, wShape);
            weight.setRequiresGradient(true);
            double[] analytic;
            try (GradientCollector gc = engine.newGradientCollector()) {
              gc.backward(loss(input, weight));
              analytic = weight.getGradient().toDoubleArray();
            }
            double eps = 1e-5;
            double worst = 0;
            for (int i = 0; i < w.length; i++) {
              double[] up = w.clone();
              double[] down = w.clone();
              up[i] += eps;
              down[i] -= eps;
              double fd =
                  (loss(input, m.create(up, wShape)).getDouble()
                          - loss(input, m.create(down, wShape)).getDouble())
                      / (2 * eps);
              worst = Math.max(worst, Math.abs(fd - analytic[i]) / Math.max(1, Math.abs(fd)));
            }
            assertThat(worst).isLessThan(1e-7);
          }
        });
  }

  private static NDArray loss(NDArray input, NDArray weight) {
    return Conv2d.conv2d(input, weight, null, new Shape(2, 1), new Shape(1, 2), new Shape(1, 2), 2)
        .singletonOrThrow()
        .tanh()
        .sum();
  }
}
