package io.ticketlab.model.detector;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.detector.transform.ImageSize;
import io.ticketlab.model.roi.keypoint.KeypointBranch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keypoint R-CNN (ResNet-18-FPN, 2 classes, 17 keypoints) against torchvision 0.14 in eval mode
 * ({@code parity/keypoint_r18_fpn.json} from {@code src/test/python/make_keypoint_fixtures.py}):
 * state-dict keys in order, resized sizes, boxes (1e-2 px), scores (1e-4) and labels in the same
 * order up to nearly tied scores, and for each matched detection its 17 keypoints within 0.5 px
 * and keypoint scores within 1e-3, in original pixels; and {@code keypointrcnn_loss} for fixed
 * proposals, targets and logits within 1e-5.
 */
@Tag("engine")
class KeypointRcnnParityTest {
  private static final JsonNode FIXTURE = Json.load("/parity/keypoint_r18_fpn.json");

  @Test
  void keypointRcnn_matchesTorchvision() {
    JsonNode fx = FIXTURE.get("model");
    DetectorSpec spec =
        DetectorSpec.torchvision(DetectorSpec.Task.KEYPOINTS, 18, 2)
            .withSizes(List.of(256), 400)
            .withBoxScoreThreshold(0.0);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = Detectors.build(spec);
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      DetectorFixtures.loadWeights(model, fx, "keypoint_r18_fpn.json");
      ParameterStore ps = new ParameterStore(manager, false);
      List<NDArray> images = DetectorFixtures.images(manager, fx);
      GeneralizedRcnn.Prepared prepared = model.prepare(images, null, false, new Random(0));
      for (int i = 0; i < images.size(); i++) {
        ImageSize s = prepared.batch().imageSizes().get(i);
        assertThat(new int[] {s.height(), s.width()}).containsExactly(ints(fx.get("imageSizes").get(i)));
      }
      List<Detections> detections = model.predict(ps, images);
      for (int i = 0; i < images.size(); i++) {
        JsonNode e = fx.get("detections").get(i);
        Detections d = detections.get(i);
        assertThat(d.count()).as("detections of image %d", i).isEqualTo(e.get("labels").size());
        assertThat(d.numKeypoints()).isEqualTo(17);
        int[] partner =
            partners(d, floats(e.get("boxes")), floats(e.get("scores")), ints(e.get("labels")), 1e-2f, 1e-4f, 1e-4f);
        float[] kp = floats(e.get("keypoints"));
        float[] kpScores = floats(e.get("keypointScores"));
        float maxCoordinate = 0;
        float maxScore = 0;
        int unmatched = 0;
        for (int k = 0; k < partner.length; k++) {
          if (partner[k] < 0) {
            unmatched++;
            continue;
          }
          int a = partner[k];
          for (int p = 0; p < 17; p++) {
            for (int c = 0; c < 3; c++) {
              maxCoordinate =
                  Math.max(maxCoordinate, Math.abs(d.keypoints()[(a * 17 + p) * 3 + c] - kp[(k * 17 + p) * 3 + c]));
            }
            maxScore = Math.max(maxScore, Math.abs(d.keypointScores()[a * 17 + p] - kpScores[k * 17 + p]));
          }
        }
        System.out.printf(
            "keypoint parity image %d: %d detections, max |Δxy| %.3g px, max |Δscore| %.3g%n",
            i, d.count(), maxCoordinate, maxScore);
        assertThat(unmatched).as("detections of image %d without a partner", i).isZero();
        assertThat(maxCoordinate).as("keypoint coordinates of image %d (px)", i).isLessThanOrEqualTo(0.5f);
        assertThat(maxScore).as("keypoint scores of image %d", i).isLessThanOrEqualTo(1e-3f);
      }
    }
  }

  @Test
  void keypointLoss_matchesKeypointRcnnLoss_andIsZeroWithoutValidKeypoints() {
    JsonNode l = FIXTURE.get("loss");
    int k = l.get("numKeypoints").asInt();
    List<float[]> rois = new ArrayList<>();
    List<float[]> matched = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < l.get("proposals").size(); i++) {
      float[] r = nested(l.get("proposals").get(i));
      rois.add(r);
      n += r.length / 4;
      int[] m = ints(l.get("matched").get(i));
      float[] kp = new float[m.length * k * 3];
      for (int j = 0; j < m.length; j++) {
        float[] inst = nested(l.get("gtKeypoints").get(i).get(m[j]));
        System.arraycopy(inst, 0, kp, j * k * 3, k * 3);
      }
      matched.add(kp);
    }
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      float[] v = DeterministicFill.uniformFloats(l.get("logitStream").asLong(), n * k * 56 * 56);
      float scale = (float) l.get("logitScale").asDouble();
      for (int i = 0; i < v.length; i++) {
        v[i] *= scale;
      }
      NDArray logits = manager.create(v, new Shape(n, k, 56, 56));
      float loss = KeypointBranch.loss(logits, rois, matched).getFloat();
      System.out.printf("keypoint loss %.7f, torchvision %.7f%n", loss, l.get("loss").asDouble());
      assertThat((double) loss).isCloseTo(l.get("loss").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      // the person of image 1 without labelled keypoints alone: no valid keypoint, zero loss
      NDArray one = logits.get("5:6");
      float zero =
          KeypointBranch.loss(one, List.of(java.util.Arrays.copyOfRange(rois.get(1), 0, 4)),
              List.of(java.util.Arrays.copyOfRange(matched.get(1), 0, 3 * k))).getFloat();
      assertThat(zero).isEqualTo((float) l.get("lossWithoutValid").asDouble());
      assertThat(zero).isZero();
    }
  }

  /**
   * For each expected detection the index of its actual partner (same label, box within {@code
   * boxTolerance}, score within {@code scoreTolerance}) inside the block of nearly tied expected
   * scores, or −1.
   */
  static int[] partners(
      Detections d, float[] boxes, float[] scores, int[] labels, float boxTolerance, float scoreTolerance,
      float tieTolerance) {
    int n = scores.length;
    int[] partner = new int[n];
    java.util.Arrays.fill(partner, -1);
    boolean[] used = new boolean[d.count()];
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && Math.abs(scores[end - 1] - scores[end]) <= tieTolerance) {
        end++;
      }
      for (int e = start; e < end; e++) {
        for (int a = start; a < Math.min(end, d.count()) && partner[e] < 0; a++) {
          if (used[a] || d.labels()[a] != labels[e] || Math.abs(d.scores()[a] - scores[e]) > scoreTolerance) {
            continue;
          }
          boolean close = true;
          for (int c = 0; c < 4; c++) {
            close &= Math.abs(d.boxes()[4 * a + c] - boxes[4 * e + c]) <= boxTolerance;
          }
          if (close) {
            used[a] = true;
            partner[e] = a;
          }
        }
      }
      start = end;
    }
    return partner;
  }

  private static float[] nested(JsonNode node) {
    List<Float> out = new ArrayList<>();
    collect(node, out);
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  private static void collect(JsonNode node, List<Float> out) {
    if (node.isArray()) {
      node.forEach(c -> collect(c, out));
    } else {
      out.add((float) node.asDouble());
    }
  }
}
