package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.LinearLayer;
import io.ticketlab.model.nn.TorchBlock;

/**
 * Faster R-CNN's box predictor, torchvision's {@code FastRCNNPredictor}: class logits
 * ({@code cls_score}, one per class including background 0) and per-class box deltas
 * ({@code bbox_pred}, 4 per class) from the box head's features. Registered as
 * {@code roi_heads.box_predictor} it carries torchvision's state-dict keys.
 */
public final class FastRcnnPredictor extends TorchBlock {
  private final LinearLayer clsScore;
  private final LinearLayer bboxPred;
  private final int numClasses;

  public FastRcnnPredictor(int inChannels, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException(
          "num classes counts the background and must be at least 2, got " + numClasses);
    }
    this.numClasses = numClasses;
    clsScore = child("cls_score", new LinearLayer(inChannels, numClasses));
    bboxPred = child("bbox_pred", new LinearLayer(inChannels, numClasses * 4));
  }

  public int numClasses() {
    return numClasses;
  }

  /**
   * [K, in] (or [K, in, 1, 1]) → {class logits [K, numClasses], box deltas [K, 4·numClasses]}.
   */
  public NDList apply(ParameterStore ps, NDArray x, boolean training) {
    if (x.getShape().dimension() == 4) {
      if (x.getShape().get(2) != 1 || x.getShape().get(3) != 1) {
        throw new IllegalArgumentException("x has the wrong shape, expecting the last two dimensions to be [1,1] instead of " + x.getShape());
      }
      x = x.reshape(x.getShape().get(0), -1);
    }
    return new NDList(clsScore.apply(ps, x, training), bboxPred.apply(ps, x, training));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return apply(ps, inputs.singletonOrThrow(), training);
  }
}
