package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolutions each followed by a ReLU, applied in order: the shape of Mask R-CNN's and Keypoint
 * R-CNN's heads. Subclasses register each convolution as a child under their own (torchvision)
 * name and then {@link #stack} it.
 */
public abstract class ConvReluStack extends TorchBlock {
  private final List<ConvLayer> convs = new ArrayList<>();
  private int outChannels;

  protected ConvReluStack(int inChannels) {
    this.outChannels = inChannels;
  }

  /** Appends a registered convolution with {@code channels} outputs. */
  protected final ConvLayer stack(ConvLayer conv, int channels) {
    convs.add(conv);
    outChannels = channels;
    return conv;
  }

  /** Channels of the last layer. */
  public final int outChannels() {
    return outChannels;
  }

  /** [K, in, h, w] → [K, outChannels, h, w]. */
  public final NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray y = x;
    for (ConvLayer c : convs) {
      y = Activation.relu(c.apply(ps, y, training));
    }
    return y;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
