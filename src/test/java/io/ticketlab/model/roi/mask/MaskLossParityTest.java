package io.ticketlab.model.roi.mask;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.detector.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The training side of the mask branch against torchvision 0.14 ({@code parity/mask_r18_fpn.json},
 * {@code training} and {@code resizing}, from {@code src/test/python/make_mask_fixtures.py}):
 * {@code project_masks_on_boxes} targets, {@code maskrcnn_loss} (with and without positives), and
 * the nearest-neighbour resizing of target masks by {@code _resize_image_and_masks}.
 */
@Tag("engine")
class MaskLossParityTest {
  private static final JsonNode FIXTURE = Json.load("/parity/mask_r18_fpn.json");

  static byte[] ellipse(int h, int w, double cx, double cy, double rx, double ry) {
    byte[] m = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = (x - cx) / rx;
        double dy = (y - cy) / ry;
        m[y * w + x] = (byte) (dx * dx + dy * dy <= 1.0 ? 1 : 0);
      }
    }
    return m;
  }

  private record Case(List<float[]> proposals, List<int[]> matched, List<int[]> labels, List<DetectionTarget> targets) {}

  private static Case trainingCase() {
    Case c = new Case(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (JsonNode im : FIXTURE.get("training").get("images")) {
      int[] size = ints(im.get("size"));
      int[] gtLabels = ints(im.get("labels"));
      byte[][] masks = new byte[gtLabels.length][];
      float[] gtBoxes = new float[4 * gtLabels.length];
      for (int k = 0; k < masks.length; k++) {
        JsonNode e = im.get("ellipses").get(k);
        masks[k] = ellipse(size[0], size[1], e.get(0).asDouble(), e.get(1).asDouble(), e.get(2).asDouble(), e.get(3).asDouble());
      }
      c.targets.add(new DetectionTarget(gtBoxes, gtLabels, masks, size[0], size[1], null, 0));
      JsonNode props = im.get("proposals");
      float[] p = new float[4 * props.size()];
      for (int k = 0; k < props.size(); k++) {
        System.arraycopy(floats(props.get(k)), 0, p, 4 * k, 4);
      }
      int[] matched = ints(im.get("matched"));
      int[] labels = new int[matched.length];
      for (int k = 0; k < matched.length; k++) {
        labels[k] = gtLabels[matched[k]];
      }
      c.proposals.add(p);
      c.matched.add(matched);
      c.labels.add(labels);
    }
    return c;
  }

  @Test
  void projectedMaskTargets_matchTorchvision() {
    Case c = trainingCase();
    int m = FIXTURE.get("training").get("maskSize").asInt();
    float worst = 0;
    int checked = 0;
    for (int i = 0; i < c.targets.size(); i++) {
      float[] expected = floats(FIXTURE.get("training").get("targets").get(i));
      DetectionTarget t = c.targets.get(i);
      for (int k = 0; k < c.matched.get(i).length; k++) {
        float[] actual = MaskTargets.project(t.masks()[c.matched.get(i)[k]], t.maskHeight(), t.maskWidth(), c.proposals.get(i), k, m);
        for (int j = 0; j < actual.length; j++) {
          worst = Math.max(worst, Math.abs(actual[j] - expected[k * m * m + j]));
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(9 * m * m);
    assertThat(worst).as("largest target difference").isLessThan(1e-5f);
  }

  @Test
  void maskLoss_matchesTorchvision_andIsZeroWithoutPositives() {
    JsonNode tr = FIXTURE.get("training");
    Case c = trainingCase();
    int classes = tr.get("classes").asInt();
    int m = tr.get("maskSize").asInt();
    int total = 9;
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      float[] v = DeterministicFill.uniformFloats(tr.get("logitStream").asLong(), total * classes * m * m);
      float scale = (float) tr.get("logitScale").asDouble();
      for (int i = 0; i < v.length; i++) {
        v[i] *= scale;
      }
      NDArray logits = manager.create(v, new Shape(total, classes, m, m));
      logits.setRequiresGradient(true);
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray loss = MaskBranch.loss(logits, c.proposals, c.matched, c.labels, c.targets);
        assertThat((double) loss.getFloat()).isCloseTo(tr.get("loss").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        gc.backward(loss);
      }
      // only the label channel of each positive gets a gradient
      float[] g = logits.getGradient().toFloatArray();
      int nonZeroChannels = 0;
      for (int r = 0; r < total * classes; r++) {
        for (int j = 0; j < m * m; j++) {
          if (g[r * m * m + j] != 0) {
            nonZeroChannels++;
            break;
          }
        }
      }
      assertThat(nonZeroChannels).isEqualTo(total);

      NDArray none = manager.create(new float[0], new Shape(0, classes, m, m));
      List<float[]> noBoxes = List.of(new float[0], new float[0]);
      List<int[]> noInts = List.of(new int[0], new int[0]);
      NDArray empty = MaskBranch.loss(none, noBoxes, noInts, noInts, c.targets);
      assertThat(empty.getShape().dimension()).isZero();
      assertThat((double) empty.getFloat()).isEqualTo(tr.get("emptyLoss").asDouble());
    }
  }

  @Test
  void targetMaskResizing_matchesTorchvisionNearest() {
    for (JsonNode rc : FIXTURE.get("resizing")) {
      int[] size = ints(rc.get("size"));
      int[] to = ints(rc.get("resized"));
      JsonNode e = rc.get("ellipse");
      byte[] mask = ellipse(size[0], size[1], e.get(0).asDouble(), e.get(1).asDouble(), e.get(2).asDouble(), e.get(3).asDouble());
      DetectionTarget t = new DetectionTarget(new float[4], new int[] {1}, new byte[][] {mask}, size[0], size[1], null, 0);
      DetectionTarget r = t.resized(size[0], size[1], to[0], to[1]);
      byte[] columnMajor = new byte[to[0] * to[1]];
      for (int y = 0; y < to[0]; y++) {
        for (int x = 0; x < to[1]; x++) {
          columnMajor[x * to[0] + y] = r.masks()[0][y * to[1] + x];
        }
      }
      Rle expected = Rle.fromCompressedString(rc.get("rle").asText(), to[0], to[1]);
      assertThat(Rle.encode(columnMajor, to[0], to[1])).as("resized mask %s → %s", rc.get("size"), rc.get("resized")).isEqualTo(expected);
    }
  }
}
