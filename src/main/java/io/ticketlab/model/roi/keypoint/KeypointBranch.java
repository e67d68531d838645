package io.ticketlab.model.roi.keypoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ticketlab.model.nn.Scalars;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.roi.PooledBranch;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The keypoint branch of Keypoint R-CNN as torchvision 0.14's {@code RoIHeads} runs it: the
 * boxes (positive proposals in training, detections at inference) are pooled to 14×14 ({@code
 * keypoint_roi_pool}, sampling ratio 2), run through {@code keypoint_head} ({@link
 * KeypointRcnnHeads}) and {@code keypoint_predictor} ({@link KeypointRcnnPredictor}) to 56×56
 * heatmap logits per keypoint. Training: {@code keypointrcnn_loss}, the cross-entropy over the
 * flattened heatmap of every valid keypoint ({@link KeypointHeatmaps#toHeatmap}), {@code
 * logits.sum() · 0} when no keypoint is valid (e.g. only persons without labelled keypoints).
 * Inference: {@code keypointrcnn_inference} ({@link KeypointHeatmaps#toKeypoints}); postprocess
 * scales x and y by the float32 ratios original / resized ({@code resize_keypoints}).
 */
public final class KeypointBranch extends PooledBranch<KeypointRcnnHeads, KeypointRcnnPredictor> {
  public KeypointBranch(MultiScaleRoiAlign pool, KeypointRcnnHeads head, KeypointRcnnPredictor predictor) {
    super("keypoint", pool, head, predictor);
    if (head.outChannels() <= 0) {
      throw new IllegalArgumentException("keypoint head without channels");
    }
  }

  /** torchvision's branch: 14×14 pooling (ratio 2), eight 512-channel convolutions, K maps. */
  public static KeypointBranch torchvision(int inChannels, int numKeypoints) {
    return of(inChannels, 512, numKeypoints);
  }

  /** 14×14 pooling (ratio 2), eight convolutions of {@code headChannels}, K maps. */
  public static KeypointBranch of(int inChannels, int headChannels, int numKeypoints) {
    int[] layers = new int[8];
    Arrays.fill(layers, headChannels);
    return new KeypointBranch(
        MultiScaleRoiAlign.of(14, 2),
        new KeypointRcnnHeads(inChannels, layers),
        new KeypointRcnnPredictor(headChannels, numKeypoints));
  }

  public int numKeypoints() {
    return predictor().numKeypoints();
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
    NDArray logits = logits(ps, features, imageSizes, positiveProposals, true);
    List<float[]> matchedKeypoints = new ArrayList<>();
    int k = numKeypoints();
    for (int i = 0; i < positiveProposals.size(); i++) {
      DetectionTarget t = targets.get(i);
      int[] g = matchedGt.get(i);
      if (g.length > 0 && (t.keypoints() == null || t.numKeypoints() != k)) {
        throw new IllegalArgumentException(
            "keypoint branch of " + k + " keypoints got target " + i + " with "
                + (t.keypoints() == null ? "no keypoints" : t.numKeypoints() + " keypoints"));
      }
      float[] kp = new float[3 * k * g.length];
      for (int j = 0; j < g.length; j++) {
        System.arraycopy(t.keypoints(), 3 * k * g[j], kp, 3 * k * j, 3 * k);
      }
      matchedKeypoints.add(kp);
    }
    return loss(logits, positiveProposals, matchedKeypoints);
  }

  /**
   * torchvision's {@code keypointrcnn_loss}: logits [R, K, S, S] of the RoIs of all images in order,
   * each image's RoIs (R_i×4) and the matched ground-truth keypoints (R_i×K×3).
   */
  public static NDArray loss(NDArray logits, List<float[]> rois, List<float[]> matchedKeypoints) {
    Shape s = logits.getShape();
    int k = (int) s.get(1);
    int size = (int) s.get(2);
    if (s.get(2) != s.get(3)) {
      throw new IllegalArgumentException("keypoint logits must be square, got " + s);
    }
    List<Long> rows = new ArrayList<>();
    List<Long> cells = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < rois.size(); i++) {
      KeypointHeatmaps.Targets t = KeypointHeatmaps.toHeatmap(matchedKeypoints.get(i), rois.get(i), k, size);
      for (int j = 0; j < t.valid().length; j++) {
        if (t.valid()[j]) {
          rows.add(offset + j);
          cells.add((long) t.index()[j]);
        }
      }
      offset += t.valid().length;
    }
    if (offset != s.get(0) * k) {
      throw new IllegalArgumentException(offset / k + " RoIs for keypoint logits " + s);
    }
    if (rows.isEmpty()) {
      return Scalars.mul(logits.sum(), 0f);
    }
    NDManager m = logits.getManager();
    NDArray rowIndex = m.create(rows.stream().mapToLong(Long::longValue).toArray()).toDevice(logits.getDevice(), false);
    NDArray cellIndex =
        m.create(cells.stream().mapToLong(Long::longValue).toArray()).reshape(rows.size(), 1).toDevice(logits.getDevice(), false);
    return logits
        .reshape(s.get(0) * k, (long) size * size)
        .get(new NDIndex("{}", rowIndex))
        .logSoftmax(1)
        .gather(cellIndex, 1)
        .neg()
        .mean();
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
    int k = numKeypoints();
    float[] maps = new float[0];
    int size = 0;
    if (total > 0) {
      NDArray logits = logits(ps, features, imageSizes, boxes, false);
      size = (int) logits.getShape().get(2);
      maps = logits.toFloatArray();
    }
    List<Detections> out = new ArrayList<>();
    int at = 0;
    for (Detections d : detections) {
      int per = k * size * size;
      float[] mine = new float[d.count() * per];
      System.arraycopy(maps, at * per, mine, 0, mine.length);
      KeypointHeatmaps.Decoded decoded =
          d.count() == 0
              ? new KeypointHeatmaps.Decoded(new float[0], new float[0])
              : KeypointHeatmaps.toKeypoints(mine, d.boxes(), k, size);
      out.add(d.withKeypoints(decoded.keypoints(), decoded.scores(), k));
      at += d.count();
    }
    return out;
  }

  @Override
  public Detections postprocess(
      Detections detections, int resizedHeight, int resizedWidth, int originalHeight, int originalWidth) {
    if (detections.keypoints() == null) {
      return detections;
    }
    float rh = (float) originalHeight / (float) resizedHeight;
    float rw = (float) originalWidth / (float) resizedWidth;
    float[] kp = detections.keypoints().clone();
    for (int i = 0; i < kp.length; i += 3) {
      kp[i] *= rw;
      kp[i + 1] *= rh;
    }
    return detections.withKeypoints(kp, detections.keypointScores(), detections.numKeypoints());
  }
}
