package io.ticketlab.model.fpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.backbone.DetectorBackbone;
import io.ticketlab.model.nn.TorchBlock;
import java.util.LinkedHashMap;

/**
 * torchvision's {@code BackboneWithFPN} as {@code resnet_fpn_backbone} builds it: {@code body}, a
 * ResNet without its classifier and with frozen batch norm returning C2..C5, and {@code fpn}, a
 * {@link FeaturePyramidNetwork} with 256 output channels. Registered under the name {@code
 * backbone} of a detector, its parameters are {@code backbone.body.*} and {@code backbone.fpn.*}.
 */
public final class BackboneWithFPN extends TorchBlock implements DetectorBackbone {
  /** torchvision's FPN width. */
  public static final int OUT_CHANNELS = 256;

  private final ResNet body;
  private final FeaturePyramidNetwork fpn;
  private int trainableLayers = 5;

  /** A body with {@code config} (its classifier must be off) and an FPN of {@code outChannels}. */
  public BackboneWithFPN(ResNetConfig config, int outChannels) {
    if (config.numClasses() != 0) {
      throw new IllegalArgumentException(
          "An FPN backbone's ResNet has no classifier, got numClasses = " + config.numClasses());
    }
    body = child("body", new ResNet(config));
    fpn = child("fpn", new FeaturePyramidNetwork(body.featureChannels(), outChannels));
  }

  /**
   * torchvision's {@code resnet_fpn_backbone(depth, trainable_layers=trainableLayers)}: frozen
   * batch norm, the last {@code trainableLayers} (0..5) of layer4, layer3, layer2, layer1, conv1
   * trainable, the rest frozen. Freeze after initialising or loading the weights.
   */
  public static BackboneWithFPN resnet(int depth, int trainableLayers) {
    if (trainableLayers < 0 || trainableLayers > 5) {
      throw new IllegalArgumentException("Trainable backbone layers must be 0..5, got " + trainableLayers);
    }
    BackboneWithFPN b = new BackboneWithFPN(ResNetConfig.detectionBackbone(depth, 1.0), OUT_CHANNELS);
    b.trainableLayers = trainableLayers;
    return b;
  }

  /**
   * torchvision's {@code resnet_fpn_backbone(depth, trainable_layers, norm_layer)} with every
   * ResNet width times {@code widthMultiplier} (1.0 is torchvision's; smaller widths for tests and
   * the demo) and FrozenBatchNorm2d or BatchNorm2d.
   */
  public static BackboneWithFPN resnet(
      int depth, double widthMultiplier, boolean frozenBatchNorm, int outChannels, int trainableLayers) {
    if (trainableLayers < 0 || trainableLayers > 5) {
      throw new IllegalArgumentException("Trainable backbone layers must be 0..5, got " + trainableLayers);
    }
    BackboneWithFPN b =
        new BackboneWithFPN(new ResNetConfig(depth, widthMultiplier, 0, frozenBatchNorm, 3), outChannels);
    b.trainableLayers = trainableLayers;
    return b;
  }

  @Override
  public LinkedHashMap<String, NDArray> features(ParameterStore ps, NDArray images, boolean training) {
    NDList maps = apply(ps, images, training);
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    for (int i = 0; i < maps.size(); i++) {
      out.put(FeaturePyramidNetwork.OUTPUT_NAMES.get(i), maps.get(i));
    }
    return out;
  }

  @Override
  public void applyFreezing() {
    applyTrainableLayers();
  }

  /** Freezes what torchvision's {@code trainable_layers} leaves frozen (none for 5). */
  public void applyTrainableLayers() {
    if (trainableLayers < 5) {
      body.freezeUpTo(4 - trainableLayers);
    }
  }

  public ResNet body() {
    return body;
  }

  public FeaturePyramidNetwork fpn() {
    return fpn;
  }

  @Override
  public int outChannels() {
    return fpn.outChannels();
  }

  /** Pyramid levels '0', '1', '2', '3', 'pool' ({@link FeaturePyramidNetwork#OUTPUT_NAMES}). */
  public NDList apply(ParameterStore ps, NDArray images, boolean training) {
    return fpn.apply(ps, body.features(ps, images, training), training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return apply(ps, inputs.singletonOrThrow(), training);
  }
}
