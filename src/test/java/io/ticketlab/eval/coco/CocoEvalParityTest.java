package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with pycocotools 2.0.11 on every oracle fixture: stats, per-category AP and every element
 * of the accumulated precision, recall and scores arrays within 1e-12.
 */
class CocoEvalParityTest {
  private static final double TOLERANCE = 1e-12;

  static Stream<Arguments> oracles() {
    return Stream.of(
        Arguments.of("small", "bbox", "dt_bbox.json"),
        Arguments.of("small", "segm", "dt_segm.json"),
        Arguments.of("small", "keypoints", "dt_kp.json"),
        Arguments.of("errors", "bbox", "dt_bbox.json"),
        Arguments.of("errors", "segm", "dt_segm.json"),
        Arguments.of("keypoints", "keypoints", "dt_kp.json"));
  }

  static Evaluation run(String set, String iouType, String results) {
    JsonNode expected = OracleFiles.json("expected/" + set + "/coco_" + iouType + ".json");
    CocoDataset gt = CocoReader.readDataset(OracleFiles.path("fixtures/" + set + "/gt.json"));
    List<CocoResult> dt =
        CocoReader.readResults(OracleFiles.path("fixtures/" + set + "/" + results), gt);
    List<Integer> catIds = new ArrayList<>();
    expected.get("options").get("catIds").forEach(n -> catIds.add(n.asInt()));
    EvalParams params = EvalParams.defaults(IouType.parse(iouType)).withCategoryIds(catIds);
    return CocoEvaluator.evaluate(gt, dt, params);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("oracles")
  void statsAndPerCategoryAp_equalPycocotools(String set, String iouType, String results) {
    Evaluation e = run(set, iouType, results);
    JsonNode expected = OracleFiles.json("expected/" + set + "/coco_" + iouType + ".json");
    double[] stats = e.statsList();
    JsonNode statsList = expected.get("statsList");
    assertThat(stats).hasSize(statsList.size());
    for (int i = 0; i < stats.length; i++) {
      assertThat(stats[i]).as("stat %s", e.statNames().get(i))
          .isCloseTo(statsList.get(i).asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
    }
    JsonNode perCategory = expected.get("perCategory");
    assertThat(e.perCategory()).hasSize(perCategory.size());
    for (CategoryAp c : e.perCategory()) {
      JsonNode x = perCategory.get(String.valueOf(c.categoryId()));
      assertThat(c.name()).isEqualTo(x.get("name").asText());
      assertThat(c.ap()).isCloseTo(x.get("AP").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
      assertThat(c.ap50()).isCloseTo(x.get("AP50").asDouble(), org.assertj.core.data.Offset.offset(TOLERANCE));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("oracles")
  void accumulatedArrays_equalPycocotoolsElementwise(String set, String iouType, String results) {
    Evaluation e = run(set, iouType, results);
    JsonNode expected = OracleFiles.json("expected/" + set + "/coco_" + iouType + "_accumulate.json");
    int[] shape = e.precisionShape();
    JsonNode precision = expected.get("precision");
    JsonNode scores = expected.get("scores");
    JsonNode recall = expected.get("recall");
    List<Integer> expectedShape = new ArrayList<>();
    precision.get("shape").forEach(n -> expectedShape.add(n.asInt()));
    assertThat(expectedShape).containsExactly(shape[0], shape[1], shape[2], shape[3], shape[4]);
    double maxDiff = 0;
    for (int t = 0; t < shape[0]; t++) {
      for (int k = 0; k < shape[2]; k++) {
        for (int a = 0; a < shape[3]; a++) {
          for (int m = 0; m < shape[4]; m++) {
            double want = recall.get("data").get(t).get(k).get(a).get(m).asDouble();
            maxDiff = Math.max(maxDiff, Math.abs(want - e.recall(t, k, a, m)));
            assertThat(e.recall(t, k, a, m)).as("recall[%d,%d,%d,%d]", t, k, a, m)
                .isCloseTo(want, org.assertj.core.data.Offset.offset(TOLERANCE));
            for (int r = 0; r < shape[1]; r++) {
              double p = precision.get("data").get(t).get(r).get(k).get(a).get(m).asDouble();
              double s = scores.get("data").get(t).get(r).get(k).get(a).get(m).asDouble();
              maxDiff = Math.max(maxDiff, Math.abs(p - e.precision(t, r, k, a, m)));
              maxDiff = Math.max(maxDiff, Math.abs(s - e.score(t, r, k, a, m)));
              assertThat(e.precision(t, r, k, a, m)).as("precision[%d,%d,%d,%d,%d]", t, r, k, a, m)
                  .isCloseTo(p, org.assertj.core.data.Offset.offset(TOLERANCE));
              assertThat(e.score(t, r, k, a, m)).as("scores[%d,%d,%d,%d,%d]", t, r, k, a, m)
                  .isCloseTo(s, org.assertj.core.data.Offset.offset(TOLERANCE));
            }
          }
        }
      }
    }
    System.out.printf("parity %s %s: max abs difference %.3g%n", set, iouType, maxDiff);
  }
}
