package io.ticketlab.data.coco;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskApiTest {

  static Path oracle(String relative) {
    try {
      return Path.of(MaskApiTest.class.getResource("/oracles/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode readTree(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void compressedStringsWrittenByPycocotools_decodeAndEncodeBackIdentically() {
    CocoDataset gt = CocoReader.readDataset(oracle("fixtures/small/gt.json"));
    int checked = 0;
    for (String file : List.of("fixtures/small/dt_segm.json", "fixtures/errors/dt_segm.json")) {
      List<CocoResult> results = CocoReader.readResults(oracle(file), null);
      JsonNode raw = readTree(oracle(file));
      assertThat(results).hasSize(raw.size());
      // every mask of the file: decoded, encoded again, and written back to pycocotools' string
      for (int i = 0; i < results.size(); i++) {
        Rle rle = results.get(i).segmentation();
        JsonNode segmentation = raw.get(i).get("segmentation");
        assertThat(rle.height()).isEqualTo(segmentation.get("size").get(0).asInt());
        assertThat(rle.width()).isEqualTo(segmentation.get("size").get(1).asInt());
        assertThat(rle.totalCount()).isEqualTo((long) rle.height() * rle.width());
        Rle again = Rle.encode(rle.decode(), rle.height(), rle.width());
        assertThat(again).as("%s[%d]", file, i).isEqualTo(rle);
        assertThat(again.toCompressedString()).as("%s[%d]", file, i)
            .isEqualTo(segmentation.get("counts").asText());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(1000);
    assertThat(gt.annotations()).anyMatch(a -> a.segmentation() instanceof Segmentation.RunLength r
        && r.compressed());
  }

  @Test
  void compressedString_usesCocoDeltaEncodingFromTheFourthCount() {
    Rle rle = new Rle(4, 4, new int[] {3, 5, 2, 6});
    String s = rle.toCompressedString();
    // 3 -> '3', 5 -> '5', 2 -> '2', 6 - 5 = 1 -> '1'
    assertThat(s).isEqualTo("3521");
    assertThat(Rle.fromCompressedString(s, 4, 4)).isEqualTo(rle);
  }

  @Test
  void polygonSquare_coversThePixelsWhoseCentresItContains() {
    // A 2x2 square from (1,1) to (3,3) on a 5x5 grid covers pixels x, y in {1, 2}.
    Rle rle = PolygonRasterizer.rasterize(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, 5, 5);
    assertThat(rle.area()).isEqualTo(4);
    assertThat(rle.toBbox()).containsExactly(1, 1, 2, 2);
    assertThat(rle.counts()).containsExactly(6, 2, 3, 2, 12);
  }

  @Test
  void fromBbox_isTheRectanglePolygon() {
    Rle rle = Rle.fromBbox(new double[] {10, 20, 30, 40}, 100, 100);
    assertThat(rle.area()).isEqualTo(1200);
    assertThat(rle.toBbox()).containsExactly(10, 20, 30, 40);
  }

  @Test
  void crowdIou_dividesByTheDetectionArea() {
    Rle gt = Rle.fromBbox(new double[] {0, 0, 10, 10}, 20, 20);
    Rle dt = Rle.fromBbox(new double[] {5, 0, 10, 10}, 20, 20);
    assertThat(Rle.iou(dt, gt, false)).isEqualTo(50.0 / 150.0);
    assertThat(Rle.iou(dt, gt, true)).isEqualTo(0.5);
    assertThat(BoxIou.iou(new double[] {5, 0, 10, 10}, new double[] {0, 0, 10, 10}, true))
        .isEqualTo(0.5);
  }

  @Test
  void masksOfDifferentSizes_haveIouMinusOne() {
    Rle a = Rle.fromBbox(new double[] {0, 0, 5, 5}, 10, 10);
    Rle b = Rle.fromBbox(new double[] {0, 0, 5, 5}, 10, 12);
    assertThat(Rle.iou(a, b, false)).isEqualTo(-1);
  }
}
