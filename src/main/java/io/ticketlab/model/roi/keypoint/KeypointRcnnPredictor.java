package io.ticketlab.model.roi.keypoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;

/**
 * torchvision's {@code KeypointRCNNPredictor}: {@code kps_score_lowres}, a transposed 4×4
 * convolution of stride 2 and padding 1 to one map per keypoint (14×14 → 28×28), then bilinear
 * upsampling by 2 ({@code align_corners=False}, 28×28 → 56×56). The upsampling is written as two
 * constant interpolation matrices ({@code U_h · x · U_wᵀ}), exact and differentiable. Parameters
 * {@code kps_score_lowres.weight} [C_in, K, 4, 4] ({@code kaiming_normal_(fan_out, relu)}) and
 * {@code kps_score_lowres.bias} [K] (0).
 */
public final class KeypointRcnnPredictor extends TorchBlock implements io.ticketlab.model.roi.PooledBranch.Predictor {
  private final TransposedConvolution lowres;
  private final int numKeypoints;

  public KeypointRcnnPredictor(int inChannels, int numKeypoints) {
    this.numKeypoints = numKeypoints;
    lowres =
        child(
            "kps_score_lowres",
            new TransposedConvolution(inChannels, numKeypoints, 4, 2, 1, Init.kaimingNormalFanOut(), Init.constant(0f)));
  }

  public int numKeypoints() {
    return numKeypoints;
  }

  /** [R, C_in, h, w] → heatmap logits [R, K, 4h, 4w]. */
  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray y = lowres.apply(ps, x, training);
    NDManager m = y.getManager();
    int h = (int) y.getShape().get(2);
    int w = (int) y.getShape().get(3);
    NDArray rows = m.create(upsampleMatrix(h), new Shape(2L * h, h)).toDevice(y.getDevice(), false);
    NDArray columnsT = m.create(upsampleMatrix(w), new Shape(2L * w, w)).toDevice(y.getDevice(), false).transpose();
    return rows.matMul(y.matMul(columnsT));
  }

  /**
   * The [2n, n] matrix of PyTorch's bilinear ×2 upsampling along one axis ({@code align_corners=
   * False}, scale factor 2): output {@code o} reads source {@code max((o + 0.5) / 2 − 0.5, 0)}
   * from its two neighbours, the upper one clamped to {@code n − 1}.
   */
  static float[] upsampleMatrix(int n) {
    float[] u = new float[2 * n * n];
    for (int o = 0; o < 2 * n; o++) {
      float src = Math.max(0.5f * (o + 0.5f) - 0.5f, 0f);
      int i0 = (int) src;
      int i1 = i0 < n - 1 ? i0 + 1 : i0;
      float l1 = src - i0;
      float l0 = 1f - l1;
      u[o * n + i0] += l0;
      u[o * n + i1] += l1;
    }
    return u;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
