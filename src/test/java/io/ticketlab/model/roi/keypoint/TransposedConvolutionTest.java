package io.ticketlab.model.roi.keypoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.ticketlab.engine.Engines;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nn.ConvTranspose2d} two ways: by output phases (stride² ordinary convolutions) where the
 * kernel is a multiple of the stride, and by zero-interleaving the input. Both against the
 * definition {@code y[o, s·i − p + u, s·j − p + v] += x[c, i, j] · W[c, o, u, v]} summed in
 * double, and their gradients (input, weight, bias) against each other, in float64.
 */
@Tag("engine")
class TransposedConvolutionTest {

  @ParameterizedTest(name = "k {0}, s {1}, p {2}, {3}x{4}, {5} -> {6}")
  @CsvSource({
    "4, 2, 1, 5, 5, 6, 17", // Keypoint R-CNN's kps_score_lowres (14×14 in the model)
    "4, 2, 1, 3, 6, 4, 5",
    "2, 2, 0, 4, 3, 3, 2",
    "4, 2, 0, 3, 3, 2, 3",
    "6, 3, 0, 2, 4, 2, 2",
    "6, 2, 2, 4, 4, 3, 2",
    "4, 4, 2, 3, 3, 2, 2",
    "1, 1, 0, 3, 3, 2, 2",
    "3, 2, 1, 4, 4, 2, 3", // not by phases: the interleaved form
  })
  void bothForms_equalTheDefinition_andTheirGradientsAgree(
      int k, int s, int p, int h, int wd, int cin, int cout) {
    Engine engine = Engines.pytorch();
    Random rng = new Random(31L * k + 7L * s + p + h * 1000L + cout);
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      int n = 2;
      double[] x = gaussian(rng, n * cin * h * wd);
      double[] w = gaussian(rng, cin * cout * k * k);
      double[] b = gaussian(rng, cout);
      int oh = (h - 1) * s - 2 * p + k;
      int ow = (wd - 1) * s - 2 * p + k;
      double[] expected = new double[n * cout * oh * ow];
      for (int im = 0; im < n; im++) {
        for (int o = 0; o < cout; o++) {
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              expected[((im * cout + o) * oh + yy) * ow + xx] = b[o];
            }
          }
          for (int c = 0; c < cin; c++) {
            for (int i = 0; i < h; i++) {
              for (int j = 0; j < wd; j++) {
                for (int u = 0; u < k; u++) {
                  for (int v = 0; v < k; v++) {
                    int yy = s * i - p + u;
                    int xx = s * j - p + v;
                    if (yy >= 0 && yy < oh && xx >= 0 && xx < ow) {
                      expected[((im * cout + o) * oh + yy) * ow + xx] +=
                          x[((im * cin + c) * h + i) * wd + j] * w[((c * cout + o) * k + u) * k + v];
                    }
                  }
                }
              }
            }
          }
        }
      }
      boolean phases = k % s == 0 && oh % s == 0 && ow % s == 0;
      double[][] grads = new double[2][];
      for (int form = 0; form < (phases ? 2 : 1); form++) {
        NDArray xa = m.create(x, new Shape(n, cin, h, wd));
        NDArray wa = m.create(w, new Shape(cin, cout, k, k));
        NDArray ba = m.create(b, new Shape(cout));
        xa.setRequiresGradient(true);
        wa.setRequiresGradient(true);
        ba.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = engine.newGradientCollector()) {
          y = form == 1 ? TransposedConvolution.byPhases(xa, wa, ba, k, s, p)
              : TransposedConvolution.interleaved(xa, wa, ba, k, s, p);
          // a loss whose gradient differs per output position
          NDArray weights = m.arange(0, (float) y.getShape().size(), 1f, DataType.FLOAT64)
              .reshape(y.getShape()).sin();
          gc.backward(y.mul(weights).sum());
        }
        assertThat(y.getShape()).isEqualTo(new Shape(n, cout, oh, ow));
        double[] got = y.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
          assertThat(got[i]).as("form %d, value %d", form, i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-9));
        }
        grads[form] = concat(xa.getGradient().toDoubleArray(), wa.getGradient().toDoubleArray(),
            ba.getGradient().toDoubleArray());
      }
      if (phases) {
        for (int i = 0; i < grads[0].length; i++) {
          assertThat(grads[1][i]).as("gradient %d", i).isCloseTo(grads[0][i], org.assertj.core.data.Offset.offset(1e-9));
        }
      }
    }
  }

  private static double[] gaussian(Random rng, int size) {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static double[] concat(double[]... parts) {
    int size = 0;
    for (double[] p : parts) {
      size += p.length;
    }
    double[] out = new double[size];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
