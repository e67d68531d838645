package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.LinearLayer;
import io.ticketlab.model.nn.TorchBlock;

/**
 * The FPN box head of Faster R-CNN, torchvision's {@code TwoMLPHead}: flatten the pooled RoI
 * features, then {@code relu(fc6)} and {@code relu(fc7)} (1024 wide in torchvision). Parameters
 * {@code fc6.weight}, {@code fc6.bias}, {@code fc7.weight}, {@code fc7.bias}; registered as
 * {@code roi_heads.box_head} they carry torchvision's state-dict keys.
 */
public final class TwoMlpHead extends TorchBlock implements BoxHead {
  private final LinearLayer fc6;
  private final LinearLayer fc7;
  private final int representationSize;

  /**
   * @param inChannels flattened RoI feature size ({@code 256 * 7 * 7} for the FPN box head)
   * @param representationSize width of both layers (1024 in torchvision)
   */
  public TwoMlpHead(int inChannels, int representationSize) {
    this.representationSize = representationSize;
    fc6 = child("fc6", new LinearLayer(inChannels, representationSize));
    fc7 = child("fc7", new LinearLayer(representationSize, representationSize));
  }

  @Override
  public int representationSize() {
    return representationSize;
  }

  /** [K, C, h, w] (or [K, C·h·w]) → [K, representationSize]. */
  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray flat =
        x.getShape().dimension() == 2 ? x : x.reshape(x.getShape().get(0), x.getShape().slice(1).size());
    return Activation.relu(fc7.apply(ps, Activation.relu(fc6.apply(ps, flat, training)), training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
