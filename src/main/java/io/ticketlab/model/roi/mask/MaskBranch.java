package io.ticketlab.model.roi.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.nn.Scalars;
import io.ticketlab.model.roi.PooledBranch;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mask branch of Mask R-CNN as torchvision 0.14's {@code RoIHeads} runs it: boxes are pooled
 * by {@code mask_roi_pool} (14×14 RoIAlign over the FPN levels, sampling ratio 2), run through
 * {@code mask_head} ({@link MaskRcnnHeads}) and {@code mask_predictor} ({@link MaskRcnnPredictor})
 * to 28×28 logits per class.
 *
 * <ul>
 *   <li>Training ({@code maskrcnn_loss}): for each positive proposal, the logits of its label
 *       against the matched instance's mask projected onto the proposal ({@link MaskTargets});
 *       binary cross-entropy with logits, mean over all pixels of all positives; {@code
 *       logits.sum() · 0} when there is no positive.
 *   <li>Inference ({@code maskrcnn_inference}): sigmoid of each detection's label channel, M×M
 *       probabilities in {@link Detections#masks()}; {@link #postprocess} pastes them into the
 *       original image ({@link MaskPaste}).
 * </ul>
 */
public final class MaskBranch extends PooledBranch<MaskRcnnHeads, MaskRcnnPredictor> {
  public MaskBranch(MultiScaleRoiAlign pool, MaskRcnnHeads head, MaskRcnnPredictor predictor) {
    super("mask", pool, head, predictor);
  }

  /**
   * torchvision's mask branch on {@code inChannels} feature maps: 14×14 pooling, four 3×3 layers
   * of {@code headChannels} and a {@code conv5_mask} of {@code headChannels} (torchvision: 256,
   * whatever the backbone), logits for {@code numClasses}.
   */
  public static MaskBranch of(int inChannels, int headChannels, int numClasses) {
    return new MaskBranch(
        MultiScaleRoiAlign.maskHead(),
        MaskRcnnHeads.of(inChannels, headChannels),
        new MaskRcnnPredictor(headChannels, headChannels, numClasses));
  }

  @Override
  public NDArray loss(
      ParameterStore ps,
      Map<String, NDArray> features,
      List<int[]> imageSizes,
      List<float[]> positiveProposals,
      List<int[]> matchedGt,
      List<int[]> labels,
      List<DetectionTarget> targets) {
    return loss(logits(ps, features, imageSizes, positiveProposals, true), positiveProposals, matchedGt, labels, targets);
  }

  /**
   * torchvision's {@code maskrcnn_loss} of given mask logits [ΣP_i, C, M, M] of the positive
   * proposals (image order); the arguments after {@code logits} are those of {@link #loss(
   * ParameterStore, Map, List, List, List, List, List)}.
   */
  public static NDArray loss(
      NDArray logits,
      List<float[]> positiveProposals,
      List<int[]> matchedGt,
      List<int[]> labels,
      List<DetectionTarget> targets) {
    Shape s = logits.getShape();
    int total = (int) s.get(0);
    int classes = (int) s.get(1);
    int size = (int) s.get(3);
    int positives = 0;
    for (int[] g : matchedGt) {
      positives += g.length;
    }
    if (positives != total) {
      throw new IllegalArgumentException(total + " mask logits for " + positives + " positive proposals");
    }
    if (total == 0) {
      return Scalars.mul(logits.sum(), 0f);
    }
    long[] rows = new long[total];
    float[] maskTargets = new float[total * size * size];
    int at = 0;
    for (int i = 0; i < positiveProposals.size(); i++) {
      DetectionTarget t = targets.get(i);
      float[] boxes = positiveProposals.get(i);
      int[] matched = matchedGt.get(i);
      int[] lab = labels.get(i);
      if (matched.length > 0 && t.masks() == null) {
        throw new IllegalArgumentException("the target of image " + i + " has no masks; Mask R-CNN needs them");
      }
      for (int k = 0; k < matched.length; k++, at++) {
        rows[at] = (long) at * classes + lab[k];
        float[] target = MaskTargets.project(t.masks()[matched[k]], t.maskHeight(), t.maskWidth(), boxes, k, size);
        System.arraycopy(target, 0, maskTargets, at * size * size, target.length);
      }
    }
    NDManager m = logits.getManager();
    NDArray x = logits.reshape((long) total * classes, (long) size * size).get(new NDIndex("{}", m.create(rows)));
    NDArray y = m.create(maskTargets, new Shape(total, (long) size * size));
    return binaryCrossEntropyWithLogits(x, y);
  }

  /**
   * Mean of {@code max(x, 0) − x·y + log(1 + exp(−|x|))}, PyTorch's stable {@code
   * binary_cross_entropy_with_logits}.
   */
  static NDArray binaryCrossEntropyWithLogits(NDArray x, NDArray y) {
    NDArray perPixel = Scalars.maximum(x, 0f).sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log());
    return perPixel.mean();
  }

  @Override
  public List<Detections> predict(
      ParameterStore ps, Map<String, NDArray> features, List<int[]> imageSizes, List<Detections> detections) {
    List<float[]> boxes = new ArrayList<>();
    int total = 0;
    for (Detections d : detections) {
      boxes.add(d.boxes());
      total += d.count();
    }
    int size = 2 * pool().outputHeight();
    List<Detections> out = new ArrayList<>();
    if (total == 0) {
      for (Detections d : detections) {
        out.add(d.withMasks(new float[0][], size, size));
      }
      return out;
    }
    NDArray logits = logits(ps, features, imageSizes, boxes, false);
    int classes = (int) logits.getShape().get(1);
    long[] rows = new long[total];
    int at = 0;
    for (Detections d : detections) {
      for (int label : d.labels()) {
        rows[at] = (long) at * classes + label;
        at++;
      }
    }
    NDManager m = logits.getManager();
    float[] probabilities =
        Activation.sigmoid(
                logits.reshape((long) total * classes, (long) size * size).get(new NDIndex("{}", m.create(rows))))
            .toFloatArray();
    at = 0;
    for (Detections d : detections) {
      float[][] masks = new float[d.count()][];
      for (int k = 0; k < masks.length; k++, at++) {
        masks[k] = new float[size * size];
        System.arraycopy(probabilities, at * size * size, masks[k], 0, size * size);
      }
      out.add(d.withMasks(masks, size, size));
    }
    return out;
  }

  @Override
  public Detections postprocess(
      Detections detections, int resizedHeight, int resizedWidth, int originalHeight, int originalWidth) {
    if (detections.masks() == null) {
      return detections;
    }
    if (detections.maskHeight() != detections.maskWidth()) {
      throw new IllegalArgumentException(
          "expected square predicted masks, got " + detections.maskHeight() + "×" + detections.maskWidth());
    }
    float[][] pasted = new float[detections.count()][];
    for (int k = 0; k < pasted.length; k++) {
      pasted[k] =
          MaskPaste.paste(
              detections.masks()[k], detections.maskHeight(), detections.boxes(), k, originalHeight, originalWidth);
    }
    return detections.withMasks(pasted, originalHeight, originalWidth);
  }
}
