package io.ticketlab.model.roi.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.TorchBlock;

/**
 * PyTorch's {@code nn.Conv2d(in, out, kernel_size=1)} ({@code weight} [out, in, 1, 1], {@code
 * bias} [out]) computed as a matrix product over the pixels. The same values and gradients as the
 * convolution, but it never reaches oneDNN's 1×1 convolution planner, which kills the JVM with
 * SIGFPE for some shapes (seen with Mask R-CNN's per-RoI maps on these machines); the number of RoIs
 * changes from call to call, so no shape can be ruled out in advance.
 */
public final class PointwiseConv extends TorchBlock {
  private final int inChannels;
  private final int outChannels;
  private final Parameter weight;
  private final Parameter bias;

  public PointwiseConv(int inChannels, int outChannels, Initializer weightInit, Initializer biasInit) {
    if (inChannels < 1 || outChannels < 1) {
      throw new IllegalArgumentException("invalid 1×1 conv: in=" + inChannels + ", out=" + outChannels);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(outChannels, inChannels, 1, 1), weightInit, true);
    bias = param("bias", Parameter.Type.BIAS, new Shape(outChannels), biasInit, true);
  }

  /** [K, in, H, W] → [K, out, H, W]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    Shape s = x.getShape();
    if (s.dimension() != 4 || s.get(1) != inChannels) {
      throw new IllegalArgumentException("expected [K, " + inChannels + ", H, W], got " + s);
    }
    long k = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    return applyRows(ps, x.transpose(0, 2, 3, 1).reshape(k * h * w, inChannels), training)
        .reshape(k, h, w, outChannels)
        .transpose(0, 3, 1, 2);
  }

  /** Rows of pixels [N, in] → [N, out] (the same product without the layout changes). */
  public NDArray applyRows(ParameterStore ps, NDArray rows, boolean training) {
    if (rows.getShape().dimension() != 2 || rows.getShape().get(1) != inChannels) {
      throw new IllegalArgumentException("expected [N, " + inChannels + "], got " + rows.getShape());
    }
    NDArray wt = ps.getValue(weight, rows.getDevice(), training).reshape(outChannels, inChannels);
    NDArray b = ps.getValue(bias, rows.getDevice(), training);
    return rows.matMul(wt.transpose()).add(b);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
