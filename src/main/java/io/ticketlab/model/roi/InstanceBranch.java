package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import java.util.List;
import java.util.Map;

/**
 * A per-instance branch of the RoI heads that works on the boxes the box branch chose: the mask
 * branch of Mask R-CNN or the keypoint branch of Keypoint R-CNN. In torchvision these are the
 * {@code mask_*} and {@code keypoint_*} attributes of {@code RoIHeads}; an implementation
 * registers its blocks under those names (e.g. {@code mask_head}, {@code mask_predictor}).
 */
public interface InstanceBranch {
  /** The name of the branch's loss ({@code loss_mask}, {@code loss_keypoint}). */
  String lossName();

  /** The blocks of the branch by torchvision attribute name, registered into {@code roi_heads}. */
  Map<String, Block> blocks();

  /**
   * The training loss on the positive proposals of each image.
   *
   * @param features feature maps by name (FPN '0'..'3', 'pool'), as the box pooler gets them
   * @param imageSizes {height, width} of each resized image
   * @param positiveProposals per image, P_i×4 proposals whose label is > 0
   * @param matchedGt per image, the ground-truth index of each positive proposal
   * @param labels per image, the label of each positive proposal
   * @param targets per image, the ground truth in resized pixels
   */
  NDArray loss(
      ParameterStore ps,
      Map<String, NDArray> features,
      List<int[]> imageSizes,
      List<float[]> positiveProposals,
      List<int[]> matchedGt,
      List<int[]> labels,
      List<DetectionTarget> targets);

  /**
   * Adds this branch's outputs to each image's detections (boxes in resized pixels); inference
   * mode. Returns new detections in the same order.
   */
  List<Detections> predict(
      ParameterStore ps,
      Map<String, NDArray> features,
      List<int[]> imageSizes,
      List<Detections> detections);

  /**
   * Maps this branch's outputs from resized to original pixels (torchvision's {@code
   * GeneralizedRCNNTransform.postprocess}: masks pasted into the image, keypoints rescaled); the
   * boxes of {@code detections} are already in original pixels.
   */
  Detections postprocess(Detections detections, int resizedHeight, int resizedWidth, int originalHeight, int originalWidth);
}
