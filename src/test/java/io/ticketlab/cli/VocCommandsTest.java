package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocCommandsTest {
  @TempDir Path dir;

  static String resource(String relative) {
    try {
      return Path.of(VocCommandsTest.class.getResource("/voc/" + relative).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void evalVoc_printsMeanAndStdOverReplicates() throws IOException {
    MainTest.Outcome o = MainTest.run("eval", "voc", "--voc-root", resource("VOC2007"),
        "--split", "test", "--results", resource("results_a.json"), resource("results_b.json"),
        "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(o.out());
    assertThat(json.get("replicates").asInt()).isEqualTo(2);
    assertThat(json.get("mAP").get("mean").asDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    MainTest.Outcome text = MainTest.run("eval", "voc", "--voc-root", resource("VOC2007"),
        "--results", resource("results_a.json"), "--metric", "12");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("dog").contains("66.67").contains("mAP");
  }

  @Test
  void evalVoc_unknownImage_isBadInput() throws IOException {
    Path res = dir.resolve("res.json");
    Files.writeString(res, "[{\"image_id\": \"999999\", \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]");
    MainTest.Outcome o = MainTest.run("eval", "voc", "--voc-root", resource("VOC2007"),
        "--results", res.toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("res.json").contains("[0].image_id").contains("999999");
    assertThat(o.err().strip().lines()).hasSize(1);
  }

  @Test
  void voc2coco_writesACocoFileThatEvalReads() {
    Path out = dir.resolve("voc_test.json");
    MainTest.Outcome o = MainTest.run("data", "voc2coco", "--voc-root", resource("VOC2007"),
        "--split", "test", "--out", out.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    CocoDataset coco = CocoReader.readDataset(out);
    assertThat(coco.annotations()).hasSize(4);
    MainTest.Outcome eval = MainTest.run("eval", "--gt", out.toString(), "--results",
        resource("results_b.json").replace("results_b", "results_coco"), "--json");
    assertThat(eval.exitCode()).as(eval.err()).isZero();
  }

  @Test
  void dataAlone_isAUsageError() {
    MainTest.Outcome o = MainTest.run("data");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("voc2coco");
  }
}
