package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvalCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Path oracle(String relative) {
    try {
      return Path.of(EvalCommandTest.class.getResource("/oracles/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bbox, dt_bbox.json", "segm, dt_segm.json", "keypoints, dt_kp.json"})
  void json_printsStatsAndPerCategoryEqualToPycocotools(String iou, String results)
      throws IOException {
    MainTest.Outcome o = MainTest.run("eval", "--gt", oracle("fixtures/small/gt.json").toString(),
        "--results", oracle("fixtures/small/" + results).toString(), "--iou", iou, "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode actual = JSON.readTree(o.out());
    JsonNode expected = JSON.readTree(oracle("expected/small/coco_" + iou + ".json").toFile());
    assertThat(actual.get("iouType").asText()).isEqualTo(iou);
    assertThat(actual.get("stats").size()).isEqualTo(expected.get("stats").size());
    expected.get("stats").fields().forEachRemaining(e ->
        assertThat(actual.get("stats").get(e.getKey()).asDouble()).as(e.getKey())
            .isCloseTo(e.getValue().asDouble(), org.assertj.core.data.Offset.offset(1e-12)));
    expected.get("perCategory").fields().forEachRemaining(e -> {
      JsonNode c = actual.get("perCategory").get(e.getKey());
      assertThat(c.get("name").asText()).isEqualTo(e.getValue().get("name").asText());
      assertThat(c.get("AP").asDouble())
          .isCloseTo(e.getValue().get("AP").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(c.has("APs") && c.has("APm") && c.has("APl")).isTrue();
    });
  }

  @Test
  void text_printsPycocotoolsTableAndPerCategory_andOutWritesJson() throws IOException {
    Path out = dir.resolve("eval.json");
    MainTest.Outcome o = MainTest.run("eval", "--gt", oracle("fixtures/small/gt.json").toString(),
        "--results", oracle("fixtures/small/dt_bbox.json").toString(), "--per-category",
        "--out", out.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.612")
        .contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.650")
        .contains("person").contains("dog");
    assertThat(JSON.readTree(out.toFile()).get("stats").get("AP50").asDouble())
        .isCloseTo(0.8982398239823983, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void missingGt_isAUsageError() {
    MainTest.Outcome o = MainTest.run("eval", "--results", "x.json");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("--gt");
  }

  @Test
  void unknownIouType_isAUsageError() {
    MainTest.Outcome o = MainTest.run("eval", "--gt", "a.json", "--results", "b.json", "--iou", "box");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("box");
  }

  private static final String GT = """
      {"images": [{"id": 1, "width": 100, "height": 80}],
       "categories": [{"id": 1, "name": "person", "keypoints": ["a", "b"], "skeleton": [[1, 2]]},
                      {"id": 2, "name": "car"}],
       "annotations": [
         {"id": 1, "image_id": 1, "category_id": 2, "bbox": [10, 10, 20, 20], "area": 400,
          "iscrowd": 0, "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]},
         %s]}
      """;

  private static final String GOOD_ANN =
      "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 25,"
          + " \"iscrowd\": 0, \"keypoints\": [2, 2, 2, 3, 3, 2], \"num_keypoints\": 2}";

  @Test
  void segmWithoutMasks_namesTheFileAndRecord() throws IOException {
    Path gt = dir.resolve("gt.json");
    Path res = dir.resolve("res.json");
    Files.writeString(gt, String.format(GT, GOOD_ANN));
    Files.writeString(res,
        "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]");
    MainTest.Outcome noGtMask = MainTest.run("eval", "--gt", gt.toString(), "--results",
        res.toString(), "--iou", "segm");
    assertThat(noGtMask.err()).contains("gt.json: annotations[1].segmentation: missing");
    Files.writeString(gt, String.format(GT, GOOD_ANN.replace("\"iscrowd\": 0,",
        "\"iscrowd\": 0, \"segmentation\": [[1, 1, 6, 1, 6, 6]],")));
    Files.writeString(res, "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5,"
        + " \"keypoints\": [1, 1, 2, 3, 3, 2]}]");
    MainTest.Outcome o = MainTest.run("eval", "--gt", gt.toString(), "--results", res.toString(),
        "--iou", "segm");
    assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
    assertThat(o.err()).contains("res.json: [0].segmentation");
  }

  private MainTest.Outcome evalWith(String annotation, String results) throws IOException {
    Path gt = dir.resolve("gt.json");
    Path res = dir.resolve("res.json");
    Files.writeString(gt, String.format(GT, annotation));
    Files.writeString(res, results);
    return MainTest.run("eval", "--gt", gt.toString(), "--results", res.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "malformed results JSON | " + "x | [{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], "
        + "\"score\": 0.5}, | res.json;malformed JSON",
    "unknown image_id | x | [{\"image_id\": 7, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]"
        + " | res.json;[0].image_id;7",
    "unknown category_id | x | [{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 0.5},"
        + " {\"image_id\": 1, \"category_id\": 9, \"bbox\": [1, 2, 3, 4], \"score\": 0.5}]"
        + " | res.json;[1].category_id;9",
    "NaN box size | x | [{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, NaN, 4], \"score\": 0.5}]"
        + " | res.json;[0].bbox;NaN",
    "negative box size | x | [{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, -4], \"score\": 1}]"
        + " | res.json;[0].bbox;-4.0;negative",
    "short polygon | {\"id\": 3, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 1, 2, 2], \"area\": 4,"
        + " \"segmentation\": [[1, 1, 2, 2]]} | [] | gt.json;annotations[1].segmentation;at least 6",
    "RLE counts not summing to h*w | {\"id\": 3, \"image_id\": 1, \"category_id\": 2, \"area\": 4,"
        + " \"bbox\": [1, 1, 2, 2], \"iscrowd\": 1, \"segmentation\": {\"size\": [80, 100], \"counts\": [5, 4, 10]}}"
        + " | [] | gt.json;annotations[1].segmentation.counts;8000",
    "keypoints of wrong length in GT | {\"id\": 3, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2],"
        + " \"area\": 4, \"keypoints\": [1, 1, 2], \"num_keypoints\": 1} | [] | gt.json;annotations[1].keypoints;3 x 2",
    "keypoints of wrong length in results | x | [{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5,"
        + " \"keypoints\": [1, 1, 2, 3, 3, 2, 4, 4, 2]}] | res.json;[0].keypoints;3 x 2",
  })
  void badInput_exits2WithOneLineNamingFileRecordAndField(
      String what, String annotation, String results, String expected) throws IOException {
    MainTest.Outcome o = evalWith("x".equals(annotation) ? GOOD_ANN : annotation, results);
    assertThat(o.exitCode()).as(what + ": " + o.err()).isEqualTo(2);
    assertThat(o.err().strip().lines()).as(o.err()).hasSize(1);
    for (String part : expected.split(";")) {
      assertThat(o.err()).as(what).contains(part);
    }
    assertThat(o.err()).doesNotContain("Exception");
  }

  @Test
  void groundTruthWithBrokenReferences_isRefusedNamingTheRecord_orDroppedWithACountWhenLenient() throws IOException {
    String images = "[{\"id\": 1, \"width\": 40, \"height\": 40}, {\"id\": 2, \"width\": 40, \"height\": 40}]";
    String categories = "[{\"id\": 1, \"name\": \"a\"}]";
    String good = "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100}";
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"images\": " + images + ", \"categories\": "
        + categories + ", \"annotations\": [" + good
        + ", {\"id\": 2, \"image_id\": 9, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 25}"
        + ", {\"id\": 3, \"image_id\": 2, \"category_id\": 4, \"bbox\": [1, 1, 5, 5], \"area\": 25}"
        + ", {\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [2, 2, 5, 5], \"area\": 25}]}");
    Path clean = Files.writeString(dir.resolve("clean.json"), "{\"images\": " + images + ", \"categories\": "
        + categories + ", \"annotations\": [" + good + "]}");
    Path results = Files.writeString(dir.resolve("r.json"),
        "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"score\": 0.9},"
            + " {\"image_id\": 2, \"category_id\": 1, \"bbox\": [2, 2, 5, 5], \"score\": 0.8}]");

    MainTest.Outcome strict = MainTest.run("eval", "--gt", broken.toString(), "--results", results.toString());
    assertThat(strict.exitCode()).isEqualTo(2);
    assertThat(strict.err().strip()).isEqualTo("ticketlab eval: " + broken
        + ": annotations[1].image_id: bad value 9: no image with this id in the file; pass --lenient to drop such"
        + " records with a warning");

    MainTest.Outcome lenient = MainTest.run("eval", "--gt", broken.toString(), "--results", results.toString(),
        "--lenient", "--json");
    assertThat(lenient.exitCode()).as(lenient.err()).isZero();
    assertThat(lenient.err().strip()).startsWith("eval: warning: " + broken + ": lenient: dropped 3 of 4"
        + " ground-truth objects (1 with an unknown image_id, 1 with an unknown category_id, 1 with a duplicate id)");
    MainTest.Outcome reference = MainTest.run("eval", "--gt", clean.toString(), "--results", results.toString(), "--json");
    assertThat(lenient.out()).isEqualTo(reference.out());
  }

  @Test
  void groundTruthWithoutImages_isReportedAgainstTheGroundTruthFile() throws IOException {
    Path gt = Files.writeString(dir.resolve("noimages.json"), "{\"categories\": [{\"id\": 1, \"name\": \"a\"}],"
        + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}]}");
    Path results = Files.writeString(dir.resolve("r.json"),
        "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"score\": 0.9}]");
    MainTest.Outcome o = MainTest.run("eval", "--gt", gt.toString(), "--results", results.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).startsWith("ticketlab eval: " + gt + ": images: missing").doesNotContain(results.toString());
  }
}
