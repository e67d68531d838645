package io.ticketlab.model.fpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.TorchBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's {@code FeaturePyramidNetwork} with {@code LastLevelMaxPool}: a lateral 1×1
 * convolution per input level ({@code inner_blocks.{i}.0}), a top-down path adding the coarser
 * level upsampled by nearest neighbour to the lateral's size, a 3×3 output convolution per level
 * ({@code layer_blocks.{i}.0}; 0.14 wraps each conv in a {@code Conv2dNormActivation}, hence the
 * {@code .0}), and a {@code pool} level subsampled ×2 from the coarsest output. Weights start as
 * torchvision's ({@code kaiming_uniform_(a=1)}, zero bias).
 */
public final class FeaturePyramidNetwork extends TorchBlock {
  /** Names of the outputs for four input levels, as torchvision's ordered dict. */
  public static final List<String> OUTPUT_NAMES = List.of("0", "1", "2", "3", "pool");

  private final int outChannels;
  private final List<ConvLayer> inner = new ArrayList<>();
  private final List<ConvLayer> layer = new ArrayList<>();

  /**
   * @param inChannels channels of each input level, finest first
   * @param outChannels channels of every output level (256 in torchvision)
   */
  public FeaturePyramidNetwork(int[] inChannels, int outChannels) {
    this.outChannels = outChannels;
    Blocks innerBlocks = child("inner_blocks", new Blocks());
    Blocks layerBlocks = child("layer_blocks", new Blocks());
    for (int i = 0; i < inChannels.length; i++) {
      Blocks innerWrap = innerBlocks.add(Integer.toString(i), new Blocks());
      inner.add(innerWrap.add("0", conv(inChannels[i], outChannels, 1, 0)));
      Blocks layerWrap = layerBlocks.add(Integer.toString(i), new Blocks());
      layer.add(layerWrap.add("0", conv(outChannels, outChannels, 3, 1)));
    }
  }

  private static ConvLayer conv(int in, int out, int k, int padding) {
    long fanIn = (long) in * k * k;
    float bound = (float) Math.sqrt(3.0 / fanIn);
    Initializer uniform =
        (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    return ConvLayer.builder(in, out, k)
        .padding(padding)
        .weightInit(uniform)
        .biasInit(Init.constant(0f))
        .build();
  }

  public int outChannels() {
    return outChannels;
  }

  /**
   * The pyramid of {@code features} (finest first, e.g. C2..C5): one output per input level, then
   * the {@code pool} level.
   */
  public NDList apply(ParameterStore ps, NDList features, boolean training) {
    int n = inner.size();
    if (features.size() != n) {
      throw new IllegalArgumentException("FPN built for " + n + " levels, got " + features.size());
    }
    NDArray[] results = new NDArray[n + 1];
    NDArray last = inner.get(n - 1).apply(ps, features.get(n - 1), training);
    results[n - 1] = layer.get(n - 1).apply(ps, last, training);
    for (int i = n - 2; i >= 0; i--) {
      NDArray lateral = inner.get(i).apply(ps, features.get(i), training);
      Shape s = lateral.getShape();
      last = lateral.add(resizeNearest(last, s.get(2), s.get(3)));
      results[i] = layer.get(i).apply(ps, last, training);
    }
    results[n] = results[n - 1].get(":, :, ::2, ::2");
    return new NDList(results);
  }

  /**
   * {@code F.interpolate(x, size=(h, w), mode="nearest")}: source index {@code floor(dst * in /
   * out)} in float32, clamped; an exact ×2 is an element repeat.
   */
  public static NDArray resizeNearest(NDArray x, long h, long w) {
    long inH = x.getShape().get(2);
    long inW = x.getShape().get(3);
    if (h == 2 * inH && w == 2 * inW) {
      return x.repeat(2, 2).repeat(3, 2);
    }
    NDArray rows = x.getManager().create(sourceIndices(inH, h));
    NDArray cols = x.getManager().create(sourceIndices(inW, w));
    return x.get(new NDIndex(":, :, {}", rows)).get(new NDIndex(":, :, :, {}", cols));
  }

  private static long[] sourceIndices(long in, long out) {
    float scale = (float) in / out;
    long[] idx = new long[(int) out];
    for (int i = 0; i < out; i++) {
      idx[i] = Math.min((long) Math.floor(i * scale), in - 1);
    }
    return idx;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return apply(ps, inputs, training);
  }

  /** A module list / sequential of named children (PyTorch's {@code nn.ModuleList}). */
  static final class Blocks extends TorchBlock {
    <B extends TorchBlock> B add(String name, B block) {
      return child(name, block);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("A container of named modules");
    }
  }

}
