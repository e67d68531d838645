package io.ticketlab.model.rpn;

import static io.ticketlab.model.detector.Json.floats;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.model.detector.Json;
import org.junit.jupiter.api.Test;

/** Anchors against torchvision 0.14's {@code AnchorGenerator} ({@code parity/anchors_fpn.json}). */
class AnchorParityTest {
  private static final JsonNode FX = Json.load("/parity/anchors_fpn.json");

  @Test
  void cellAnchors_roundAsTorchvision() {
    AnchorGenerator gen = AnchorGenerator.fpnDefault();
    for (int l = 0; l < 5; l++) {
      assertThat(gen.cellAnchors(l)).containsExactly(floats(FX.get("cellAnchors").get(l)));
      assertThat(gen.numAnchorsPerLocation(l)).isEqualTo(3);
    }
    // 32 px at ratio 0.5: w = 32/sqrt(0.5) = 45.25 -> ±22.6 rounds to ±23, h = 22.6 -> ±11.3 -> ±11
    assertThat(gen.cellAnchors(0)).startsWith(-23f, -11f, 23f, 11f);
  }

  @Test
  void anchorsOfAPaddedBatch_equalTorchvisionExactly() {
    int[][] grids = new int[5][];
    for (int l = 0; l < 5; l++) {
      grids[l] = Json.ints(FX.get("gridSizes").get(l));
    }
    float[] anchors = AnchorGenerator.fpnDefault().anchors(128, 160, grids);
    assertThat(anchors).containsExactly(floats(FX.get("anchors")));
  }
}
