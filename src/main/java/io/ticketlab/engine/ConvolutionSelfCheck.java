package io.ticketlab.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Locale;
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
   * Float32 convolution values and gradients against the same computation in float64, through
   * {@link Convolutions#conv2d} as the models call it (with the rewrites in force where they are),
   * on the narrow shapes whose AVX-512 oneDNN kernels were first seen wrong (3→8 channel 7×7
   * stride 2, 8→8 channel 3×3), a wider control and the {@link #survey()} of a few hundred shapes.
   * Returns the worst relative error; NaN counts as infinite.
   */
  public static double float32GradientError() {
    Engines.pytorch(); // the engine's start decides whether the rewrites are on: read them after it
    return worst(Convolutions.rewriting()).error();
  }

  /** The worst case of {@link #float32GradientError()}: its error and the shape it was seen on. */
  public record Worst(double error, String shape) {}

  /** {@link #float32GradientError()} with the rewrites on or off, whatever is in force. */
  static Worst worst(boolean rewrite) {
    return worst(rewrite, survey());
  }

  /** The worst case over {@code cases}. */
  static Worst worst(boolean rewrite, java.util.List<int[]> cases) {
    Worst[] worst = {null};
    NativeStderr.silenced(() -> worst[0] = computeWorst(rewrite, cases));
    return worst[0];
  }

  /** The narrow shapes first seen wrong: batch, in, out, height, width, kernel, stride, padding, dilation, groups. */
  static final int[][] NARROW = {
    {12, 3, 8, 32, 32, 7, 2, 3, 1, 1}, {12, 8, 8, 8, 8, 3, 1, 1, 1, 1}, {12, 64, 64, 8, 8, 3, 1, 1, 1, 1}
  };

  /**
   * The shapes the probe checks: {@link #NARROW}, those of TicketLab's models at small sizes
   * (ResNet stems, blocks and downsamples, FPN, RPN, box, mask and keypoint heads and predictors,
   * the FPN's top levels of one or two pixels), and 300 drawn with a fixed seed: channels 1 to 256
   * (multiples of 16 and not), kernels 1 to 7, strides 1 and 2, padding, dilation 2, two groups,
   * non-square inputs of 1 to 32 pixels, batches 1 to 8, at most about 4 million multiply-adds each.
   */
  static java.util.List<int[]> survey() {
    return survey(20261204L, 300, 8, 4_000_000L);
  }

  /** {@link #survey()} with another seed, count of drawn shapes, largest batch and size limit. */
  static java.util.List<int[]> survey(long seed, int drawn, int maxBatch, long maxMacs) {
    java.util.List<int[]> cases = new java.util.ArrayList<>(java.util.Arrays.asList(NARROW));
    int[][] models = {
      {2, 3, 64, 40, 36, 7, 2, 3, 1, 1}, {2, 64, 64, 10, 9, 3, 1, 1, 1, 1}, {2, 64, 128, 10, 9, 3, 2, 1, 1, 1},
      {2, 64, 128, 5, 5, 1, 1, 0, 1, 1}, {2, 128, 256, 5, 5, 3, 2, 1, 1, 1}, {2, 256, 512, 3, 3, 3, 2, 1, 1, 1},
      {2, 64, 256, 6, 6, 1, 1, 0, 1, 1}, {2, 256, 64, 6, 6, 1, 1, 0, 1, 1}, {2, 512, 128, 3, 3, 1, 1, 0, 1, 1},
      {2, 256, 256, 7, 5, 3, 1, 1, 1, 1}, {2, 256, 256, 2, 2, 3, 1, 1, 1, 1}, {2, 256, 256, 1, 1, 3, 1, 1, 1, 1},
      {2, 256, 256, 2, 1, 3, 2, 1, 1, 1}, {2, 256, 3, 7, 5, 1, 1, 0, 1, 1}, {2, 256, 12, 7, 5, 1, 1, 0, 1, 1},
      {2, 256, 15, 4, 4, 1, 1, 0, 1, 1}, {2, 256, 60, 4, 4, 1, 1, 0, 1, 1}, {2, 256, 6, 7, 7, 1, 1, 0, 1, 1},
      {2, 256, 81, 7, 7, 1, 1, 0, 1, 1}, {2, 256, 256, 7, 7, 3, 1, 2, 2, 1}, {2, 512, 512, 7, 7, 3, 1, 1, 1, 1},
      {2, 512, 17, 13, 13, 4, 1, 2, 1, 1}, {2, 256, 256, 13, 13, 2, 1, 1, 1, 1}, {2, 128, 128, 4, 4, 3, 1, 1, 1, 2},
      {2, 512, 17, 7, 7, 2, 1, 1, 1, 1}, // a phase of the keypoint predictor's transposed 4×4 convolution
    };
    cases.addAll(java.util.Arrays.asList(models));
    Random random = new Random(seed);
    int[] channels = {1, 2, 3, 4, 6, 8, 12, 15, 16, 17, 20, 24, 31, 32, 33, 40, 48, 64, 80, 100, 112, 128, 136, 256};
    int[] kernels = {1, 2, 3, 4, 5, 7};
    int[] sizes = {1, 2, 3, 5, 7, 8, 13, 16, 19, 25, 32};
    while (cases.size() < NARROW.length + models.length + drawn) {
      int k = kernels[random.nextInt(kernels.length)];
      int stride = 1 + random.nextInt(2);
      int pad = random.nextInt(k / 2 + 1);
      int dilation = random.nextInt(4) == 0 ? 2 : 1;
      int groups = random.nextInt(8) == 0 ? 2 : 1;
      int n = 1 + random.nextInt(maxBatch);
      int cin = channels[random.nextInt(channels.length)] * groups;
      int cout = channels[random.nextInt(channels.length)] * groups;
      int h = sizes[random.nextInt(sizes.length)];
      int w = random.nextBoolean() ? h : sizes[random.nextInt(sizes.length)];
      long oh = (h + 2L * pad - (long) dilation * (k - 1) - 1) / stride + 1;
      long ow = (w + 2L * pad - (long) dilation * (k - 1) - 1) / stride + 1;
      if (h + 2 * pad < dilation * (k - 1) + 1 || w + 2 * pad < dilation * (k - 1) + 1) {
        continue;
      }
      if ((long) n * cin / groups * cout * k * k * oh * ow > maxMacs) {
        continue;
      }
      cases.add(new int[] {n, cin, cout, h, w, k, stride, pad, dilation, groups});
    }
    return cases;
  }

  private static Worst computeWorst(boolean rewrite, java.util.List<int[]> cases) {
    Engine engine = Engines.pytorch();
    Random random = new Random(1);
    double worst = 0;
    String where = "none";
    try (NDManager manager = engine.newBaseManager(ai.djl.Device.cpu())) {
      for (int[] c : cases) {
        try (NDManager m = manager.newSubManager()) {
          double[] x = gaussian(random, c[0] * c[1] * c[3] * c[4]);
          double[] w = gaussian(random, c[2] * (c[1] / c[9]) * c[5] * c[5]);
          double[] b = gaussian(random, c[2]);
          double[][] g32 = outputs(engine, m, x, w, b, c, DataType.FLOAT32, rewrite);
          double[][] g64 = outputs(engine, m, x, w, b, c, DataType.FLOAT64, false);
          for (int part = 0; part < g32.length; part++) {
            double scale = 0;
            for (double v : g64[part]) {
              scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < g32[part].length; i++) {
              double err = Math.abs(g32[part][i] - g64[part][i]) / Math.max(scale, 1e-12);
              if (Double.isNaN(err)) {
                err = Double.POSITIVE_INFINITY;
              }
              if (err > worst) {
                worst = err;
                where = describe(c) + " (" + new String[] {"output", "weight gradient", "input gradient", "bias gradient"}[part] + ")";
              }
            }
          }
        }
      }
    }
    return new Worst(worst, where);
  }

  /** A case as {@code N×C×H×W * out×C×k×k, stride s, padding p, dilation d, groups g}. */
  static String describe(int[] c) {
    return String.format(Locale.ROOT, "%d×%d×%d×%d input, %d×%d×%d×%d weight, stride %d, padding %d, dilation %d, groups %d",
        c[0], c[1], c[3], c[4], c[2], c[1] / c[9], c[5], c[5], c[6], c[7], c[8], c[9]);
  }

  /** Output, weight, input and bias gradients of the loss sum(y²)/2 in {@code type}. */
  private static double[][] outputs(
      Engine engine, NDManager manager, double[] x, double[] w, double[] b, int[] c, DataType type, boolean rewrite) {
    NDArray input = manager.create(x, new Shape(c[0], c[1], c[3], c[4])).toType(type, false);
    NDArray weight = manager.create(w, new Shape(c[2], c[1] / c[9], c[5], c[5])).mul(0.1).toType(type, false);
    NDArray bias = manager.create(b, new Shape(c[2])).toType(type, false);
    input.setRequiresGradient(true);
    weight.setRequiresGradient(true);
    bias.setRequiresGradient(true);
    double[] y;
    try (GradientCollector collector = engine.newGradientCollector()) {
      NDArray out =
          rewrite
              ? Convolutions.rewritten(input, weight, bias, c[6], c[7], c[8], c[9])
              : Conv2d.conv2d(input, weight, bias, new Shape(c[6], c[6]), new Shape(c[7], c[7]), new Shape(c[8], c[8]), c[9])
                  .singletonOrThrow();
      y = out.toType(DataType.FLOAT64, false).toDoubleArray();
      collector.backward(out.mul(out).sum().div(2));
    }
    return new double[][] {
      y,
      weight.getGradient().toType(DataType.FLOAT64, false).toDoubleArray(),
      input.getGradient().toType(DataType.FLOAT64, false).toDoubleArray(),
      bias.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()
    };
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
