package io.ticketlab.analysis.keypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.analysis.Oracles;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeypointAnalysisOptionsTest {

  @Test
  void textbookVariant_keepsTheClassesButMovesKeypointsFurtherAndUnreversesFalseNegatives() {
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/keypoints/gt.json"));
    List<CocoResult> dt =
        CocoReader.readResults(Oracles.path("fixtures/keypoints/dt_kp.json"), gt);
    KeypointAnalysisResult quirk = KeypointAnalysis.analyze(gt, dt);
    KeypointAnalysisResult textbook =
        KeypointAnalysis.analyze(gt, dt, KeypointAnalysisOptions.textbook());
    assertThat(textbook.errorCounts()).isEqualTo(quirk.errorCounts());
    int moved = 0;
    for (int d = 0; d < quirk.detections().size(); d++) {
      KeypointDetectionErrors q = quirk.detections().get(d);
      KeypointDetectionErrors t = textbook.detections().get(d);
      if (!q.analysed()) {
        continue;
      }
      assertThat(t.errors()).isEqualTo(q.errors());
      for (int j = 0; j < 17; j++) {
        assertThat(t.correctedKeypoints()[3 * j + 1]).isEqualTo(q.correctedKeypoints()[3 * j + 1]);
        if (q.errors()[j] == KeypointError.JITTER || q.errors()[j] == KeypointError.MISS) {
          assertThat(t.correctedKeypoints()[3 * j]).isNotEqualTo(q.correctedKeypoints()[3 * j]);
          moved++;
        }
      }
    }
    assertThat(moved).isPositive();
    double[] q = quirk.isolated().get(KeypointAnalysisStep.FALSE_NEGATIVE).get("all");
    double[] t = textbook.isolated().get(KeypointAnalysisStep.FALSE_NEGATIVE).get("all");
    for (int i = 0; i < 10; i++) {
      assertThat(t[i]).isCloseTo(q[9 - i], within(1e-15));
    }
    assertThat(t[9]).isEqualTo(-1); // nothing matches at OKS .95
  }
}
