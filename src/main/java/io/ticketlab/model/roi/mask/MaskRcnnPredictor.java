package io.ticketlab.model.roi.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;

/**
 * Mask R-CNN's mask predictor, torchvision 0.14's {@code MaskRCNNPredictor}: {@code conv5_mask}
 * (2×2 stride-2 transposed convolution, 14×14 → 28×28), ReLU, then {@code mask_fcn_logits} (1×1
 * convolution to one mask logit map per class, background included). Initialised as torchvision:
 * Kaiming normal (fan-out, ReLU) weights, PyTorch's default uniform biases.
 */
public final class MaskRcnnPredictor extends TorchBlock implements io.ticketlab.model.roi.PooledBranch.Predictor {
  private final TransposedConv2x2 conv5Mask;
  private final PointwiseConv maskFcnLogits;
  private final int numClasses;

  /**
   * @param inChannels channels of the mask head's output (256 in torchvision)
   * @param dimReduced channels of {@code conv5_mask} (256 in torchvision)
   * @param numClasses classes including the background
   */
  public MaskRcnnPredictor(int inChannels, int dimReduced, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("num classes counts the background and must be ≥ 2, got " + numClasses);
    }
    this.numClasses = numClasses;
    conv5Mask =
        child(
            "conv5_mask",
            new TransposedConv2x2(
                inChannels, dimReduced, Init.kaimingNormalFanOut(), Init.uniformFanIn(4L * dimReduced)));
    maskFcnLogits =
        child(
            "mask_fcn_logits",
            new PointwiseConv(dimReduced, numClasses, Init.kaimingNormalFanOut(), Init.uniformFanIn(dimReduced)));
  }

  public int numClasses() {
    return numClasses;
  }

  TransposedConv2x2 conv5Mask() {
    return conv5Mask;
  }

  PointwiseConv maskFcnLogits() {
    return maskFcnLogits;
  }

  /**
   * [K, in, h, w] → mask logits [K, numClasses, 2h, 2w]. Computed channels-last: conv5_mask's
   * output stays as rows of pixels through the ReLU and mask_fcn_logits, and only the narrow
   * logits are permuted into place (depth-to-space) — the same sums as the NCHW layers, without
   * moving the 2h×2w×256 activations and their gradients twice.
   */
  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    Shape s = x.getShape();
    long k = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    NDArray logits = maskFcnLogits.applyRows(ps, Activation.relu(conv5Mask.applyRows(ps, x, training)), training);
    return TransposedConv2x2.toImage(logits, k, h, w, numClasses);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
