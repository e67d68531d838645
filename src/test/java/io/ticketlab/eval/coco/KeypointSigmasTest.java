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
    // By hand: (2σ)² = 0.01 and 0.04; d² = 1 and 4; area 2500: each term is
    // exp(-d² / (2σ)² / 2500 / 2) = exp(-0.02), so OKS = exp(-0.02) = 0.9801986733067553.
    double[] variances = Oks.variances(sigmas);
    assertThat(variances[0]).isCloseTo(0.01, within(1e-17));
    assertThat(variances[1]).isCloseTo(0.04, within(1e-17));
    assertThat(Oks.oks(DETECTION.get(0).keypoints(), HANDS.annotations().get(0).keypoints(),
        HANDS.annotations().get(0).bbox(), 2500, variances))
        .isCloseTo(0.9801986733067553, within(1e-15));
    // OKS ≈ 0.98: a TP at every threshold.
    assertThat(e.stat("AP")).isCloseTo(1 / (1 + Math.ulp(1.0)), within(1e-15));
  }

  @Test
  void oks_withOtherSigmas_changes() {
    // Sigmas twice as large: each term exp(-0.005), a guard against sigmas being ignored.
    double[] variances = Oks.variances(new double[] {0.1, 0.2});
    assertThat(Oks.oks(DETECTION.get(0).keypoints(), HANDS.annotations().get(0).keypoints(),
        HANDS.annotations().get(0).bbox(), 2500, variances))
        .isCloseTo(Math.exp(-0.005), within(1e-15));
  }

  @Test
  void cocoPersonSigmas_areThoseOfPycocotools() {
    // pycocotools' COCOeval: np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62,
    // 1.07, 1.07, .87, .87, .89, .89]) / 10.0 (nose, eyes, ears, shoulders, elbows, wrists,
    // hips, knees, ankles).
    assertThat(Oks.cocoPersonSigmas()).containsExactly(new double[] {
        0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107,
        0.087, 0.087, 0.089, 0.089}, within(1e-17));
  }

  @Test
  void missingSigmas_forANon17KeypointCategory_isBadInput() {
    assertThatThrownBy(() -> CocoEvaluator.evaluate(HANDS, DETECTION,
        EvalParams.defaults(IouType.KEYPOINTS)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("categories[id=5]").hasMessageContaining("sigmas");
  }
}
