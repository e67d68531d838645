package io.ticketlab.model.roi.keypoint;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.detector.Json;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java parts of Keypoint R-CNN against torchvision 0.14 ({@code
 * parity/keypoint_r18_fpn.json} from {@code src/test/python/make_keypoint_fixtures.py}): PyTorch's
 * bicubic resize and {@code keypoints_to_heatmap}'s cell indices and valid flags.
 */
class KeypointHeatmapsTest {
  private static final JsonNode FIXTURE = Json.load("/parity/keypoint_r18_fpn.json");

  @Test
  void bicubicResize_matchesTorchInterpolate() {
    for (JsonNode c : FIXTURE.get("bicubic")) {
      int channels = c.get("channels").asInt();
      int[] in = ints(c.get("in"));
      int[] out = ints(c.get("out"));
      float[] maps = DeterministicFill.uniformFloats(c.get("stream").asLong(), channels * in[0] * in[1]);
      float[] actual = Bicubic.resize(maps, channels, in[0], in[1], out[0], out[1]);
      float[] expected = floats(c.get("values"));
      assertThat(actual).hasSize(expected.length);
      assertThat(Json.maxAbsDiff(actual, expected)).as("bicubic %s → %s", c.get("in"), c.get("out")).isLessThan(1e-5f);
    }
  }

  @Test
  void bicubicResize_ofSameSize_isIdentity() {
    float[] maps = DeterministicFill.uniformFloats(11, 2 * 6 * 5);
    assertThat(Bicubic.resize(maps, 2, 6, 5, 6, 5)).containsExactly(maps);
  }

  @Test
  void keypointsToHeatmap_matchesTorchvision_includingEdgesAndInvisiblePersons() {
    JsonNode l = FIXTURE.get("loss");
    int k = l.get("numKeypoints").asInt();
    for (int i = 0; i < l.get("proposals").size(); i++) {
      float[] rois = flatten(l.get("proposals").get(i));
      int[] matched = ints(l.get("matched").get(i));
      float[] kp = matchedKeypoints(l.get("gtKeypoints").get(i), matched, k);
      KeypointHeatmaps.Targets t = KeypointHeatmaps.toHeatmap(kp, rois, k, 56);
      int[] valid = new int[t.valid().length];
      for (int j = 0; j < valid.length; j++) {
        valid[j] = t.valid()[j] ? 1 : 0;
      }
      assertThat(t.index()).as("heatmap cells of image %d", i).containsExactly(ints(l.get("heatmaps").get(i)));
      assertThat(valid).as("valid flags of image %d", i).containsExactly(ints(l.get("valid").get(i)));
    }
  }

  @Test
  void heatmapsToKeypoints_takeFirstMaximumWithHalfPixelOffsets() {
    // one RoI of 10.5 × 4 px at (2, 3), one keypoint whose 2×2 map peaks at the top-left cell
    float[] maps = {5f, 0f, 0f, 0f};
    KeypointHeatmaps.Decoded d = KeypointHeatmaps.toKeypoints(maps, new float[] {2f, 3f, 12.5f, 7f}, 1, 2);
    float correction = 10.5f / 11f;
    assertThat(d.keypoints()[0]).isEqualTo(0.5f * correction + 2f);
    assertThat(d.keypoints()[2]).isEqualTo(1f);
    assertThat(d.scores()[0]).isGreaterThan(4f);
    assertThatThrownBy(() -> KeypointHeatmaps.toKeypoints(maps, new float[] {0, 0, 1, 1}, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 heatmap values");
  }

  static float[] flatten(JsonNode nested) {
    int n = 0;
    for (JsonNode row : nested) {
      n += row.size();
    }
    float[] out = new float[n];
    int at = 0;
    for (JsonNode row : nested) {
      for (JsonNode v : row) {
        out[at++] = (float) v.asDouble();
      }
    }
    return out;
  }

  /** The K×3 keypoints of each matched instance, from [instances][K][3]. */
  static float[] matchedKeypoints(JsonNode instances, int[] matched, int k) {
    float[] out = new float[matched.length * k * 3];
    for (int j = 0; j < matched.length; j++) {
      JsonNode inst = instances.get(matched[j]);
      for (int p = 0; p < k; p++) {
        for (int c = 0; c < 3; c++) {
          out[(j * k + p) * 3 + c] = (float) inst.get(p).get(c).asDouble();
        }
      }
    }
    return out;
  }
}
