package io.ticketlab.model.roi.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.data.coco.Rle;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Pure-Java invariants of pasting, thresholding and target projection (torchvision parity is in the engine tests). */
class MaskPasteTest {

  private static float[] ones(int m) {
    float[] v = new float[m * m];
    Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void paste_fillsTheExpandedBox_andNothingElse() {
    // box 10..40 × 20..60, expanded by 30/28 about its centre and truncated: x 8..41, y 18..61
    float[] out = MaskPaste.paste(ones(28), 28, new float[] {10, 20, 40, 60}, 0, 100, 100);
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 100; x++) {
        float v = out[y * 100 + x];
        if (x < 8 || x > 41 || y < 18 || y > 61) {
          assertThat(v).as("pixel %d,%d", x, y).isZero();
        } else if (x >= 11 && x <= 38 && y >= 21 && y <= 58) {
          assertThat(v).as("pixel %d,%d", x, y).isEqualTo(1f);
        } else {
          assertThat(v).as("border pixel %d,%d", x, y).isBetween(0f, 1f);
        }
      }
    }
  }

  @Test
  void paste_clipsAtTheImageBorder() {
    float[] partly = MaskPaste.paste(ones(28), 28, new float[] {-20, -10, 15, 12}, 0, 30, 40);
    assertThat(partly[0]).isEqualTo(1f);
    assertThat(partly[29 * 40 + 39]).isZero();
    float[] outside = MaskPaste.paste(ones(28), 28, new float[] {100, 100, 140, 150}, 0, 30, 40);
    for (float v : outside) {
      assertThat(v).isZero();
    }
    assertThatThrownBy(() -> MaskPaste.paste(new float[10], 28, new float[4], 0, 5, 5))
        .hasMessageContaining("10 values");
  }

  @Test
  void toRle_keepsPixelsStrictlyAboveHalf_inColumnMajorOrder() {
    // 3×4 image: row-major probabilities, foreground at (x=1, y=0) and (x=3, y=2); 0.5 is background
    float[] p = {0f, 0.9f, 0.5f, 0f, 0f, 0f, 0f, 0f, 0.2f, 0f, 0f, 0.51f};
    Rle rle = MaskPaste.toRle(p, 3, 4);
    assertThat(rle.area()).isEqualTo(2);
    assertThat(rle.decode()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
    assertThat(rle.toBbox()).containsExactly(1, 0, 3, 3);
  }

  @Test
  void projectedTargets_areOneInsideTheMask_andZeroOutsideTheImage() {
    byte[] full = new byte[50 * 60];
    Arrays.fill(full, (byte) 1);
    float[] inside = MaskTargets.project(full, 50, 60, new float[] {5, 5, 45, 40}, 0, 28);
    for (float v : inside) {
      assertThat(v).isEqualTo(1f);
    }
    float[] outside = MaskTargets.project(full, 50, 60, new float[] {0, 0, 10, 10, 80, 70, 120, 90}, 1, 28);
    for (float v : outside) {
      assertThat(v).isZero();
    }
  }

  @Test
  void segmentationResults_roundTripThroughACocoResultsFile() throws Exception {
    float[] mask = new float[6 * 8];
    mask[2 * 8 + 3] = 0.7f;
    mask[3 * 8 + 3] = 0.9f;
    io.ticketlab.model.boxes.Detections d =
        io.ticketlab.model.boxes.Detections.boxes(new float[] {1, 2, 5, 6}, new float[] {0.8f}, new int[] {2})
            .withMasks(new float[][] {mask}, 6, 8);
    var results = io.ticketlab.train.detect.DetectionTrainer.toResults(42, d, label -> label * 10);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    io.ticketlab.data.coco.CocoWriter.writeResults(bytes, results);
    var read =
        io.ticketlab.data.coco.CocoReader.readResults(
            new java.io.ByteArrayInputStream(bytes.toByteArray()), java.nio.file.Path.of("results.json"), null);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).imageId()).isEqualTo(42);
    assertThat(read.get(0).categoryId()).isEqualTo(20);
    assertThat(read.get(0).bbox()).containsExactly(1, 2, 4, 4);
    assertThat(read.get(0).segmentation()).isEqualTo(MaskPaste.toRle(mask, 6, 8));
    assertThat(read.get(0).segmentation().area()).isEqualTo(2);
  }
}
