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
 *
 * <p>The paper's VOC code (jwyang/faster-rcnn.pytorch) differs in two ways that the second
 * constructor offers: the shared conv has its own width (512), and the objectness may be a two-way
 * softmax per anchor ({@link Objectness#SOFTMAX}: 2A channels, background logits in channels 0..A−1,
 * foreground in A..2A−1). A two-way softmax is a sigmoid of the logit difference, so this head
 * returns {@code fg − bg} as the A objectness logits and the RPN's sigmoid scores and binary
 * cross-entropy are exactly the softmax probabilities and cross-entropy of the paper's code.
 */
public final class RPNHead extends TorchBlock {
  /** How anchors are scored: torchvision's one sigmoid logit, or the paper code's 2-way softmax. */
  public enum Objectness {
    /** One logit per anchor ({@code cls_logits} has A channels), torchvision's. */
    SIGMOID,
    /** Background and foreground logits per anchor ({@code cls_logits} has 2A channels). */
    SOFTMAX
  }

  private final ConvLayer conv;
  private final ConvLayer clsLogits;
  private final ConvLayer bboxPred;
  private final Objectness objectness;
  private final int numAnchors;

  /**
   * torchvision's head: shared conv {@code inChannels → inChannels}, sigmoid objectness.
   *
   * @param inChannels channels of the feature maps (the FPN's 256)
   * @param numAnchors anchors per location (3 for FPN)
   */
  public RPNHead(int inChannels, int numAnchors) {
    this(inChannels, inChannels, numAnchors, Objectness.SIGMOID);
  }

  /**
   * A head whose shared 3×3 conv maps {@code inChannels} to {@code hiddenChannels} (512 in the
   * paper's C4 model) and whose objectness is {@code objectness}.
   */
  public RPNHead(int inChannels, int hiddenChannels, int numAnchors, Objectness objectness) {
    if (inChannels < 1 || hiddenChannels < 1 || numAnchors < 1 || objectness == null) {
      throw new IllegalArgumentException(
          "RPN head needs positive widths and anchors and an objectness, got in " + inChannels + ", hidden "
              + hiddenChannels + ", anchors " + numAnchors + ", " + objectness);
    }
    this.objectness = objectness;
    this.numAnchors = numAnchors;
    int scores = objectness == Objectness.SOFTMAX ? 2 * numAnchors : numAnchors;
    Container outer = child("conv", new Container());
    Container inner = outer.add("0", new Container());
    conv = inner.add("0", conv(inChannels, hiddenChannels, 3, 1));
    clsLogits = child("cls_logits", conv(hiddenChannels, scores, 1, 0));
    bboxPred = child("bbox_pred", conv(hiddenChannels, 4 * numAnchors, 1, 0));
  }

  public Objectness objectness() {
    return objectness;
  }

  public int numAnchors() {
    return numAnchors;
  }

  private static ConvLayer conv(int in, int out, int k, int padding) {
    Initializer normal = (manager, shape, dataType) -> manager.randomNormal(0f, 0.01f, shape, dataType);
    return ConvLayer.builder(in, out, k)
        .padding(padding)
        .weightInit(normal)
        .biasInit(Init.constant(0f))
        .build();
  }

  /**
   * Objectness logits [N, A, H, W] (for {@link Objectness#SOFTMAX} the foreground minus the
   * background logit) and box deltas [N, 4A, H, W] of one level.
   */
  public NDList applyLevel(ParameterStore ps, NDArray feature, boolean training) {
    NDArray t = Activation.relu(conv.apply(ps, feature, training));
    NDArray scores = clsLogits.apply(ps, t, training);
    if (objectness == Objectness.SOFTMAX) {
      scores = scores.get(":, " + numAnchors + ":").sub(scores.get(":, :" + numAnchors));
    }
    return new NDList(scores, bboxPred.apply(ps, t, training));
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
