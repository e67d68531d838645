package io.ticketlab.model.detector;

import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.backbone.DetectorBackbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.detector.transform.GeneralizedRcnnTransform;
import io.ticketlab.model.detector.transform.ImageBatch;
import io.ticketlab.model.detector.transform.ImageSize;
import io.ticketlab.model.nn.TorchBlock;
import io.ticketlab.model.roi.InstanceBranch;
import io.ticketlab.model.roi.RoiHeads;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A two-stage detector as torchvision's {@code GeneralizedRCNN}: {@link GeneralizedRcnnTransform}
 * (resize, normalise, batch), {@code backbone}, {@code rpn} and {@code roi_heads}. Faster R-CNN,
 * Mask R-CNN and Keypoint R-CNN differ only in the instance branches of the RoI heads; the FPN and
 * C4 variants only in the backbone, the RPN's anchors and the box head. Parameter names are
 * torchvision's state-dict keys, so its checkpoints load by name.
 */
public final class GeneralizedRcnn extends TorchBlock {
  private final GeneralizedRcnnTransform transform;
  private final DetectorBackbone backbone;
  private final RegionProposalNetwork rpn;
  private final RoiHeads roiHeads;

  public GeneralizedRcnn(
      GeneralizedRcnnTransform transform,
      DetectorBackbone backbone,
      RegionProposalNetwork rpn,
      RoiHeads roiHeads) {
    this.transform = transform;
    this.backbone = child("backbone", backbone);
    this.rpn = child("rpn", rpn);
    this.roiHeads = child("roi_heads", roiHeads);
  }

  public GeneralizedRcnnTransform transform() {
    return transform;
  }

  public DetectorBackbone backbone() {
    return backbone;
  }

  public RegionProposalNetwork rpn() {
    return rpn;
  }

  public RoiHeads roiHeads() {
    return roiHeads;
  }

  /** Images after the transform with their targets in resized pixels. */
  public record Prepared(ImageBatch batch, List<DetectionTarget> targets) {
    public List<int[]> imageSizes() {
      List<int[]> sizes = new ArrayList<>();
      for (ImageSize s : batch.imageSizes()) {
        sizes.add(s.toArray());
      }
      return sizes;
    }
  }

  /**
   * Resizes, normalises and batches {@code images} (float [3, H, W] in [0, 1]) and maps {@code
   * targets} (original pixels, or {@code null}) onto the resized images.
   */
  public Prepared prepare(
      List<NDArray> images, List<DetectionTarget> targets, boolean training, Random random) {
    ImageBatch batch = transform.apply(images, null, training, random);
    List<DetectionTarget> resized = null;
    if (targets != null) {
      if (targets.size() != images.size()) {
        throw new IllegalArgumentException(targets.size() + " targets for " + images.size() + " images");
      }
      resized = new ArrayList<>();
      for (int i = 0; i < targets.size(); i++) {
        ImageSize from = batch.originalSizes().get(i);
        ImageSize to = batch.imageSizes().get(i);
        resized.add(targets.get(i).resized(from.height(), from.width(), to.height(), to.width()));
      }
    }
    return new Prepared(batch, resized);
  }

  /**
   * The training losses of a batch (torchvision's order: {@code loss_classifier}, {@code
   * loss_box_reg}, branch losses, {@code loss_objectness}, {@code loss_rpn_box_reg}); {@code
   * random} drives the multi-scale choice and the RPN and RoI sampling.
   */
  public Map<String, NDArray> losses(
      ParameterStore ps, List<NDArray> images, List<DetectionTarget> targets, Random random) {
    return losses(ps, prepare(images, targets, true, random), random);
  }

  /** The training losses of a prepared batch. */
  public Map<String, NDArray> losses(ParameterStore ps, Prepared prepared, Random random) {
    return losses(ps, prepared, random, true);
  }

  /**
   * The losses of a validation batch: as in training (sampling included) but with the backbone in
   * inference mode, so that trainable batch norm uses and keeps its running statistics.
   */
  public Map<String, NDArray> validationLosses(
      ParameterStore ps, List<NDArray> images, List<DetectionTarget> targets, Random random) {
    return losses(ps, prepare(images, targets, false, random), random, false);
  }

  private Map<String, NDArray> losses(ParameterStore ps, Prepared prepared, Random random, boolean trainBackbone) {
    NDArray tensors = prepared.batch().tensors();
    LinkedHashMap<String, NDArray> features = backbone.features(ps, tensors, trainBackbone);
    List<int[]> sizes = prepared.imageSizes();
    List<float[]> gtBoxes = new ArrayList<>();
    for (DetectionTarget t : prepared.targets()) {
      gtBoxes.add(t.boxes());
    }
    RegionProposalNetwork.Output proposals = proposals(ps, features, tensors, sizes, gtBoxes, random);
    Map<String, NDArray> losses = new LinkedHashMap<>(
        roiHeads.losses(ps, features, proposals.proposals(), sizes, prepared.targets(), random));
    losses.put("loss_objectness", proposals.lossObjectness());
    losses.put("loss_rpn_box_reg", proposals.lossBoxReg());
    return losses;
  }

  /** Detections of each image in its original pixels (inference mode). */
  public List<Detections> predict(ParameterStore ps, List<NDArray> images) {
    Prepared prepared = prepare(images, null, false, new Random(0));
    NDArray tensors = prepared.batch().tensors();
    LinkedHashMap<String, NDArray> features = backbone.features(ps, tensors, false);
    List<int[]> sizes = prepared.imageSizes();
    RegionProposalNetwork.Output proposals = proposals(ps, features, tensors, sizes, null, new Random(0));
    List<Detections> detections = roiHeads.detect(ps, features, proposals.proposals(), sizes);
    List<Detections> out = new ArrayList<>();
    for (int i = 0; i < detections.size(); i++) {
      out.add(postprocess(detections.get(i), prepared.batch().imageSizes().get(i), prepared.batch().originalSizes().get(i)));
    }
    return out;
  }

  /** The RPN on a batch: training mode (with losses) when ground-truth boxes are given. */
  private RegionProposalNetwork.Output proposals(
      ParameterStore ps, Map<String, NDArray> features, NDArray tensors, List<int[]> sizes, List<float[]> gtBoxes,
      Random random) {
    return rpn.forward(
        ps,
        new NDList(features.values()),
        (int) tensors.getShape().get(2),
        (int) tensors.getShape().get(3),
        sizes.toArray(new int[0][]),
        gtBoxes,
        gtBoxes != null,
        random);
  }

  /** torchvision's {@code transform.postprocess}: boxes (and branch outputs) to original pixels. */
  Detections postprocess(Detections d, ImageSize resized, ImageSize original) {
    float rh = (float) original.height() / (float) resized.height();
    float rw = (float) original.width() / (float) resized.width();
    float[] boxes = d.boxes().clone();
    for (int i = 0; i < boxes.length; i += 4) {
      boxes[i] *= rw;
      boxes[i + 1] *= rh;
      boxes[i + 2] *= rw;
      boxes[i + 3] *= rh;
    }
    Detections out = d.withBoxes(boxes);
    for (InstanceBranch b : roiHeads.branches()) {
      out = b.postprocess(out, resized.height(), resized.width(), original.height(), original.width());
    }
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("Call losses(...) or predict(...)");
  }
}
