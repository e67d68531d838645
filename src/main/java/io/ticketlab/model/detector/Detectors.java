package io.ticketlab.model.detector;

import io.ticketlab.model.detector.transform.GeneralizedRcnnTransform;
import io.ticketlab.model.fpn.BackboneWithFPN;
import io.ticketlab.model.roi.FastRcnnPredictor;
import io.ticketlab.model.roi.InstanceBranch;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.model.roi.TwoMlpHead;
import io.ticketlab.model.roi.mask.MaskBranch;
import io.ticketlab.model.rpn.AnchorGenerator;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import java.util.ArrayList;
import java.util.List;

/** Builds the detectors of a {@link DetectorSpec} with torchvision's module names. */
public final class Detectors {
  private Detectors() {}

  /** The (uninitialised) detector of {@code spec}; call {@code initialize} before use. */
  public static GeneralizedRcnn build(DetectorSpec spec) {
    if (spec.variant() != DetectorSpec.Variant.FPN) {
      throw new IllegalArgumentException("the " + spec.variant() + " detector variant is not available yet");
    }
    GeneralizedRcnnTransform transform =
        new GeneralizedRcnnTransform(
            spec.minSizes(), spec.maxSize(), GeneralizedRcnnTransform.IMAGENET_MEAN,
            GeneralizedRcnnTransform.IMAGENET_STD, 32);
    BackboneWithFPN backbone =
        BackboneWithFPN.resnet(
            spec.depth(), spec.widthMultiplier(), spec.frozenBatchNorm(), spec.fpnChannels(), spec.trainableLayers());
    RegionProposalNetwork rpn =
        new RegionProposalNetwork(
            spec.fpnChannels(), AnchorGenerator.fpnDefault(), RegionProposalNetwork.Settings.fasterRcnnDefaults());
    MultiScaleRoiAlign pool = MultiScaleRoiAlign.boxHead();
    TwoMlpHead boxHead =
        new TwoMlpHead(spec.fpnChannels() * pool.outputHeight() * pool.outputWidth(), spec.representationSize());
    FastRcnnPredictor predictor = new FastRcnnPredictor(spec.representationSize(), spec.numClasses());
    RoiHeads.Settings settings =
        RoiHeads.Settings.defaults()
            .withScoreThreshold(spec.boxScoreThreshold())
            .withDetectionsPerImage(spec.detectionsPerImage());
    List<InstanceBranch> branches = new ArrayList<>();
    switch (spec.task()) {
      case DETECTION:
        break;
      case SEGMENTATION:
        branches.add(maskBranch(spec));
        break;
      default:
        throw new IllegalArgumentException("the " + spec.task().cliName() + " task is not available yet");
    }
    return new GeneralizedRcnn(transform, backbone, rpn, new RoiHeads(pool, boxHead, predictor, settings, branches));
  }

  /**
   * Mask R-CNN's mask branch: torchvision's four 256-channel layers when {@code fpnChannels} is
   * torchvision's 256; narrower models scale the mask head with their FPN.
   */
  private static MaskBranch maskBranch(DetectorSpec spec) {
    return MaskBranch.of(spec.fpnChannels(), spec.fpnChannels(), spec.numClasses());
  }
}
