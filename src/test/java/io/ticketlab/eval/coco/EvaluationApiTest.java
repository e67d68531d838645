package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The library view of an evaluation: stats by name, per-area and per-category tables. */
class EvaluationApiTest {

  @Test
  void statsAndTables_areConsistentWithTheArrays() {
    Evaluation e = CocoEvalParityTest.run("errors", "bbox", "dt_bbox.json");
    assertThat(e.statNames()).containsExactly(
        "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");
    assertThat(e.stats().keySet()).containsExactlyElementsOf(e.statNames());
    assertThat(e.apByArea()).containsOnlyKeys("all", "small", "medium", "large");
    assertThat(e.apByArea().get("all")).isEqualTo(e.stat("AP"));
    assertThat(e.apByArea().get("large")).isEqualTo(e.stat("APl"));
    assertThat(e.averagePrecision(0.5, "all", 100)).isEqualTo(e.stat("AP50"));
    assertThat(e.averageRecall(null, "all", 10)).isEqualTo(e.stat("AR10"));
    assertThat(e.averagePrecision(0.123, "all", 100)).isEqualTo(-1);
    assertThat(e.perCategory()).extracting(CategoryAp::categoryId).containsExactly(1, 2, 3, 4, 5);
    assertThat(e.precisionShape()).containsExactly(10, 101, 5, 4, 3);
    assertThat(e.precisionArray()).hasSize(10 * 101 * 5 * 4 * 3);
    assertThat(e.params().imageIds()).hasSize(100);
    assertThatThrownBy(() -> e.stat("AR")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void summary_printsPycocotoolsLines() {
    Evaluation e = CocoEvalParityTest.run("keypoints", "keypoints", "dt_kp.json");
    assertThat(e.summary().lines()).hasSize(10);
    assertThat(e.summary()).startsWith(
        " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.257");
    assertThat(Evaluation.threeDecimals(-1)).isEqualTo("-1.000");
    assertThat(Evaluation.threeDecimals(0.0005)).isEqualTo("0.001"); // 0.0005 is just above half
  }
}
