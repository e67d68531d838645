package io.ticketlab.model.roi.keypoint;

import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.ConvReluStack;
import io.ticketlab.model.nn.Init;
import java.util.Arrays;

/**
 * torchvision's {@code KeypointRCNNHeads}: a stack of 3×3 convolutions (padding 1) each followed by
 * a ReLU, eight of 512 channels in torchvision. As an {@code nn.Sequential} its convolutions sit at
 * the even indices: parameters {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ..., {@code
 * 14.bias}. Weights are initialised {@code kaiming_normal_(fan_out, relu)}, biases 0.
 */
public final class KeypointRcnnHeads extends ConvReluStack {
  /**
   * @param inChannels channels of the pooled features (the FPN's, 256 in torchvision)
   * @param layers output channels of each convolution ({@code 512} eight times in torchvision)
   */
  public KeypointRcnnHeads(int inChannels, int... layers) {
    super(inChannels);
    if (inChannels < 1 || layers.length == 0 || Arrays.stream(layers).anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException(
          "keypoint head needs positive channels, got in " + inChannels + ", layers " + Arrays.toString(layers));
    }
    int next = inChannels;
    for (int i = 0; i < layers.length; i++) {
      stack(
          child(
              String.valueOf(2 * i),
              ConvLayer.builder(next, layers[i], 3)
                  .padding(1)
                  .weightInit(Init.kaimingNormalFanOut())
                  .biasInit(Init.constant(0f))
                  .build()),
          layers[i]);
      next = layers[i];
    }
  }
}
