package io.ticketlab.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.nn.BatchNormLayer;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.Init;
import io.ticketlab.model.nn.LinearLayer;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.TorchBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's ResNet (He et al. 2016, "v1.5": the stride of a bottleneck sits on its 3×3 conv),
 * with torchvision's module names, so that {@code resnet18-f37072fd.pth} / {@code
 * resnet50-0676ba61.pth} state dicts load key for key: {@code conv1}, {@code bn1}, {@code
 * layer1..layer4} of {@link BasicBlock}s or {@link Bottleneck}s, and {@code fc}.
 *
 * <p>The paper's backbones are ResNet-18 and ResNet-50 (ImageNet classifiers, and the bodies of its
 * detectors with frozen batch norm). {@link ResNetConfig} adds a width multiplier for small test
 * and demo models; any input size works (global average pooling).
 */
public final class ResNet extends TorchBlock {
  private final ResNetConfig config;
  private final ConvLayer conv1;
  private final BatchNormLayer bn1;
  private final List<Stage> layers = new ArrayList<>();
  private final LinearLayer fc;

  public ResNet(ResNetConfig config) {
    this(config, 4);
  }

  /**
   * The stem and the first {@code stages} stages (1..4) only: {@code ResNet(config, 3)} is the
   * "base" of the paper's C4 Faster R-CNN (stem..layer3, stride 16), whose layer4 is built apart by
   * {@link #stage(ResNetConfig, int)} as the box head. Only a full ResNet may have a classifier.
   */
  public ResNet(ResNetConfig config, int stages) {
    if (stages < 1 || stages > 4) {
      throw new IllegalArgumentException("A ResNet has 1..4 stages, got " + stages);
    }
    if (stages < 4 && config.numClasses() != 0) {
      throw new IllegalArgumentException(
          "A ResNet truncated to " + stages + " stages has no classifier, got numClasses = " + config.numClasses());
    }
    this.config = config;
    boolean frozen = config.frozenBatchNorm();
    int stem = config.stemChannels();
    conv1 =
        child(
            "conv1",
            ConvLayer.builder(config.inputChannels(), stem, 7)
                .stride(2)
                .padding(3)
                .noBias()
                .weightInit(Init.kaimingNormalFanOut())
                .build());
    bn1 = child("bn1", new BatchNormLayer(stem, frozen));
    for (int i = 0; i < stages; i++) {
      layers.add(child("layer" + (i + 1), stage(config, i)));
    }
    fc =
        config.numClasses() > 0
            ? child("fc", new LinearLayer(config.planes(3) * config.expansion(), config.numClasses()))
            : null;
  }

  /**
   * Stage {@code index} (0 = {@code layer1}) of a ResNet of {@code config} on its own, taking the
   * previous stage's output channels: the blocks named 0, 1, ... (torchvision's names below {@code
   * layerN}); the first block of stages 1..3 has stride 2 and a 1×1 {@code downsample}.
   */
  public static Stage stage(ResNetConfig config, int index) {
    if (index < 0 || index > 3) {
      throw new IllegalArgumentException("ResNet stage index must be 0..3, got " + index);
    }
    boolean frozen = config.frozenBatchNorm();
    int inplanes = index == 0 ? config.stemChannels() : config.planes(index - 1) * config.expansion();
    int planes = config.planes(index);
    int stride = index == 0 ? 1 : 2;
    Stage stage = new Stage();
    for (int j = 0; j < config.blocks()[index]; j++) {
      TorchBlock block =
          config.bottleneck()
              ? new Bottleneck(inplanes, planes, j == 0 ? stride : 1, frozen)
              : new BasicBlock(inplanes, planes, j == 0 ? stride : 1, frozen);
      stage.add(Integer.toString(j), block);
      inplanes = planes * config.expansion();
    }
    return stage;
  }

  /** Number of stages built (4 unless truncated). */
  public int numStages() {
    return layers.size();
  }

  public ResNetConfig config() {
    return config;
  }

  /** Channels of the C2..C5 feature maps (outputs of layer1..layer4). */
  public int[] featureChannels() {
    int[] c = new int[4];
    for (int i = 0; i < 4; i++) {
      c[i] = config.planes(i) * config.expansion();
    }
    return c;
  }

  /**
   * Freezes the stem and the first {@code stages} stages (0..4) — detectron2's "freeze at", the
   * paper's setting is stem + stage 1 — so that their parameters get no gradient.
   */
  public void freezeUpTo(int stages) {
    if (stages < 0 || stages > 4) {
      throw new IllegalArgumentException("Invalid number of frozen stages: " + stages);
    }
    for (var e : ModelParameters.of(this).entrySet()) {
      String name = e.getKey();
      boolean inFrozen = name.startsWith("conv1.") || name.startsWith("bn1.");
      for (int i = 1; i <= stages; i++) {
        inFrozen |= name.startsWith("layer" + i + ".");
      }
      Parameter p = e.getValue();
      if (inFrozen && p.requiresGradient()) {
        p.freeze(true);
      }
    }
  }

  /** The stem: conv1, bn1, relu, 3×3 stride-2 max pool. */
  public NDArray stem(ParameterStore ps, NDArray x, boolean training) {
    NDArray y = Activation.relu(bn1.apply(ps, conv1.apply(ps, x, training), training));
    return Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
  }

  /** Runs stage {@code index} (0 = layer1) on its input. */
  public NDArray stage(int index, ParameterStore ps, NDArray x, boolean training) {
    return layers.get(index).apply(ps, x, training);
  }

  /**
   * The feature maps C2..C5 (layer1..layer4 outputs) of images {@code x} [N, 3, H, W]; a truncated
   * ResNet returns the maps of its stages only.
   */
  public NDList features(ParameterStore ps, NDArray x, boolean training) {
    NDList out = new NDList(layers.size());
    NDArray y = stem(ps, x, training);
    for (int i = 0; i < layers.size(); i++) {
      y = layers.get(i).apply(ps, y, training);
      out.add(y);
    }
    return out;
  }

  /** Class logits [N, numClasses]. */
  public NDArray logits(ParameterStore ps, NDArray x, boolean training) {
    if (fc == null) {
      throw new IllegalStateException("This ResNet has no classifier (numClasses = 0)");
    }
    NDArray c5 = features(ps, x, training).get(3);
    NDArray pooled = Pool.globalAvgPool2d(c5);
    if (pooled.getShape().dimension() > 2) {
      pooled = pooled.reshape(pooled.getShape().get(0), -1);
    }
    return fc.apply(ps, pooled, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    return fc != null ? new NDList(logits(ps, x, training)) : features(ps, x, training);
  }

  /** {@code layerN}: a sequence of residual blocks named 0, 1, 2, ... */
  public static final class Stage extends TorchBlock {
    private final List<Residual> blocks = new ArrayList<>();

    private Stage() {}

    void add(String name, TorchBlock block) {
      blocks.add((Residual) child(name, block));
    }

    /** The stage's output for input {@code x} [N, C_in, H, W]. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      NDArray y = x;
      for (Residual b : blocks) {
        y = b.apply(ps, y, training);
      }
      return y;
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
  }

  /** A residual block. */
  interface Residual {
    NDArray apply(ParameterStore ps, NDArray x, boolean training);
  }

  /** {@code downsample}: 1×1 conv (named 0) + batch norm (named 1) on the shortcut. */
  static final class Downsample extends TorchBlock {
    private final ConvLayer conv;
    private final BatchNormLayer bn;

    Downsample(int in, int out, int stride, boolean frozen) {
      conv =
          child(
              "0",
              ConvLayer.builder(in, out, 1)
                  .stride(stride)
                  .noBias()
                  .weightInit(Init.kaimingNormalFanOut())
                  .build());
      bn = child("1", new BatchNormLayer(out, frozen));
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      return bn.apply(ps, conv.apply(ps, x, training), training);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
  }

  /** Two 3×3 convolutions (ResNet-18/34). */
  static final class BasicBlock extends TorchBlock implements Residual {
    private final ConvLayer conv1;
    private final BatchNormLayer bn1;
    private final ConvLayer conv2;
    private final BatchNormLayer bn2;
    private final Downsample downsample;

    BasicBlock(int inplanes, int planes, int stride, boolean frozen) {
      conv1 = child("conv1", conv3x3(inplanes, planes, stride));
      bn1 = child("bn1", new BatchNormLayer(planes, frozen));
      conv2 = child("conv2", conv3x3(planes, planes, 1));
      bn2 = child("bn2", new BatchNormLayer(planes, frozen));
      downsample =
          stride != 1 || inplanes != planes
              ? child("downsample", new Downsample(inplanes, planes, stride, frozen))
              : null;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      NDArray out = Activation.relu(bn1.apply(ps, conv1.apply(ps, x, training), training));
      out = bn2.apply(ps, conv2.apply(ps, out, training), training);
      NDArray identity = downsample == null ? x : downsample.apply(ps, x, training);
      return Activation.relu(out.add(identity));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
  }

  /** 1×1 reduce, 3×3 (with the stride), 1×1 expand ×4 (ResNet-50/101). */
  static final class Bottleneck extends TorchBlock implements Residual {
    static final int EXPANSION = 4;
    private final ConvLayer conv1;
    private final BatchNormLayer bn1;
    private final ConvLayer conv2;
    private final BatchNormLayer bn2;
    private final ConvLayer conv3;
    private final BatchNormLayer bn3;
    private final Downsample downsample;

    Bottleneck(int inplanes, int planes, int stride, boolean frozen) {
      int out = planes * EXPANSION;
      conv1 = child("conv1", conv1x1(inplanes, planes));
      bn1 = child("bn1", new BatchNormLayer(planes, frozen));
      conv2 = child("conv2", conv3x3(planes, planes, stride));
      bn2 = child("bn2", new BatchNormLayer(planes, frozen));
      conv3 = child("conv3", conv1x1(planes, out));
      bn3 = child("bn3", new BatchNormLayer(out, frozen));
      downsample =
          stride != 1 || inplanes != out
              ? child("downsample", new Downsample(inplanes, out, stride, frozen))
              : null;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      NDArray out = Activation.relu(bn1.apply(ps, conv1.apply(ps, x, training), training));
      out = Activation.relu(bn2.apply(ps, conv2.apply(ps, out, training), training));
      out = bn3.apply(ps, conv3.apply(ps, out, training), training);
      NDArray identity = downsample == null ? x : downsample.apply(ps, x, training);
      return Activation.relu(out.add(identity));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
  }

  private static ConvLayer conv3x3(int in, int out, int stride) {
    return ConvLayer.builder(in, out, 3)
        .stride(stride)
        .padding(1)
        .noBias()
        .weightInit(Init.kaimingNormalFanOut())
        .build();
  }

  private static ConvLayer conv1x1(int in, int out) {
    return ConvLayer.builder(in, out, 1).noBias().weightInit(Init.kaimingNormalFanOut()).build();
  }
}
