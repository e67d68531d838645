package io.ticketlab.model.detector;

import io.ticketlab.model.backbone.DetectorBackbone;

import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.detector.transform.GeneralizedRcnnTransform;
import io.ticketlab.model.fpn.BackboneWithFPN;
import io.ticketlab.model.roi.BoxHead;
import io.ticketlab.model.roi.FastRcnnPredictor;
import io.ticketlab.model.roi.InstanceBranch;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import io.ticketlab.model.roi.ResNetTopHead;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.model.roi.TwoMlpHead;
import io.ticketlab.model.roi.keypoint.KeypointBranch;
import io.ticketlab.model.roi.mask.MaskBranch;
import io.ticketlab.model.rpn.AnchorGenerator;
import io.ticketlab.model.rpn.RPNHead;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the detectors of a {@link DetectorSpec} with torchvision's module names.
 *
 * <p>{@link DetectorSpec.Variant#FPN}: torchvision's ResNet-FPN models. {@link
 * DetectorSpec.Variant#C4}: the paper's VOC Faster R-CNN (jwyang/faster-rcnn.pytorch style):
 * {@link C4Base} (stem..layer3, map '0' at stride 16) as {@code backbone}; an RPN on it with 9
 * anchors per location ({@link AnchorGenerator#c4Default()}) and a shared conv of {@code 512·width}
 * channels; RoIAlign 7×7 at scale 1/16 with sampling ratio 2 ({@link #C4_SAMPLING_RATIO}; the paper
 * code's 0 = adaptive would gather up to ⌈RoI/7/16⌉² samples a bin, padded to the largest RoI,
 * which is too costly for the gather-based RoIAlign); {@link
 * ResNetTopHead} (layer4 + average pool) as {@code roi_heads.box_head}; a {@link FastRcnnPredictor}.
 */
public final class Detectors {
  /** The paper code's RPN conv width at width multiplier 1. */
  public static final int C4_RPN_CHANNELS = 512;

  /** RoIAlign samples per bin side of the C4 box pooler. */
  public static final int C4_SAMPLING_RATIO = 2;

  private Detectors() {}

  /** The (uninitialised) detector of {@code spec}, sigmoid RPN objectness; call {@code initialize} before use. */
  public static GeneralizedRcnn build(DetectorSpec spec) {
    return build(spec, RPNHead.Objectness.SIGMOID);
  }

  /**
   * The (uninitialised) detector of {@code spec} whose RPN scores anchors with {@code objectness}
   * ({@link RPNHead.Objectness#SOFTMAX} is the paper VOC code's 2-way softmax).
   */
  public static GeneralizedRcnn build(DetectorSpec spec, RPNHead.Objectness objectness) {
    GeneralizedRcnnTransform transform =
        new GeneralizedRcnnTransform(
            spec.minSizes(), spec.maxSize(), GeneralizedRcnnTransform.IMAGENET_MEAN,
            GeneralizedRcnnTransform.IMAGENET_STD, 32);
    Parts parts = spec.variant() == DetectorSpec.Variant.C4 ? c4(spec, objectness) : fpn(spec, objectness);
    MultiScaleRoiAlign pool = parts.pool();
    BoxHead boxHead = parts.boxHead();
    FastRcnnPredictor predictor = new FastRcnnPredictor(boxHead.representationSize(), spec.numClasses());
    RoiHeads.Settings settings =
        RoiHeads.Settings.defaults()
            .withScoreThreshold(spec.boxScoreThreshold())
            .withDetectionsPerImage(spec.detectionsPerImage())
            .withSamplesPerImage(spec.roiSamplesPerImage());
    List<InstanceBranch> branches = new ArrayList<>();
    switch (spec.task()) {
      case DETECTION:
        break;
      case SEGMENTATION:
        branches.add(maskBranch(spec));
        break;
      case KEYPOINTS:
        branches.add(keypointBranch(spec));
        break;
      default:
        throw new IllegalArgumentException("unknown task " + spec.task());
    }
    return new GeneralizedRcnn(transform, parts.backbone(), parts.rpn(), new RoiHeads(pool, boxHead, predictor, settings, branches));
  }

  /** The variant-specific modules. */
  private record Parts(DetectorBackbone backbone, RegionProposalNetwork rpn, MultiScaleRoiAlign pool, BoxHead boxHead) {}

  /** torchvision's ResNet-FPN backbone, 5-level RPN, 7×7 pooler on '0'..'3' and TwoMLPHead. */
  private static Parts fpn(DetectorSpec spec, RPNHead.Objectness objectness) {
    BackboneWithFPN backbone =
        BackboneWithFPN.resnet(
            spec.depth(), spec.widthMultiplier(), spec.frozenBatchNorm(), spec.fpnChannels(), spec.trainableLayers());
    AnchorGenerator anchors = AnchorGenerator.fpnDefault();
    RegionProposalNetwork rpn =
        new RegionProposalNetwork(
            new RPNHead(spec.fpnChannels(), spec.fpnChannels(), anchors.numAnchorsPerLocation(0), objectness),
            anchors, RegionProposalNetwork.Settings.fasterRcnnDefaults());
    MultiScaleRoiAlign pool = MultiScaleRoiAlign.boxHead();
    TwoMlpHead boxHead =
        new TwoMlpHead(spec.fpnChannels() * pool.outputHeight() * pool.outputWidth(), spec.representationSize());
    return new Parts(backbone, rpn, pool, boxHead);
  }

  /** The paper's C4 model: stem..layer3 base, single-level RPN, 7×7 RoIAlign at 1/16, layer4 box head. */
  private static Parts c4(DetectorSpec spec, RPNHead.Objectness objectness) {
    if (spec.task() != DetectorSpec.Task.DETECTION) {
      throw new IllegalArgumentException("the C4 variant is a detector only, got task " + spec.task().cliName());
    }
    ResNetConfig config = new ResNetConfig(spec.depth(), spec.widthMultiplier(), 0, spec.frozenBatchNorm(), 3);
    C4Base backbone = new C4Base(config, spec.trainableLayers());
    AnchorGenerator anchors = AnchorGenerator.c4Default();
    int hidden = Math.max(1, (int) Math.round(C4_RPN_CHANNELS * spec.widthMultiplier()));
    RegionProposalNetwork rpn =
        new RegionProposalNetwork(
            new RPNHead(backbone.outChannels(), hidden, anchors.numAnchorsPerLocation(0), objectness),
            anchors, RegionProposalNetwork.Settings.fasterRcnnDefaults());
    MultiScaleRoiAlign pool = MultiScaleRoiAlign.singleLevel(C4Base.FEATURE_NAME, 7, C4_SAMPLING_RATIO, 1.0 / C4Base.STRIDE);
    return new Parts(backbone, rpn, pool, new ResNetTopHead(config));
  }

  /**
   * Mask R-CNN's mask branch: torchvision's four 256-channel layers when {@code fpnChannels} is
   * torchvision's 256; narrower models scale the mask head with their FPN.
   */
  private static MaskBranch maskBranch(DetectorSpec spec) {
    return MaskBranch.of(spec.fpnChannels(), spec.fpnChannels(), spec.numClasses());
  }

  /**
   * Keypoint R-CNN's branch: 14×14 pooling and eight convolutions of twice the FPN's width — 512
   * as in torchvision for its 256-channel FPN; narrower models scale the head with their FPN (its
   * eight 512-channel layers on every positive RoI are most of a small model's step).
   */
  private static InstanceBranch keypointBranch(DetectorSpec spec) {
    return KeypointBranch.of(spec.fpnChannels(), 2 * spec.fpnChannels(), spec.numKeypoints());
  }
}
