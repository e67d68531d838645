package io.ticketlab.model.backbone;

import io.ticketlab.common.FloatTensor;

/**
 * The weight generator of {@code src/test/python/make_resnet_fixtures.py}: splitmix64 of
 * (stream << 32) + element index, top 24 bits, mapped to [-1, 1). Both sides compute in double and
 * round once to float, so the weights are bit-identical without storing them.
 */
public final class DeterministicFill {
  private DeterministicFill() {}

  public static double uniform(long stream, long i) {
    return io.ticketlab.testing.Splitmix.uniform(stream, i);
  }

  public static float[] uniformFloats(long stream, int n) {
    return io.ticketlab.testing.Splitmix.floats(stream, n);
  }

  public static FloatTensor fill(String name, int[] shape, long stream) {
    int n = (int) FloatTensor.numel(shape);
    float[] data = new float[n];
    double scale = 0;
    if (shape.length > 1) {
      long fanIn = 1;
      for (int d = 1; d < shape.length; d++) {
        fanIn *= shape[d];
      }
      scale = Math.sqrt((shape.length == 4 ? 6.0 : 3.0) / fanIn);
    }
    for (int i = 0; i < n; i++) {
      double v = uniform(stream, i);
      double out;
      if (name.endsWith("running_var")) {
        out = 1.0 + 0.25 * (v + 1.0);
      } else if (name.endsWith("running_mean") || name.endsWith("bias")) {
        out = 0.1 * v;
      } else if (shape.length == 1) {
        out = 1.0 + 0.1 * v;
      } else {
        out = v * scale;
      }
      data[i] = (float) out;
    }
    return new FloatTensor(shape, data);
  }
}
