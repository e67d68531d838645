package io.ticketlab.model.roi.keypoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.ticketlab.engine.Convolutions;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.TorchBlock;

/**
 * PyTorch's {@code nn.ConvTranspose2d} (square kernel, equal stride and padding, no output
 * padding, groups 1), which the engine lacks, from ordinary convolutions: by output phases where
 * the kernel is a multiple of the stride ({@link #byPhases}: Keypoint R-CNN's 4×4, stride 2), else
 * by zero-interleaving the input ({@link #interleaved}). Exact and differentiable. Parameters keep PyTorch's
 * layout: {@code weight} [C_in, C_out, k, k], {@code bias} [C_out]. Output side {@code (H − 1) ·
 * stride − 2 · padding + kernel}.
 */
public final class TransposedConvolution extends TorchBlock {
  private final int kernel;
  private final int stride;
  private final int padding;
  private final Parameter weight;
  private final Parameter bias;

  public TransposedConvolution(
      int in, int out, int kernel, int stride, int padding, Initializer weightInit, Initializer biasInit) {
    if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0 || padding > kernel - 1) {
      throw new IllegalArgumentException(
          "invalid transposed convolution: in " + in + ", out " + out + ", kernel " + kernel + ", stride "
              + stride + ", padding " + padding);
    }
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    weight = param("weight", Parameter.Type.WEIGHT, new Shape(in, out, kernel, kernel), weightInit, true);
    bias = param("bias", Parameter.Type.BIAS, new Shape(out), biasInit, true);
  }

  /** [N, C_in, H, W] → [N, C_out, H', W']. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    long outHeight = (x.getShape().get(2) - 1) * stride - 2L * padding + kernel;
    long outWidth = (x.getShape().get(3) - 1) * stride - 2L * padding + kernel;
    if (stride > 1 && kernel % stride == 0 && outHeight % stride == 0 && outWidth % stride == 0) {
      return byPhases(x, w, b, kernel, stride, padding);
    }
    return interleaved(x, w, b, kernel, stride, padding);
  }

  /**
   * The transposed convolution as {@code stride²} ordinary ones, one per output phase: output row
   * {@code s·m + a} gathers the input rows {@code m + q − t} through kernel rows {@code u0 + s·t}
   * ({@code u0 = (a + p) mod s}, {@code q = ⌊(a + p) / s⌋}, {@code t < k / s}), which is a
   * stride-1 correlation of the input with the kernel rows {@code u0, u0 + s, …} flipped, padded by
   * {@code k / s − 1} and read from row {@code q}. The phases are then interleaved. The same sums
   * as {@link #interleaved} without the zeros: a quarter of its multiplications at stride 2.
   * Needs {@code k} a multiple of {@code s} (every phase has {@code k / s} taps, a square kernel)
   * and an output side that is a multiple of {@code s} on both axes (every phase as large).
   */
  static NDArray byPhases(NDArray x, NDArray w, NDArray b, int kernel, int stride, int padding) {
    long n = x.getShape().get(0);
    long outSide = (x.getShape().get(2) - 1) * stride - 2L * padding + kernel;
    long outSideW = (x.getShape().get(3) - 1) * stride - 2L * padding + kernel;
    long m = outSide / stride;
    long mw = outSideW / stride;
    int taps = kernel / stride;
    NDArray wt = w.transpose(1, 0, 2, 3); // [C_out, C_in, k, k]
    long cOut = wt.getShape().get(0);
    NDList rows = new NDList(stride);
    for (int a = 0; a < stride; a++) {
      int u0 = (a + padding) % stride;
      int qa = (a + padding) / stride;
      NDList columns = new NDList(stride);
      for (int c = 0; c < stride; c++) {
        int v0 = (c + padding) % stride;
        int qc = (c + padding) / stride;
        NDArray k = wt.get(":, :, " + u0 + "::" + stride + ", " + v0 + "::" + stride).flip(2, 3);
        NDArray y = Convolutions.conv2d(x, k, b, 1, taps - 1, 1, 1);
        columns.add(y.get(":, :, " + qa + ":" + (qa + m) + ", " + qc + ":" + (qc + mw)));
      }
      // [N, C, M, MW, s] → [N, C, M, MW·s]: column s·j + c from phase c
      rows.add(NDArrays.stack(columns, 4).reshape(n, cOut, m, mw * stride));
    }
    // [N, C, M, s, MW·s] → [N, C, M·s, MW·s]: row s·i + a from phase a
    return NDArrays.stack(rows, 3).reshape(n, cOut, m * stride, mw * stride);
  }

  /**
   * The transposed convolution by zero-interleaving the input ({@code stride − 1} zeros between
   * pixels), padding it by {@code kernel − 1 − padding} and convolving with the flipped kernel:
   * any square kernel, stride and padding.
   */
  static NDArray interleaved(NDArray x, NDArray weight, NDArray b, int kernel, int stride, int padding) {
    NDArray w = weight.transpose(1, 0, 2, 3).flip(2, 3);
    NDArray input = x;
    if (stride > 1) {
      long n = x.getShape().get(0);
      long c = x.getShape().get(1);
      long h = x.getShape().get(2);
      long wd = x.getShape().get(3);
      NDArray zeros = x.zerosLike();
      NDList columns = new NDList(x);
      for (int s = 1; s < stride; s++) {
        columns.add(zeros);
      }
      // [N, C, H, W, s] → [N, C, H, W·s], keep the first (W − 1)·s + 1 columns
      NDArray wide = NDArrays.stack(columns, 4).reshape(n, c, h, wd * stride)
          .get(":, :, :, :" + ((wd - 1) * stride + 1));
      NDList rows = new NDList(wide);
      NDArray zeroRows = wide.zerosLike();
      for (int s = 1; s < stride; s++) {
        rows.add(zeroRows);
      }
      long wOut = (wd - 1) * stride + 1;
      input = NDArrays.stack(rows, 3).reshape(n, c, h * stride, wOut).get(":, :, :" + ((h - 1) * stride + 1) + ", :");
    }
    int pad = kernel - 1 - padding;
    return Convolutions.conv2d(input, w, b, 1, pad, 1, 1);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
