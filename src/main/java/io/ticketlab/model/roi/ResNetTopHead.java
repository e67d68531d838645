package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.nn.TorchBlock;

/**
 * The box head of the paper's C4 Faster R-CNN (jwyang/faster-rcnn.pytorch's {@code RCNN_top} +
 * {@code _head_to_tail}): ResNet's layer4 on the pooled 7×7 RoI features (stride 2, so 4×4 out),
 * then the mean over the spatial positions, giving {@code 512·width·expansion} features per RoI (512
 * for ResNet-18, 2048 for ResNet-50). This is the paper's Table 3 "Top" module group.
 *
 * <p>Child {@code layer4} holds torchvision's ResNet names, so registered as {@code
 * roi_heads.box_head} the parameters are {@code roi_heads.box_head.layer4.<block>.conv<k>.weight},
 * {@code ...bn<k>.*} and {@code ...layer4.0.downsample.{0,1}.*}: the pattern {@code
 * roi_heads\.box_head\.layer4\.\d+\.conv\d+\.weight} selects the Top convs, and an ImageNet
 * checkpoint's {@code layer4.*} loads under the prefix {@code roi_heads.box_head.}. The 1×1 stride-2
 * downsample goes through {@link io.ticketlab.model.nn.ConvLayer}'s subsampling (no 1×1 stride-2
 * engine convolution, whose backward can SIGFPE).
 */
public final class ResNetTopHead extends TorchBlock implements BoxHead {
  private final ResNet.Stage layer4;
  private final int representationSize;

  /** layer4 of a ResNet of {@code config} (its batch norm frozen as the config says). */
  public ResNetTopHead(ResNetConfig config) {
    layer4 = child("layer4", ResNet.stage(config, 3));
    representationSize = config.planes(3) * config.expansion();
  }

  /** The channels layer4 expects (layer3's output). */
  public static int inChannels(ResNetConfig config) {
    return config.planes(2) * config.expansion();
  }

  @Override
  public int representationSize() {
    return representationSize;
  }

  /** Pooled RoIs [K, C4 channels, h, w] → [K, representationSize]. */
  @Override
  public NDArray apply(ParameterStore ps, NDArray pooled, boolean training) {
    NDArray y = layer4.apply(ps, pooled, training);
    NDArray avg = Pool.globalAvgPool2d(y);
    return avg.getShape().dimension() > 2 ? avg.reshape(avg.getShape().get(0), -1) : avg;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }
}
