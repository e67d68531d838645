package io.ticketlab.model.roi.keypoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * torchvision's {@code KeypointRCNNHeads}: a stack of 3×3 convolutions (padding 1) each followed by
 * a ReLU, eight of 512 channels in torchvision. As an {@code nn.Sequential} its convolutions sit at
 * the even indices: parameters {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ..., {@code
 * 14.bias}. Weights are initialised {@code kaiming_normal_(fan_out, relu)}, biases 0.
 */
public final class KeypointRcnnHeads extends TorchBlock {
  private final List<ConvLayer> convs = new ArrayList<>();
  private final int outChannels;

  /**
   * @param inChannels channels of the pooled features (the FPN's, 256 in torchvision)
   * @param layers output channels of each convolution ({@code 512} eight times in torchvision)
   */
  public KeypointRcnnHeads(int inChannels, int... layers) {
    if (inChannels < 1 || layers.length == 0 || Arrays.stream(layers).anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException(
          "keypoint head needs positive channels, got in " + inChannels + ", layers " + Arrays.toString(layers));
    }
    int next = inChannels;
    for (int i = 0; i < layers.length; i++) {
      convs.add(
          child(
              String.valueOf(2 * i),
              ConvLayer.builder(next, layers[i], 3)
                  .padding(1)
                  .weightInit(Init.kaimingNormalFanOut())
                  .biasInit(Init.constant(0f))
                  .build()));
      next = layers[i];
    }
    outChannels = next;
  }

  public int outChannels() {
    return outChannels;
  }

  /** [R, C_in, 14, 14] → [R, C_out, 14, 14]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
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
