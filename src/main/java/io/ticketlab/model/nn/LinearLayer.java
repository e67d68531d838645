package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** PyTorch's {@code nn.Linear}: {@code weight} [out, in], {@code bias} [out], default init. */
public final class LinearLayer extends TorchBlock {
  private final int inFeatures;
  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;

  public LinearLayer(int in, int out) {
    this.inFeatures = in;
    this.outFeatures = out;
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), Init.uniformFanIn(in), true);
    bias = param("bias", Parameter.Type.BIAS, new Shape(out), Init.uniformFanIn(in), true);
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }

  /** {@code x W^T + b} for {@code x} [N, in]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    return Linear.linear(
            x,
            ps.getValue(weight, x.getDevice(), training),
            ps.getValue(bias, x.getDevice(), training))
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outFeatures)};
  }
}
