package io.ticketlab.model.roi.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.TorchBlock;

/**
 * PyTorch's {@code nn.ConvTranspose2d(in, out, kernel_size=2, stride=2, padding=0)}, which doubles
 * the spatial size: {@code y[k, o, 2h+i, 2w+j] = b[o] + Σ_c x[k, c, h, w] · W[c, o, i, j]}. The
 * engine has no transposed convolution, so it is computed exactly, and differentiably, as a 1×1
 * convolution to {@code 4·out} channels followed by depth-to-space (reshape and transpose).
 * Parameters keep PyTorch's layout and names: {@code weight} [in, out, 2, 2], {@code bias} [out].
 */
public final class TransposedConv2x2 extends TorchBlock {
  private final int inChannels;
  private final int outChannels;
  private final Parameter weight;
  private final Parameter bias;

  public TransposedConv2x2(int inChannels, int outChannels, Initializer weightInit, Initializer biasInit) {
    if (inChannels < 1 || outChannels < 1) {
      throw new IllegalArgumentException("invalid transposed conv: in=" + inChannels + ", out=" + outChannels);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(inChannels, outChannels, 2, 2), weightInit, true);
    bias = param("bias", Parameter.Type.BIAS, new Shape(outChannels), biasInit, true);
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  /** [K, in, H, W] → [K, out, 2H, 2W]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    Shape s = x.getShape();
    if (s.dimension() != 4 || s.get(1) != inChannels) {
      throw new IllegalArgumentException("expected [K, " + inChannels + ", H, W], got " + s);
    }
    long k = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    NDArray wt = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    // kernel row (o, i, j) of the 1×1 convolution holds W[:, o, i, j]
    NDArray w1 = wt.transpose(1, 2, 3, 0).reshape(4L * outChannels, inChannels, 1, 1);
    NDArray y =
        Conv2d.conv2d(x, w1, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
    return y.reshape(k, outChannels, 2, 2, h, w)
        .transpose(0, 1, 4, 2, 5, 3)
        .reshape(k, outChannels, 2 * h, 2 * w)
        .add(b.reshape(1, outChannels, 1, 1));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
