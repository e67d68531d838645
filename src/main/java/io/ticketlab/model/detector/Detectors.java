package io.ticketlab.model.detector;

import io.ticketlab.model.detector.transform.GeneralizedRcnnTransform;
import io.ticketlab.model.fpn.BackboneWithFPN;
import io.ticketlab.model.roi.FastRcnnPredictor;
import io.ticketlab.model.roi.InstanceBranch;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.model.roi.TwoMlpHead;
import io.ticketlab.model.roi.keypoint.KeypointBranch;
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
        BackboneWithFPN.resnet(spec.depth(), spec.widthMultiplier(), spec.fpnChannels(), spec.trainableLayers());
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
      case KEYPOINTS:
        branches.add(keypointBranch(spec));
        break;
      default:
        throw new IllegalArgumentException("the " + spec.task().cliName() + " task is not available yet");
    }
    return new GeneralizedRcnn(transform, backbone, rpn, new RoiHeads(pool, boxHead, predictor, settings, branches));
  }

  /** torchvision's Keypoint R-CNN branch: 14×14 pooling, eight 512-channel convolutions, K heatmaps. */
  private static InstanceBranch keypointBranch(DetectorSpec spec) {
    return KeypointBranch.torchvision(spec.fpnChannels(), spec.numKeypoints());
  }
}
