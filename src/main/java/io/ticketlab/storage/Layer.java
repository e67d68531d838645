package io.ticketlab.storage;

/**
 * One layer whose multiply-accumulates are counted: a convolution, a transposed convolution or a
 * linear layer, with the parameter name of its weight (torchvision's, e.g. {@code
 * layer1.0.conv1.weight}), the spatial size of its input and how many times it runs per image
 * ({@code instances}: 1 for backbone layers, the number of RoIs for the RoI heads). Kernels,
 * strides, paddings and dilations are square.
 *
 * <p>Weight layouts follow PyTorch: convolution {@code [out, in/groups, k, k]}, transposed
 * convolution {@code [in, out/groups, k, k]}, linear {@code [out, in]}.
 *
 * @param group the module group the layer belongs to, e.g. {@code "layer3"} or {@code "rpn"}
 */
public record Layer(
    String weightName,
    Kind kind,
    String group,
    int inChannels,
    int outChannels,
    int kernel,
    int stride,
    int padding,
    int dilation,
    int groups,
    int inputHeight,
    int inputWidth,
    long instances) {

  /** What the layer computes. */
  public enum Kind {
    CONV,
    CONV_TRANSPOSE,
    LINEAR
  }

  public Layer {
    if (kind == null || weightName == null || group == null) {
      throw new IllegalArgumentException("layer kind, weight name and group are required");
    }
    if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0
        || dilation <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0
        || inputHeight <= 0 || inputWidth <= 0 || instances < 0) {
      throw new IllegalArgumentException("bad layer " + weightName + ": in=" + inChannels + " out=" + outChannels
          + " k=" + kernel + " s=" + stride + " p=" + padding + " d=" + dilation + " g=" + groups
          + " input=" + inputHeight + "x" + inputWidth + " instances=" + instances);
    }
    if (outputSize(kind, inputHeight, kernel, stride, padding, dilation) <= 0
        || outputSize(kind, inputWidth, kernel, stride, padding, dilation) <= 0) {
      throw new IllegalArgumentException("layer " + weightName + ": input " + inputHeight + "x" + inputWidth
          + " too small for kernel " + kernel);
    }
  }

  /** A convolution. */
  public static Layer conv(String weightName, String group, int in, int out, int kernel, int stride, int padding,
      int dilation, int groups, int inputHeight, int inputWidth, long instances) {
    return new Layer(weightName, Kind.CONV, group, in, out, kernel, stride, padding, dilation, groups,
        inputHeight, inputWidth, instances);
  }

  /** A transposed convolution (no output padding). */
  public static Layer convTranspose(String weightName, String group, int in, int out, int kernel, int stride,
      int padding, int inputHeight, int inputWidth, long instances) {
    return new Layer(weightName, Kind.CONV_TRANSPOSE, group, in, out, kernel, stride, padding, 1, 1,
        inputHeight, inputWidth, instances);
  }

  /** A linear layer applied to {@code instances} rows. */
  public static Layer linear(String weightName, String group, int in, int out, long instances) {
    return new Layer(weightName, Kind.LINEAR, group, in, out, 1, 1, 0, 1, 1, 1, 1, instances);
  }

  private static int outputSize(Kind kind, int input, int kernel, int stride, int padding, int dilation) {
    return switch (kind) {
      case CONV -> Math.floorDiv(input + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
      case CONV_TRANSPOSE -> (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1;
      case LINEAR -> 1;
    };
  }

  /** Output height. */
  public int outputHeight() {
    return outputSize(kind, inputHeight, kernel, stride, padding, dilation);
  }

  /** Output width. */
  public int outputWidth() {
    return outputSize(kind, inputWidth, kernel, stride, padding, dilation);
  }

  /** The shape of the weight tensor. */
  public int[] weightShape() {
    return switch (kind) {
      case CONV -> new int[] {outChannels, inChannels / groups, kernel, kernel};
      case CONV_TRANSPOSE -> new int[] {inChannels, outChannels / groups, kernel, kernel};
      case LINEAR -> new int[] {outChannels, inChannels};
    };
  }

  /** Number of weights. */
  public long weightCount() {
    long n = 1;
    for (int d : weightShape()) {
      n *= d;
    }
    return n;
  }

  /**
   * How many times each weight is used per image: the output positions of a convolution, the
   * input positions of a transposed convolution (each input pixel scatters through the whole
   * kernel), one per row of a linear layer; times {@code instances}.
   */
  public long usesPerWeight() {
    long positions = switch (kind) {
      case CONV -> (long) outputHeight() * outputWidth();
      case CONV_TRANSPOSE -> (long) inputHeight * inputWidth;
      case LINEAR -> 1;
    };
    return positions * instances;
  }

  /** Dense multiply-accumulates per image: weights × uses per weight. */
  public long denseMacs() {
    return weightCount() * usesPerWeight();
  }
}
