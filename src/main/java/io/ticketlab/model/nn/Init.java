package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/** PyTorch's default initialisations, as DJL initializers. */
public final class Init {
  private Init() {}

  /** {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: N(0, 2 / fan_out). */
  public static Initializer kaimingNormalFanOut() {
    return (NDManager manager, Shape shape, DataType dataType) -> {
      long fanOut = shape.get(0) * receptiveField(shape);
      float std = (float) Math.sqrt(2.0 / fanOut);
      return manager.randomNormal(0f, std, shape, dataType);
    };
  }

  /**
   * The default of {@code nn.Linear} and {@code nn.Conv2d}: weights and biases uniform in
   * ±1/sqrt(fan_in) ({@code kaiming_uniform_(a=sqrt(5))} gives exactly this bound for weights).
   *
   * @param fanIn fan-in of the layer whose parameter is initialised
   */
  public static Initializer uniformFanIn(long fanIn) {
    return (NDManager manager, Shape shape, DataType dataType) -> {
      float bound = (float) (1.0 / Math.sqrt(fanIn));
      return manager.randomUniform(-bound, bound, shape, dataType);
    };
  }

  /** A constant fill. */
  public static Initializer constant(float value) {
    return (NDManager manager, Shape shape, DataType dataType) -> {
      NDArray a = manager.zeros(shape, dataType);
      return value == 0f ? a : a.add(value);
    };
  }

  private static long receptiveField(Shape shape) {
    long r = 1;
    for (int i = 2; i < shape.dimension(); i++) {
      r *= shape.get(i);
    }
    return r;
  }
}
