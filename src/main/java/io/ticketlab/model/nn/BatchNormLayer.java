package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.BatchNorm2d} or, when frozen, torchvision's {@code FrozenBatchNorm2d}.
 *
 * <p>Entries: {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}. Trainable
 * mode normalises with batch statistics in training and updates the running statistics with
 * PyTorch's momentum convention ({@code running = (1 - m) running + m batch}, m = 0.1). Frozen mode
 * (detection backbones, as in the paper) is a fixed affine map {@code y = x * w / sqrt(rv + eps) +
 * (b - rm * w / sqrt(rv + eps))} with nothing trainable; eps is 1e-5 in both modes, as in
 * torchvision 0.14.
 */
public final class BatchNormLayer extends TorchBlock {
  /** torchvision's eps for both BatchNorm2d and FrozenBatchNorm2d. */
  public static final float EPS = 1e-5f;
  /** PyTorch's default momentum. */
  public static final float MOMENTUM = 0.1f;

  private final boolean frozen;
  private final int channels;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter runningMean;
  private final Parameter runningVar;

  /**
   * @param channels number of channels
   * @param frozen true for FrozenBatchNorm2d (nothing trainable, always uses running statistics)
   */
  public BatchNormLayer(int channels, boolean frozen) {
    this.frozen = frozen;
    this.channels = channels;
    Shape s = new Shape(channels);
    weight = param("weight", Parameter.Type.GAMMA, s, Init.constant(1f), !frozen);
    bias = param("bias", Parameter.Type.BETA, s, Init.constant(0f), !frozen);
    runningMean = param("running_mean", Parameter.Type.RUNNING_MEAN, s, Init.constant(0f), false);
    runningVar = param("running_var", Parameter.Type.RUNNING_VAR, s, Init.constant(1f), false);
  }

  public boolean frozen() {
    return frozen;
  }

  public int channels() {
    return channels;
  }

  /** Normalises {@code x} [N, C, H, W]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    NDArray rm = ps.getValue(runningMean, x.getDevice(), false);
    NDArray rv = ps.getValue(runningVar, x.getDevice(), false);
    if (frozen) {
      NDArray scale = w.mul(rv.add(EPS).sqrt().pow(-1));
      NDArray shift = b.sub(rm.mul(scale));
      return x.mul(scale.reshape(1, channels, 1, 1)).add(shift.reshape(1, channels, 1, 1));
    }
    // DJL keeps MXNet's convention (running = m·running + (1 − m)·batch) and hands 1 − m to
    // PyTorch, so PyTorch's momentum 0.1 is passed as 0.9
    return BatchNorm.batchNorm(x, rm, rv, w, b, 1, 1 - MOMENTUM, EPS, training).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
