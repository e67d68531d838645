package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.ticketlab.model.nn.Scalars;

/**
 * The RoI heads' losses, torchvision 0.14's {@code fastrcnn_loss}: cross-entropy of the class
 * logits over all sampled RoIs (mean), and smooth-L1 ({@code beta = 1/9}) between the
 * ground-truth class's predicted deltas and the regression targets of the positive RoIs (label
 * {@code > 0}), summed and divided by the number of sampled RoIs.
 */
public final class FastRcnnLoss {
  /** torchvision's smooth-L1 beta for the box head. */
  public static final float BETA = 1f / 9f;

  private FastRcnnLoss() {}

  /** The two losses, scalars. */
  public record Losses(NDArray classifier, NDArray boxRegression) {}

  /**
   * @param classLogits [N, numClasses]
   * @param boxRegression [N, 4·numClasses]
   * @param labels [N] int64 class of each sampled RoI (0 = background), all images concatenated
   * @param regressionTargets [N, 4] encoded targets
   */
  public static Losses compute(
      NDArray classLogits, NDArray boxRegression, NDArray labels, NDArray regressionTargets) {
    long n = classLogits.getShape().get(0);
    long classes = classLogits.getShape().get(1);
    long[] label = labels.toType(DataType.INT64, false).toLongArray();
    if (label.length != n || regressionTargets.getShape().get(0) != n) {
      throw new IllegalArgumentException(
          "fastrcnn loss needs one label and target per RoI: " + n + " logits, " + label.length
              + " labels, " + regressionTargets.getShape().get(0) + " targets");
    }
    NDManager m = classLogits.getManager();
    NDArray labelIndex = m.create(label).reshape(n, 1).toDevice(classLogits.getDevice(), false);
    NDArray classifier =
        classLogits.logSoftmax(1).gather(labelIndex, 1).neg().mean();

    int positives = 0;
    for (long l : label) {
      if (l < 0 || l >= classes) {
        throw new IllegalArgumentException("label " + l + " outside [0, " + classes + ")");
      }
      if (l > 0) {
        positives++;
      }
    }
    NDArray box;
    if (positives == 0) {
      box = Scalars.mul(boxRegression.sum(), 0f);
    } else {
      long[] rows = new long[positives];
      long[] pick = new long[positives];
      for (int i = 0, p = 0; i < label.length; i++) {
        if (label[i] > 0) {
          rows[p] = i;
          pick[p++] = i * classes + label[i];
        }
      }
      NDArray predicted =
          boxRegression.reshape(n * classes, 4).get(new NDIndex("{}", m.create(pick).toDevice(boxRegression.getDevice(), false)));
      NDArray target = regressionTargets.get(new NDIndex("{}", m.create(rows).toDevice(boxRegression.getDevice(), false)));
      box = Scalars.div(smoothL1Sum(predicted, target, BETA), (float) n);
    }
    return new Losses(classifier, box);
  }

  /** {@code Σ (|d| < beta ? 0.5 d² / beta : |d| - 0.5 beta)}, PyTorch's {@code smooth_l1_loss(sum)}. */
  public static NDArray smoothL1Sum(NDArray input, NDArray target, float beta) {
    NDArray d = input.sub(target).abs();
    NDArray quadratic = Scalars.mul(d.square(), 0.5f / beta);
    NDArray linear = d.sub(0.5f * beta);
    return NDArrays.where(d.lt(beta), quadratic, linear).sum();
  }
}
