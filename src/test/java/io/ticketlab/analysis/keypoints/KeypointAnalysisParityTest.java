package io.ticketlab.analysis.keypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.analysis.Oracles;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The keypoint analysis against coco-analyze's outputs on the keypoint oracle set. */
class KeypointAnalysisParityTest {
  private static final double TOL = 1e-6;
  private static final String[] LABELS = {
    "0.50", "0.55", "0.60", "0.65", "0.70", "0.75", "0.80", "0.85", "0.90", "0.95"
  };
  static JsonNode expected;
  static KeypointAnalysisResult result;

  @BeforeAll
  static void run() {
    expected = Oracles.json("expected/keypoints/coco_analyze.json");
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/keypoints/gt.json"));
    List<CocoResult> dt = CocoReader.readResults(Oracles.path("fixtures/keypoints/dt_kp.json"), gt);
    result = KeypointAnalysis.analyze(gt, dt);
  }

  @Test
  void cumulativeTables_matchCocoAnalyze() {
    for (KeypointAnalysisStep step : KeypointAnalysisStep.values()) {
      for (String area : KeypointAnalysis.AREAS) {
        JsonNode e = expected.get("cumulative").get(step.toolName()).get(area);
        double[] actual = result.cumulative().get(step).get(area);
        for (int t = 0; t < LABELS.length; t++) {
          assertThat(actual[t]).as(step + " " + area + " " + LABELS[t])
              .isCloseTo(e.get(LABELS[t]).asDouble(), within(TOL));
        }
        assertThat(result.cumulativeAp(step, area)).as(step + " " + area + " mean")
            .isCloseTo(e.get("mean").asDouble(), within(TOL));
      }
    }
  }

  @Test
  void cumulativeSequence_matchesHeadlineValues() {
    JsonNode seq = expected.get("cumulativeSequence");
    KeypointAnalysisStep[] steps = KeypointAnalysisStep.values();
    for (int i = 0; i < steps.length; i++) {
      assertThat(seq.get(i).get("step").asText()).isEqualTo(steps[i].toolName());
      assertThat(result.cumulativeAp(steps[i], "all"))
          .isCloseTo(seq.get(i).get("AP_all").asDouble(), within(TOL));
    }
  }

  @Test
  void isolatedApAndImprovement_matchErrorsApImpact() {
    for (KeypointAnalysisStep step : KeypointAnalysisStep.values()) {
      for (String area : KeypointAnalysis.AREAS) {
        JsonNode e = expected.get("isolated_ap").get(step.toolName()).get(area);
        double[] actual = result.isolated().get(step).get(area);
        for (int t = 0; t < LABELS.length; t++) {
          assertThat(actual[t]).as("isolated " + step + " " + area + " " + LABELS[t])
              .isCloseTo(e.get(LABELS[t]).asDouble(), within(TOL));
        }
        if (step == KeypointAnalysisStep.BASELINE) {
          continue;
        }
        JsonNode imp = expected.get("isolated_improvement").get(step.toolName()).get(area);
        double[] improvement = result.isolatedImprovement(step, area);
        for (int t = 0; t < LABELS.length; t++) {
          assertThat(improvement[t]).as("improvement " + step + " " + area + " " + LABELS[t])
              .isCloseTo(imp.get(t).asDouble(), within(TOL));
        }
      }
    }
  }

  @Test
  void errorCounts_matchCocoAnalyze() {
    JsonNode c = expected.get("kpt_error_counts");
    assertThat(result.numDetections()).isEqualTo(c.get("num_dets").asInt());
    assertThat(result.numMatched()).isEqualTo(c.get("num_matched").asInt());
    for (KeypointError e : KeypointError.values()) {
      assertThat(result.errorCounts().get(e)).as(e.toString())
          .isEqualTo(c.get("totals").get(e.jsonName()).asInt());
      for (int j = 0; j < 17; j++) {
        assertThat(result.perKeypointCounts()[e.ordinal()][j]).as(e + " keypoint " + j)
            .isEqualTo(c.get("per_keypoint").get(e.jsonName()).get(j).asInt());
      }
    }
  }

  @Test
  void backgroundCounts_matchCocoAnalyze() {
    for (String area : KeypointAnalysis.AREAS) {
      int[][] counts = result.backgroundCounts().get(area);
      for (int t = 0; t < LABELS.length; t++) {
        JsonNode e = expected.get("fp_fn_counts").get(area).get(LABELS[t]);
        assertThat(counts[t]).as(area + " " + LABELS[t])
            .containsExactly(e.get(0).asInt(), e.get(1).asInt());
      }
    }
  }

  @Test
  void baselineStats_matchCocoAnalyze() {
    JsonNode s = expected.get("baseline_stats");
    for (int i = 0; i < 10; i++) {
      assertThat(result.baselineStats()[i]).as("stat " + i)
          .isCloseTo(s.get(i).asDouble(), within(TOL));
    }
  }

  @Test
  void perDetection_flagsCorrectedKeypointsAndScores_matchCocoAnalyze() {
    Map<Integer, KeypointDetectionErrors> byIndex = new HashMap<>();
    result.detections().forEach(d -> byIndex.put(d.resultIndex(), d));
    JsonNode perDet = expected.get("per_det");
    assertThat(byIndex).hasSize(perDet.size());
    for (JsonNode e : perDet) {
      KeypointDetectionErrors d = byIndex.get(e.get("index").asInt());
      String what = "detection " + e.get("index").asInt();
      assertThat(d).as(what).isNotNull();
      assertThat(d.optimalScore()).as(what + " opt_score")
          .isCloseTo(e.get("opt_score").asDouble(), within(TOL));
      assertThat(d.maxOks()).as(what + " max_oks")
          .isCloseTo(e.get("max_oks").asDouble(), within(TOL));
      assertThat(d.analysed()).as(what + " analysed").isEqualTo(e.has("good"));
      if (!d.analysed()) {
        continue;
      }
      for (KeypointError type : KeypointError.values()) {
        for (int j = 0; j < 17; j++) {
          assertThat(d.errors()[j] == type ? 1 : 0).as(what + " " + type + " " + j)
              .isEqualTo(e.get(type.jsonName()).get(j).asInt());
        }
      }
      for (int i = 0; i < 51; i++) {
        assertThat(d.correctedKeypoints()[i]).as(what + " opt_keypoints " + i)
            .isCloseTo(e.get("opt_keypoints").get(i).asDouble(), within(TOL));
      }
    }
  }
}
