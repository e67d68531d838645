package io.ticketlab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;

/**
 * torchvision 0.14's {@code RPNHead}: a shared 3×3 convolution + ReLU ({@code conv.0.0}, a {@code
 * Conv2dNormActivation} in a {@code Sequential}), then per-anchor objectness logits ({@code
 * cls_logits}, A channels) and box deltas ({@code bbox_pred}, 4A channels), applied to every
 * pyramid level. Weights start N(0, 0.01²), biases 0, as torchvision's.
 */
public final class RPNHead extends TorchBlock {
  private final ConvLayer conv;
  private final ConvLayer clsLogits;
  private final ConvLayer bboxPred;

  /**
   * @param inChannels channels of the feature maps (the FPN's 256)
   * @param numAnchors anchors per location (3 for FPN)
   */
  public RPNHead(int inChannels, int numAnchors) {
    Container outer = child("conv", new Container());
    Container inner = outer.add("0", new Container());
    conv = inner.add("0", conv(inChannels, inChannels, 3, 1));
    clsLogits = child("cls_logits", conv(inChannels, numAnchors, 1, 0));
    bboxPred = child("bbox_pred", conv(inChannels, 4 * numAnchors, 1, 0));
  }

  private static ConvLayer conv(int in, int out, int k, int padding) {
    Initializer normal = (manager, shape, dataType) -> manager.randomNormal(0f, 0.01f, shape, dataType);
    return ConvLayer.builder(in, out, k)
        .padding(padding)
        .weightInit(normal)
        .biasInit(Init.constant(0f))
        .build();
  }

  /** Objectness logits [N, A, H, W] and box deltas [N, 4A, H, W] of one level. */
  public NDList applyLevel(ParameterStore ps, NDArray feature, boolean training) {
    NDArray t = Activation.relu(conv.apply(ps, feature, training));
    return new NDList(clsLogits.apply(ps, t, training), bboxPred.apply(ps, t, training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return applyLevel(ps, inputs.singletonOrThrow(), training);
  }

  /** A PyTorch {@code nn.Sequential} holder of named children. */
  static final class Container extends TorchBlock {
    <B extends TorchBlock> B add(String name, B block) {
      return child(name, block);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("A container of named modules");
    }
  }
}
