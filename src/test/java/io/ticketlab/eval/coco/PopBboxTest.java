package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pycocotools' loadRes takes result areas from boxes when the first result has one. */
class PopBboxTest {

  @Test
  void segmResultsWithBoxes_useBoxAreasUnlessPopped() {
    List<CocoResult> masks =
        CocoReader.readResults(OracleFiles.path("fixtures/errors/dt_segm.json"), null);
    CocoDataset errorsGt = CocoReader.readDataset(OracleFiles.path("fixtures/errors/gt.json"));
    // The same masks, now carrying a box (a loose one: 20% wider than the mask).
    List<CocoResult> withBoxes = masks.stream().map(r -> {
      double[] b = r.segmentation().toBbox();
      return new CocoResult(r.imageId(), r.categoryId(), r.score(),
          new double[] {b[0], b[1], b[2] * 1.2, b[3]}, r.segmentation(), null);
    }).toList();
    JsonNode expected = OracleFiles.json("expected/errors/coco_segm.json").get("statsList");
    EvalParams segm = EvalParams.defaults(IouType.SEGM);

    Evaluation popped = CocoEvaluator.evaluate(errorsGt, withBoxes, segm.withPopBbox(true));
    for (int i = 0; i < expected.size(); i++) {
      assertThat(popped.statsList()[i]).isCloseTo(expected.get(i).asDouble(), within(1e-12));
    }
    Evaluation boxAreas = CocoEvaluator.evaluate(errorsGt, withBoxes, segm);
    // Same IoUs (masks), so AP50 over all areas agrees; the area ranges see other areas.
    assertThat(boxAreas.stat("AP")).isCloseTo(popped.stat("AP"), within(1e-12));
    assertThat(boxAreas.statsList()).isNotEqualTo(popped.statsList());
  }
}
