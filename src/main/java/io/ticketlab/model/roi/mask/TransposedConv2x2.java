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
 * PyTorch's {@code nn.ConvTranspose2d(in, out, kernel_size=2, stride=2, padding=0)}, which doubles
 * the spatial size: {@code y[k, o, 2h+i, 2w+j] = b[o] + Σ_c x[k, c, h, w] · W[c, o, i, j]}. The
 * engine has no transposed convolution, so it is computed exactly, and differentiably, as a matrix
 * product to {@code 4·out} values per input pixel followed by depth-to-space (reshape and
 * transpose). Not a 1×1 convolution: oneDNN's 1×1 planner kills the JVM with SIGFPE on some shapes.
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
    return toImage(applyRows(ps, x, training), s.get(0), s.get(2), s.get(3), outChannels);
  }

  /**
   * The same transposed convolution in a channels-last layout: [K, in, H, W] → rows
   * {@code [K·H·W·2·2, out]}, row {@code ((k·H + h)·W + w)·4 + 2i + j} holding output pixel
   * {@code (2h+i, 2w+j)} of RoI k. A following per-pixel op (ReLU, a 1×1 projection) can run on
   * these rows and leave the depth-to-space permutation ({@link #toImage}) to its result.
   */
  public NDArray applyRows(ParameterStore ps, NDArray x, boolean training) {
    Shape s = x.getShape();
    if (s.dimension() != 4 || s.get(1) != inChannels) {
      throw new IllegalArgumentException("expected [K, " + inChannels + ", H, W], got " + s);
    }
    long pixels = s.get(0) * s.get(2) * s.get(3);
    NDArray wt = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    // a matrix product rather than a 1×1 convolution, which oneDNN's planner can kill with SIGFPE;
    // W [in, out, 2, 2] → [in, (i, j, out)]: columns ordered by kernel cell, then channel
    NDArray cells = wt.transpose(0, 2, 3, 1).reshape(inChannels, 4L * outChannels);
    return x.transpose(0, 2, 3, 1)
        .reshape(pixels, inChannels)
        .matMul(cells)
        .reshape(pixels * 4, outChannels)
        .add(b);
  }

  /**
   * Depth-to-space of rows in {@link #applyRows}'s order with {@code channels} values each:
   * [K·H·W·2·2, channels] → [K, channels, 2H, 2W].
   */
  public static NDArray toImage(NDArray rows, long k, long h, long w, long channels) {
    return rows.reshape(k, h, w, 2, 2, channels)
        .transpose(0, 5, 1, 3, 2, 4)
        .reshape(k, channels, 2 * h, 2 * w);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
