package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keypoint sets other than COCO's person evaluate with their own sigmas. */
class KeypointSigmasTest {
  private static final CocoDataset HANDS = new CocoDataset(
      List.of(new CocoImage(1, 200, 200, null)),
      List.of(new CocoCategory(5, "hand", "hand", List.of("thumb", "index"), List.of(List.of(1, 2)))),
      List.of(new CocoAnnotation(1, 1, 5, new double[] {10, 10, 50, 50}, 2500, false, null,
          new double[] {20, 20, 2, 40, 40, 2}, 2)));

  private static final List<CocoResult> DETECTION = List.of(
      new CocoResult(1, 5, 0.9, null, null, new double[] {21, 20, 1, 40, 42, 1}));

  @Test
  void oks_usesTheGivenSigmas() {
    double[] sigmas = {0.05, 0.1};
    Evaluation e = CocoEvaluator.evaluate(HANDS, DETECTION,
        EvalParams.defaults(IouType.KEYPOINTS).withKeypointSigmas(Map.of(5, sigmas)));
    double[] variances = Oks.variances(sigmas);
    double scale = 2500 + Math.ulp(1.0);
    double expected = (Math.exp(-(1.0 / variances[0] / scale / 2))
        + Math.exp(-(4.0 / variances[1] / scale / 2))) / 2;
    assertThat(Oks.oks(DETECTION.get(0).keypoints(), HANDS.annotations().get(0).keypoints(),
        HANDS.annotations().get(0).bbox(), 2500, variances)).isEqualTo(expected);
    // OKS ≈ 0.98: a TP at every threshold.
    assertThat(expected).isBetween(0.95, 1.0);
    assertThat(e.stat("AP")).isCloseTo(1 / (1 + Math.ulp(1.0)), within(1e-15));
  }

  @Test
  void missingSigmas_forANon17KeypointCategory_isBadInput() {
    assertThatThrownBy(() -> CocoEvaluator.evaluate(HANDS, DETECTION,
        EvalParams.defaults(IouType.KEYPOINTS)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("categories[id=5]").hasMessageContaining("sigmas");
  }
}
