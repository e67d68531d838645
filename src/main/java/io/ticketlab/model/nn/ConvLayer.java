package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.engine.Convolutions;

/**
 * PyTorch's {@code nn.Conv2d}: parameters {@code weight} [out, in/groups, k, k] and optional
 * {@code bias} [out].
 *
 * <p>A 1×1 convolution with stride s > 1 and no padding is computed as a stride-1 convolution of
 * the input subsampled with {@code x[:, :, ::s, ::s]}: the same values and gradients, less work,
 * and it avoids the oneDNN fault that kills the JVM with SIGFPE in the backward pass of 1×1
 * stride-2 convolutions with ≥512 input channels on some machines ({@code ticketlab doctor}
 * reports whether this machine has it).
 */
public final class ConvLayer extends TorchBlock {
  private final int inChannels;
  private final int outChannels;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final int dilation;
  private final int groups;
  private final Parameter weight;
  private final Parameter bias;

  private ConvLayer(Builder b) {
    this.inChannels = b.in;
    this.outChannels = b.out;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding;
    this.dilation = b.dilation;
    this.groups = b.groups;
    long fanIn = (long) (in() / groups) * kernel * kernel;
    Initializer wInit = b.weightInit != null ? b.weightInit : Init.uniformFanIn(fanIn);
    this.weight =
        param(
            "weight",
            Parameter.Type.WEIGHT,
            new Shape(outChannels, inChannels / groups, kernel, kernel),
            wInit,
            true);
    this.bias =
        b.bias
            ? param(
                "bias",
                Parameter.Type.BIAS,
                new Shape(outChannels),
                b.biasInit != null ? b.biasInit : Init.uniformFanIn(fanIn),
                true)
            : null;
  }

  private int in() {
    return inChannels;
  }

  /** A builder: {@code ConvLayer.builder(in, out, kernel).stride(2).padding(1).noBias().build()}. */
  public static Builder builder(int in, int out, int kernel) {
    return new Builder(in, out, kernel);
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public int kernel() {
    return kernel;
  }

  public int stride() {
    return stride;
  }

  public int padding() {
    return padding;
  }

  public Parameter weight() {
    return weight;
  }

  /** The convolution of {@code x} [N, C, H, W]. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
    int s = stride;
    NDArray input = x;
    if (kernel == 1 && stride > 1 && padding == 0) {
      input = x.get(":, :, ::" + stride + ", ::" + stride);
      s = 1;
    }
    return Convolutions.conv2d(input, w, b, s, padding, dilation, groups);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long h = (in.get(2) + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
    long w = (in.get(3) + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
    return new Shape[] {new Shape(in.get(0), outChannels, h, w)};
  }

  /** Options of a {@link ConvLayer}. */
  public static final class Builder {
    private final int in;
    private final int out;
    private final int kernel;
    private int stride = 1;
    private int padding;
    private int dilation = 1;
    private int groups = 1;
    private boolean bias = true;
    private Initializer weightInit;
    private Initializer biasInit;

    private Builder(int in, int out, int kernel) {
      if (in < 1 || out < 1 || kernel < 1) {
        throw new IllegalArgumentException(
            "Invalid conv: in=" + in + ", out=" + out + ", kernel=" + kernel);
      }
      this.in = in;
      this.out = out;
      this.kernel = kernel;
    }

    public Builder stride(int s) {
      this.stride = s;
      return this;
    }

    public Builder padding(int p) {
      this.padding = p;
      return this;
    }

    public Builder dilation(int d) {
      this.dilation = d;
      return this;
    }

    public Builder groups(int g) {
      this.groups = g;
      return this;
    }

    public Builder noBias() {
      this.bias = false;
      return this;
    }

    public Builder weightInit(Initializer init) {
      this.weightInit = init;
      return this;
    }

    public Builder biasInit(Initializer init) {
      this.biasInit = init;
      return this;
    }

    public ConvLayer build() {
      if (in % groups != 0 || out % groups != 0) {
        throw new IllegalArgumentException(
            "Channels " + in + "->" + out + " not divisible by groups " + groups);
      }
      return new ConvLayer(this);
    }
  }
}
