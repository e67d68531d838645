package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Convolutions}' rewrites compute the same convolution: in float64 (where the engine's
 * kernels are exact on every machine) the rewritten output and its weight, input and bias
 * gradients equal the plain {@code conv2d}'s to rounding, for each rewrite and their mixtures.
 */
@Tag("engine")
class ConvolutionsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // what, batch, in, out, height, width, kernel, stride, padding, dilation, groups
    "input channels 24 padded to 32, 2, 24, 16, 9, 7, 3, 1, 1, 1, 1",
    "strided input channels 48 padded to 64, 2, 48, 32, 11, 9, 3, 2, 1, 1, 1",
    "output channels 17 padded to 32 (bias cut off), 3, 16, 17, 8, 10, 4, 1, 2, 1, 1",
    "both padded, 1, 40, 6, 7, 7, 5, 2, 2, 1, 1",
    "one output position: 7x7 kernel on 7x7, 2, 16, 64, 7, 7, 7, 1, 0, 1, 1",
    "one output position: padding and stride, 2, 8, 12, 4, 3, 3, 2, 1, 1, 1",
    "one output position: dilation, 2, 8, 12, 5, 5, 3, 1, 0, 2, 1",
    "one output position: padding and dilation skip taps, 2, 4, 5, 2, 2, 3, 1, 2, 2, 1",
    "one output position: the window on padding only, 1, 3, 4, 1, 1, 2, 2, 2, 3, 1",
    "two groups of 12 → 10, 2, 24, 20, 6, 8, 3, 1, 1, 1, 2",
    "three groups with stride 2, 2, 24, 6, 9, 9, 3, 2, 1, 1, 3",
    "multiples of 16: nothing to rewrite, 2, 32, 16, 6, 6, 3, 1, 1, 1, 1",
  })
  void theRewrittenConvolution_equalsThePlainOne_inFloat64(
      String what, int n, int cin, int cout, int h, int w, int k, int stride, int pad, int dilation, int groups) {
    Engine engine = Engines.pytorch();
    NativeStderr.silenced(() -> {
      try (NDManager m = engine.newBaseManager(Device.cpu())) {
        double[][] plain = run(engine, m, n, cin, cout, h, w, k, stride, pad, dilation, groups, false, 11);
        double[][] rewritten = run(engine, m, n, cin, cout, h, w, k, stride, pad, dilation, groups, true, 11);
        String[] parts = {"output", "weight gradient", "input gradient", "bias gradient"};
        for (int p = 0; p < parts.length; p++) {
          assertThat(rewritten[p]).as("%s: %s length", what, parts[p]).hasSameSizeAs(plain[p]);
          double worst = 0;
          for (int i = 0; i < plain[p].length; i++) {
            worst = Math.max(worst, Math.abs(rewritten[p][i] - plain[p][i]) / Math.max(1, Math.abs(plain[p][i])));
          }
          assertThat(worst).as("%s: %s", what, parts[p]).isLessThan(1e-12);
        }
      }
    });
  }

  private static double[][] run(Engine engine, NDManager m, int n, int cin, int cout, int h, int w,
      int k, int stride, int pad, int dilation, int groups, boolean rewrite, long seed) {
    Random random = new Random(seed);
    NDArray x = m.create(gaussian(random, n * cin * h * w), new Shape(n, cin, h, w));
    NDArray wt = m.create(gaussian(random, cout * (cin / groups) * k * k), new Shape(cout, cin / groups, k, k));
    NDArray b = m.create(gaussian(random, cout), new Shape(cout));
    x.setRequiresGradient(true);
    wt.setRequiresGradient(true);
    b.setRequiresGradient(true);
    double[] y;
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray out = rewrite
          ? Convolutions.rewritten(x, wt, b, stride, pad, dilation, groups)
          : Conv2d.conv2d(x, wt, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(dilation, dilation),
              groups).singletonOrThrow();
      assertThat(out.getDataType()).isEqualTo(DataType.FLOAT64);
      y = out.toDoubleArray();
      // a loss that weighs every output differently, so that a misplaced value shows
      NDArray weights = m.create(gaussian(random, (int) out.size()), out.getShape());
      gc.backward(out.mul(weights).sum().add(out.square().sum().mul(0.5)));
    }
    return new double[][] {
      y, wt.getGradient().toDoubleArray(), x.getGradient().toDoubleArray(), b.getGradient().toDoubleArray()
    };
  }

  private static double[] gaussian(Random random, int size) {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }
}
