package io.ticketlab.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Random;

/**
 * Proves that the engine computes: a small 2-D convolution in double precision, its forward pass
 * compared with a direct Java convolution and its weight and input gradients compared with central
 * finite differences of the loss {@code sum(y^2)/2}. Used by {@code ticketlab doctor}.
 */
public final class ConvolutionSelfCheck {
  /** Tolerance on the relative errors; in double precision the check is exact up to rounding. */
  public static final double TOLERANCE = 1e-9;

  private ConvolutionSelfCheck() {}

  /** Outcome of the check: the largest relative errors seen. */
  public record Result(double forwardError, double weightGradientError, double inputGradientError) {
    public boolean ok() {
      return forwardError <= TOLERANCE
          && weightGradientError <= TOLERANCE
          && inputGradientError <= TOLERANCE;
    }
  }

  /**
   * Runs the check on the CPU with a fixed seed. Double-precision convolutions make libtorch ask
   * for NNPACK, which prints a harmless "unsupported hardware" warning on many CPUs; native
   * standard error is silenced meanwhile.
   */
  public static Result run() {
    return run(ai.djl.Device.cpu());
  }

  /** The same check on {@code device} (a GPU: the CUDA engine's kernels against the same truths). */
  public static Result run(ai.djl.Device device) {
    Result[] result = new Result[1];
    NativeStderr.silenced(() -> result[0] = compute(device));
    return result[0];
  }

  private static Result compute(ai.djl.Device device) {
    Engine engine = Engines.pytorch();
    int n = 2, cin = 3, h = 6, w = 5, cout = 4, k = 3, stride = 2, pad = 1;
    Random random = new Random(42);
    double[] x = gaussian(random, n * cin * h * w);
    double[] wt = gaussian(random, cout * cin * k * k);
    double[] bias = gaussian(random, cout);
    Geometry g = new Geometry(n, cin, h, w, cout, k, stride, pad);

    try (NDManager manager = engine.newBaseManager(device)) {
      NDArray input = manager.create(x, new Shape(n, cin, h, w));
      NDArray weight = manager.create(wt, new Shape(cout, cin, k, k));
      NDArray b = manager.create(bias, new Shape(cout));
      input.setRequiresGradient(true);
      weight.setRequiresGradient(true);
      double[] y;
      double[] gradW;
      double[] gradX;
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDArray out =
            Conv2d.conv2d(
                    input,
                    weight,
                    b,
                    new Shape(stride, stride),
                    new Shape(pad, pad),
                    new Shape(1, 1),
                    1)
                .singletonOrThrow();
        if (out.getDataType() != DataType.FLOAT64) {
          throw new IllegalStateException("expected float64 output, got " + out.getDataType());
        }
        y = out.toDoubleArray();
        collector.backward(out.square().sum().div(2.0));
        gradW = weight.getGradient().toDoubleArray();
        gradX = input.getGradient().toDoubleArray();
      }
      double forwardError = maxRelativeError(y, g.forward(x, wt, bias));
      double weightError = 0;
      // The loss is quadratic in every single weight and input, so central differences are exact
      // up to rounding; a large step keeps the rounding small.
      double eps = 1e-2;
      for (int i = 0; i < wt.length; i++) {
        double saved = wt[i];
        wt[i] = saved + eps;
        double up = g.loss(x, wt, bias);
        wt[i] = saved - eps;
        double down = g.loss(x, wt, bias);
        wt[i] = saved;
        weightError = Math.max(weightError, relativeError(gradW[i], (up - down) / (2 * eps)));
      }
      double inputError = 0;
      for (int i = 0; i < x.length; i++) {
        double saved = x[i];
        x[i] = saved + eps;
        double up = g.loss(x, wt, bias);
        x[i] = saved - eps;
        double down = g.loss(x, wt, bias);
        x[i] = saved;
        inputError = Math.max(inputError, relativeError(gradX[i], (up - down) / (2 * eps)));
      }
      return new Result(forwardError, weightError, inputError);
    }
  }

  /**
   * Float32 convolution gradients against the same computation in float64, on shapes whose
   * AVX-512 oneDNN kernels were measured to return wrong or NaN gradients on some VMs (3→8 channel
   * 7×7 stride-2 as in a narrow ResNet stem, 8→8 channel 3×3) plus a wider control. Returns the
   * worst relative error; NaN counts as infinite.
   */
  public static double float32GradientError() {
    double[] worst = {0};
    NativeStderr.silenced(() -> worst[0] = computeFloat32GradientError());
    return worst[0];
  }

  private static double computeFloat32GradientError() {
    Engine engine = Engines.pytorch();
    int[][] cases = {
      // batch, in, out, size, kernel, stride, padding
      {12, 3, 8, 32, 7, 2, 3}, {12, 8, 8, 8, 3, 1, 1}, {12, 64, 64, 8, 3, 1, 1}
    };
    Random random = new Random(1);
    double worst = 0;
    try (NDManager manager = engine.newBaseManager(ai.djl.Device.cpu())) {
      for (int[] c : cases) {
        double[] x = gaussian(random, c[0] * c[1] * c[3] * c[3]);
        double[] w = gaussian(random, c[2] * c[1] * c[4] * c[4]);
        Shape xs = new Shape(c[0], c[1], c[3], c[3]);
        Shape ws = new Shape(c[2], c[1], c[4], c[4]);
        double[] g32 = gradients(engine, manager, x, xs, w, ws, c[5], c[6], DataType.FLOAT32);
        double[] g64 = gradients(engine, manager, x, xs, w, ws, c[5], c[6], DataType.FLOAT64);
        double scale = 0;
        for (double v : g64) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < g32.length; i++) {
          double err = Math.abs(g32[i] - g64[i]) / Math.max(scale, 1e-12);
          worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
        }
      }
    }
    return worst;
  }

  private static double[] gradients(
      Engine engine,
      NDManager manager,
      double[] x,
      Shape xs,
      double[] w,
      Shape ws,
      int stride,
      int pad,
      DataType type) {
    NDArray input = manager.create(x, xs).toType(type, false);
    NDArray weight = manager.create(w, ws).mul(0.1).toType(type, false);
    input.setRequiresGradient(true);
    weight.setRequiresGradient(true);
    try (GradientCollector collector = engine.newGradientCollector()) {
      NDArray y =
          Conv2d.conv2d(
                  input, weight, null, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
              .singletonOrThrow();
      collector.backward(y.mul(y).sum().div(2));
    }
    double[] gw = weight.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    double[] gx = input.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    double[] out = new double[gw.length + gx.length];
    System.arraycopy(gw, 0, out, 0, gw.length);
    System.arraycopy(gx, 0, out, gw.length, gx.length);
    return out;
  }

  private static double[] gaussian(Random random, int size) {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static double relativeError(double actual, double expected) {
    return Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
  }

  private static double maxRelativeError(double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, relativeError(actual[i], expected[i]));
    }
    return worst;
  }

  /** A direct (loop) convolution in NCHW layout, the reference of the check. */
  record Geometry(int n, int cin, int h, int w, int cout, int k, int stride, int pad) {
    int outH() {
      return (h + 2 * pad - k) / stride + 1;
    }

    int outW() {
      return (w + 2 * pad - k) / stride + 1;
    }

    double[] forward(double[] x, double[] wt, double[] bias) {
      int oh = outH(), ow = outW();
      double[] y = new double[n * cout * oh * ow];
      for (int b = 0; b < n; b++) {
        for (int co = 0; co < cout; co++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
              double s = bias[co];
              for (int ci = 0; ci < cin; ci++) {
                for (int di = 0; di < k; di++) {
                  int yi = i * stride - pad + di;
                  if (yi < 0 || yi >= h) {
                    continue;
                  }
                  for (int dj = 0; dj < k; dj++) {
                    int xj = j * stride - pad + dj;
                    if (xj < 0 || xj >= w) {
                      continue;
                    }
                    s += x[((b * cin + ci) * h + yi) * w + xj] * wt[((co * cin + ci) * k + di) * k + dj];
                  }
                }
              }
              y[((b * cout + co) * oh + i) * ow + j] = s;
            }
          }
        }
      }
      return y;
    }

    double loss(double[] x, double[] wt, double[] bias) {
      double sum = 0;
      for (double v : forward(x, wt, bias)) {
        sum += v * v;
      }
      return sum / 2;
    }
  }
}
