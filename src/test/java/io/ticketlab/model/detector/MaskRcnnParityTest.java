package io.ticketlab.model.detector;

import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.detector.transform.ImageSize;
import io.ticketlab.model.roi.mask.MaskPaste;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A ResNet-18-FPN Mask R-CNN against torchvision 0.14's {@code MaskRCNN} in eval mode ({@code
 * parity/mask_r18_fpn.json}, {@code inference}, from {@code src/test/python/make_mask_fixtures.py}):
 * state-dict keys in order; boxes (1e-2 px), scores (1e-4) and labels in order up to nearly tied
 * scores; per detection the 28×28 mask probabilities at sampled cells (before pasting) and the pasted
 * probabilities at sampled pixels within 1e-3, and the 0.5-thresholded pasted masks (as COCO RLE)
 * equal on ≥ 99.9 % of the pixels.
 */
@Tag("engine")
class MaskRcnnParityTest {

  @Test
  void maskRcnn_matchesTorchvision() {
    JsonNode fx = Json.load("/parity/mask_r18_fpn.json").get("inference");
    DetectorSpec spec =
        DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, 18, 6)
            .withSizes(List.of(256), 400)
            .withBoxScoreThreshold(0.0);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = Detectors.build(spec);
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      DetectorFixtures.loadWeights(model, fx, "mask_r18_fpn");
      ParameterStore ps = new ParameterStore(manager, false);
      List<NDArray> images = DetectorFixtures.images(manager, fx);
      // the stages of predict() one by one, to see the masks before pasting (the mask head on 200
      // RoIs is the slow part, so the model runs once)
      GeneralizedRcnn.Prepared prepared = model.prepare(images, null, false, new Random(0));
      NDArray tensors = prepared.batch().tensors();
      var features = model.backbone().features(ps, tensors, false);
      RegionProposalNetwork.Output rpnOut =
          model.rpn().forward(ps, new NDList(features.values()), (int) tensors.getShape().get(2),
              (int) tensors.getShape().get(3), prepared.imageSizes().toArray(new int[0][]), null, false, new Random(0));
      List<Detections> resized = model.roiHeads().detect(ps, features, rpnOut.proposals(), prepared.imageSizes());

      float worstProbability = 0;
      float worstPasted = 0;
      double worstAgreement = 1;
      int compared = 0;
      for (int i = 0; i < images.size(); i++) {
        JsonNode e = fx.get("detections").get(i);
        ImageSize rs = prepared.batch().imageSizes().get(i);
        ImageSize os = prepared.batch().originalSizes().get(i);
        assertThat(new int[] {rs.height(), rs.width()}).containsExactly(ints(fx.get("imageSizes").get(i)));
        Detections pasted = model.postprocess(resized.get(i), rs, os);
        int m = e.get("maskSize").asInt();
        assertThat(resized.get(i).maskHeight()).isEqualTo(m);
        assertThat(pasted.maskHeight()).isEqualTo(os.height());
        assertThat(pasted.maskWidth()).isEqualTo(os.width());
        int[] partner =
            partners(pasted.boxes(), pasted.scores(), pasted.labels(), floats(e.get("boxes")),
                floats(e.get("scores")), ints(e.get("labels")), 1e-2f, 1e-4f, 1e-4f);
        for (int k = 0; k < partner.length; k++) {
          assertThat(partner[k]).as("detection %d of image %d has no partner", k, i).isNotNegative();
          int a = partner[k];
          int[] cells = ints(e.get("probabilityIndex").get(k));
          float[] probabilities = floats(e.get("probability").get(k));
          for (int j = 0; j < cells.length; j++) {
            worstProbability = Math.max(worstProbability, Math.abs(resized.get(i).masks()[a][cells[j]] - probabilities[j]));
          }
          int[] pixels = ints(e.get("pastedIndex").get(k));
          float[] values = floats(e.get("pasted").get(k));
          for (int j = 0; j < pixels.length; j++) {
            worstPasted = Math.max(worstPasted, Math.abs(pasted.masks()[a][pixels[j]] - values[j]));
          }
          Rle expected = Rle.fromCompressedString(e.get("rle").get(k).asText(), os.height(), os.width());
          Rle actual = MaskPaste.toRle(pasted.masks()[a], os.height(), os.width());
          byte[] x = expected.decode();
          byte[] y = actual.decode();
          int same = 0;
          for (int p = 0; p < x.length; p++) {
            same += x[p] == y[p] ? 1 : 0;
          }
          worstAgreement = Math.min(worstAgreement, same / (double) x.length);
          compared++;
        }
      }
      System.out.printf(
          "Mask R-CNN parity: %d detections, max |Δp| 28×28 %.3g, pasted %.3g, min pixel agreement %.6f%n",
          compared, worstProbability, worstPasted, worstAgreement);
      assertThat(compared).isEqualTo(fx.get("detections").get(0).get("labels").size() + fx.get("detections").get(1).get("labels").size());
      assertThat(worstProbability).isLessThan(1e-3f);
      assertThat(worstPasted).isLessThan(1e-3f);
      assertThat(worstAgreement).isGreaterThanOrEqualTo(0.999);
    }
  }

  /**
   * For each expected detection the index of its actual partner (same label, box and score within
   * tolerance, order free only among nearly tied expected scores), or −1.
   */
  static int[] partners(
      float[] actualBoxes, float[] actualScores, int[] actualLabels,
      float[] expectedBoxes, float[] expectedScores, int[] expectedLabels,
      float boxTolerance, float scoreTolerance, float tieTolerance) {
    int n = expectedScores.length;
    int[] partner = new int[n];
    java.util.Arrays.fill(partner, -1);
    if (actualScores.length != n) {
      return partner;
    }
    boolean[] used = new boolean[n];
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && Math.abs(expectedScores[end - 1] - expectedScores[end]) <= tieTolerance) {
        end++;
      }
      for (int e = start; e < end; e++) {
        for (int a = start; a < end; a++) {
          if (!used[a] && actualLabels[a] == expectedLabels[e]
              && close(actualBoxes, a, expectedBoxes, e, boxTolerance)
              && Math.abs(actualScores[a] - expectedScores[e]) <= scoreTolerance) {
            used[a] = true;
            partner[e] = a;
            break;
          }
        }
      }
      start = end;
    }
    return partner;
  }

  private static boolean close(float[] a, int i, float[] b, int j, float tolerance) {
    for (int k = 0; k < 4; k++) {
      if (!(Math.abs(a[4 * i + k] - b[4 * j + k]) <= tolerance)) {
        return false;
      }
    }
    return true;
  }
}
