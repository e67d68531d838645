package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.analysis.Oracles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String fixture(String relative) {
    return Oracles.path("fixtures/" + relative).toString();
  }

  @Test
  void tideJson_hasTheIssueSchemaAndTidecvNumbers() throws Exception {
    MainTest.Outcome o = MainTest.run("analyze", "tide", "--gt", fixture("small/gt.json"),
        "--results", fixture("small/dt_segm.json"), "--label", "dense", "--mode", "mask",
        "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode model = JSON.readTree(o.out()).get("models").get(0);
    JsonNode expected = Oracles.json("expected/small/tide_mask.json");
    assertThat(model.get("label").asText()).isEqualTo("dense");
    assertThat(model.get("AP50").asDouble())
        .isCloseTo(expected.get("AP").asDouble(), within(1e-9));
    for (String t : new String[] {"Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"}) {
      assertThat(model.get("main").get(t).asDouble())
          .isCloseTo(expected.get("main").get(t).asDouble(), within(1e-9));
      assertThat(model.get("counts").get(t).asInt())
          .isEqualTo(expected.get("counts").get(t).asInt());
    }
    assertThat(model.get("special").get("FalseNeg").asDouble())
        .isCloseTo(expected.get("special").get("FalseNeg").asDouble(), within(1e-9));
  }

  @Test
  void tideWithTwoModelsAndOut_printsBothTablesAndWritesFigures(@TempDir Path dir) {
    MainTest.Outcome o = MainTest.run("analyze", "tide", "--gt", fixture("small/gt.json"),
        "--results", fixture("small/dt_bbox.json"), "--results", fixture("small/dt_bbox.json"),
        "--label", "dense", "--label", "sparse 80%", "--out", dir.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("-- dense --").contains("-- sparse 80% --")
        .contains("bbox AP @ 50: 89.82");
    for (String f : new String[] {"tide_dense.png", "tide_dense.svg", "tide_sparse_80_.png",
        "tide_comparison.png", "tide_comparison.svg"}) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
  }

  @Test
  void keypointsJson_hasTheIssueSchemaAndCocoAnalyzeNumbers(@TempDir Path dir) throws Exception {
    MainTest.Outcome o = MainTest.run("analyze", "keypoints", "--gt", fixture("keypoints/gt.json"),
        "--results", fixture("keypoints/dt_kp.json"), "--json", "--out", dir.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode model = JSON.readTree(o.out()).get("models").get(0);
    assertThat(model.get("label").asText()).isEqualTo("dt_kp");
    JsonNode seq = Oracles.json("expected/keypoints/coco_analyze.json").get("cumulativeSequence");
    String[] keys = {"baseline", "miss", "swap", "inversion", "jitter", "score", "bkg", "fn"};
    for (int i = 0; i < keys.length; i++) {
      assertThat(model.get("cumulative").get(keys[i]).asDouble()).as(keys[i])
          .isCloseTo(seq.get(i).get("AP_all").asDouble(), within(1e-9));
    }
    assertThat(model.get("isolated").get("fn").asDouble()).isCloseTo(0.6, within(1e-9));
    assertThat(model.get("isolated").has("baseline")).isFalse();
    assertThat(model.get("counts").get("good").asInt()).isEqualTo(472);
    assertThat(model.get("counts").get("miss").asInt()).isEqualTo(169);
    assertThat(dir.resolve("keypoints_dt_kp.png")).isRegularFile();
    assertThat(dir.resolve("keypoints_dt_kp.svg")).isRegularFile();
  }

  @Test
  void labelCountMismatch_isAUsageError() {
    MainTest.Outcome o = MainTest.run("analyze", "tide", "--gt", fixture("small/gt.json"),
        "--results", fixture("small/dt_bbox.json"), "--label", "a", "--label", "b");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("--label");
  }

  @Test
  void maskModeOnBoxResults_exits2NamingTheResultsFileRecordAndField() {
    MainTest.Outcome o = MainTest.run("analyze", "tide", "--gt", fixture("small/gt.json"),
        "--results", fixture("small/dt_bbox.json"), "--mode", "mask");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("dt_bbox.json").contains("[0]").contains("segmentation");
  }

  @Test
  void resultsForAnUnknownImage_exit2WithTheReadersMessage(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[{\"image_id\": 999, \"category_id\": 1, \"score\": 0.5,"
        + " \"bbox\": [0, 0, 1, 1]}]");
    MainTest.Outcome o = MainTest.run("analyze", "keypoints", "--gt", fixture("keypoints/gt.json"),
        "--results", bad.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("bad.json").contains("image_id").contains("999");
  }

  @Test
  void unknownMode_isAUsageError() {
    MainTest.Outcome o = MainTest.run("analyze", "tide", "--gt", fixture("small/gt.json"),
        "--results", fixture("small/dt_bbox.json"), "--mode", "keypoints");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("--mode");
  }
}
