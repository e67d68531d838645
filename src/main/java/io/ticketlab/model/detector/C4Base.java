package io.ticketlab.model.detector;

import io.ticketlab.model.backbone.DetectorBackbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.nn.TorchBlock;
import java.util.LinkedHashMap;

/**
 * The "base" of the paper's C4 Faster R-CNN (VOC; jwyang/faster-rcnn.pytorch's {@code RCNN_base}):
 * a ResNet's stem and layer1..layer3 with frozen batch norm, one feature map {@code '0'} (C4) at
 * stride 16 with {@code 256·width·expansion} channels (256 for ResNet-18, 1024 for ResNet-50).
 * Registered as {@code backbone}, its parameters are {@code backbone.body.conv1.*}, {@code
 * backbone.body.bn1.*} and {@code backbone.body.layer1..3.*} (torchvision's ResNet names, so an
 * ImageNet checkpoint's stem and first three stages load by prefix). ResNet's layer4 is the box head
 * ({@link io.ticketlab.model.roi.ResNetTopHead}).
 */
public final class C4Base extends TorchBlock implements DetectorBackbone {
  /** The name of the single feature map. */
  public static final String FEATURE_NAME = "0";

  /** The stride of C4 relative to the input image. */
  public static final int STRIDE = 16;

  private final ResNet body;
  private final int trainableLayers;

  /**
   * @param config the ResNet (no classifier; frozen batch norm for the paper's detector)
   * @param trainableLayers torchvision's count of trainable stages from layer4 down (0..5): the stem
   *     and the first {@code 4 − trainableLayers} stages of the base are frozen by {@link
   *     #applyFreezing()}; layer4 lives in the box head and is not frozen here
   */
  public C4Base(ResNetConfig config, int trainableLayers) {
    if (config.numClasses() != 0) {
      throw new IllegalArgumentException(
          "A C4 base has no classifier, got numClasses = " + config.numClasses());
    }
    if (trainableLayers < 0 || trainableLayers > 5) {
      throw new IllegalArgumentException("Trainable backbone layers must be 0..5, got " + trainableLayers);
    }
    this.trainableLayers = trainableLayers;
    body = child("body", new ResNet(config, 3));
  }

  public ResNet body() {
    return body;
  }

  @Override
  public LinkedHashMap<String, NDArray> features(ParameterStore ps, NDArray images, boolean training) {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    out.put(FEATURE_NAME, apply(ps, images, training));
    return out;
  }

  /** C4 [N, outChannels, ⌈H/16⌉, ⌈W/16⌉] of images [N, 3, H, W]. */
  public NDArray apply(ParameterStore ps, NDArray images, boolean training) {
    return body.features(ps, images, training).get(2);
  }

  @Override
  public int outChannels() {
    return body.config().planes(2) * body.config().expansion();
  }

  @Override
  public void applyFreezing() {
    if (trainableLayers < 5) {
      body.freezeUpTo(Math.min(3, 4 - trainableLayers));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
