package io.ticketlab.model.roi.mask;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.ConvReluStack;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;

/**
 * The convolutional mask head of Mask R-CNN, torchvision 0.14's {@code MaskRCNNHeads}: a sequence
 * of 3×3 convolutions (padding = dilation) each followed by ReLU, on the 14×14 pooled RoI features;
 * torchvision uses four layers of 256 channels, dilation 1. As in torchvision ≥ 0.13 each layer is a
 * {@code Conv2dNormActivation} without normalisation, so the parameters are {@code 0.0.weight},
 * {@code 0.0.bias}, ..., {@code 3.0.bias} (older checkpoints' {@code mask_fcn1..4} are the same
 * tensors under other names). Weights are initialised as torchvision: Kaiming normal (fan-out,
 * ReLU), zero biases.
 */
public final class MaskRcnnHeads extends ConvReluStack {

  /**
   * @param inChannels channels of the pooled features (the FPN's, 256 in torchvision)
   * @param layers output channels of each layer ({256, 256, 256, 256} in torchvision)
   * @param dilation dilation and padding of the 3×3 convolutions (1 in torchvision)
   */
  public MaskRcnnHeads(int inChannels, int[] layers, int dilation) {
    super(inChannels);
    if (layers.length == 0) {
      throw new IllegalArgumentException("a mask head needs at least one layer");
    }
    if (dilation < 1) {
      throw new IllegalArgumentException("dilation must be positive, got " + dilation);
    }
    int in = inChannels;
    for (int i = 0; i < layers.length; i++) {
      ConvRelu layer = child(Integer.toString(i), new ConvRelu());
      stack(
          layer.add(
              ConvLayer.builder(in, layers[i], 3)
                  .padding(dilation)
                  .dilation(dilation)
                  .weightInit(Init.kaimingNormalFanOut())
                  .biasInit(Init.constant(0f))
                  .build()),
          layers[i]);
      in = layers[i];
    }
  }

  /** torchvision's head: four layers of {@code channels}, dilation 1. */
  public static MaskRcnnHeads of(int inChannels, int channels) {
    return new MaskRcnnHeads(inChannels, new int[] {channels, channels, channels, channels}, 1);
  }

  /** One {@code Conv2dNormActivation}: the convolution is child {@code 0} (ReLU has no parameters). */
  static final class ConvRelu extends TorchBlock {
    ConvLayer add(ConvLayer conv) {
      return child("0", conv);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("a container; MaskRcnnHeads applies it");
    }
  }
}
