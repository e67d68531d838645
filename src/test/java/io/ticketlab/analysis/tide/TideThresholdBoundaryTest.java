package io.ticketlab.analysis.tide;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Detections whose IoU is exactly a threshold (0.5 = 50/100 and 0.1 = 10/100, exact in double as
 * tidecv computes them), where tidecv 1.0.1's comparisons decide (quantify.py): a true positive at
 * IoU ≥ 0.5; Loc for a same-class IoU in [0.1, 0.5] (both ends in); Cls for another class's IoU ≥
 * 0.5; Bkg at IoU ≤ 0.1; a crowd region ignores a detection (leaves it out of the AP, not out of
 * the errors: the oracles' README, 4.2) only when the detection's crowd IoU is above 0.5. The parity fixtures have no IoU that lands on a threshold, so these boundaries were
 * open (PIT: conditional-boundary mutants survived).
 */
class TideThresholdBoundaryTest {
  private static final double[] GT_BOX = {0, 0, 10, 10};

  private static Map<Integer, TideErrorType> errors(List<CocoAnnotation> anns, List<CocoResult> dt) {
    CocoDataset gt = new CocoDataset(List.of(new CocoImage(1, 100, 100, "a.jpg")),
        List.of(CocoCategory.of(1, "a"), CocoCategory.of(2, "b")), anns);
    return Tide.analyze(gt, dt, TideSettings.defaults(TideMode.BBOX)).errorsByResultIndex();
  }

  private static CocoAnnotation gt(long id, int category, double[] box, boolean crowd) {
    return CocoAnnotation.box(id, 1, category, box, box[2] * box[3], crowd);
  }

  @Test
  void iouExactlyTheForegroundThreshold_isATruePositive() {
    // [0,0,5,10] against [0,0,10,10]: 50 / 100
    assertThat(errors(List.of(gt(1, 1, GT_BOX, false)), List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 5, 10}))))
        .isEmpty();
  }

  @Test
  void aSecondDetectionAtExactlyTheForegroundThreshold_ofAMatchedGt_isLoc_notDupe() {
    Map<Integer, TideErrorType> e = errors(List.of(gt(1, 1, GT_BOX, false)), List.of(
        CocoResult.box(1, 1, 0.9, GT_BOX),
        CocoResult.box(1, 1, 0.8, new double[] {0, 0, 5, 10})));
    assertThat(e).containsExactly(Map.entry(1, TideErrorType.LOC));
  }

  @Test
  void sameClassIouExactlyTheBackgroundThreshold_isLoc() {
    // [0,0,1,10]: 10 / 100
    assertThat(errors(List.of(gt(1, 1, GT_BOX, false)), List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 1, 10}))))
        .containsExactly(Map.entry(0, TideErrorType.LOC));
  }

  @Test
  void otherClassIouExactlyTheForegroundThreshold_isCls() {
    assertThat(errors(List.of(gt(1, 1, GT_BOX, false)), List.of(CocoResult.box(1, 2, 0.9, new double[] {0, 0, 5, 10}))))
        .containsExactly(Map.entry(0, TideErrorType.CLS));
  }

  @Test
  void otherClassIouExactlyTheBackgroundThreshold_isBkg_andJustAboveIsBoth() {
    assertThat(errors(List.of(gt(1, 1, GT_BOX, false)), List.of(CocoResult.box(1, 2, 0.9, new double[] {0, 0, 1, 10}))))
        .containsExactly(Map.entry(0, TideErrorType.BKG));
    // 20 / 100: neither a Cls (< 0.5) nor background (> 0.1)
    assertThat(errors(List.of(gt(1, 1, GT_BOX, false)), List.of(CocoResult.box(1, 2, 0.9, new double[] {0, 0, 2, 10}))))
        .containsExactly(Map.entry(0, TideErrorType.BOTH));
  }

  @Test
  void aCrowdRegion_ignoresADetectionOnlyAboveTheForegroundThreshold() {
    // crowd IoU is the intersection over the detection's area: 100 / 200 = 0.5, not ignored
    CocoDataset gt = new CocoDataset(List.of(new CocoImage(1, 100, 100, "a.jpg")), List.of(CocoCategory.of(1, "a")),
        List.of(gt(1, 1, new double[] {50, 50, 10, 10}, false), gt(2, 1, GT_BOX, true)));
    TideSettings bbox = TideSettings.defaults(TideMode.BBOX);
    TideResult atThreshold = Tide.analyze(gt, List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 10, 20})), bbox);
    assertThat(atThreshold.ignoredDetections()).isEmpty();
    // 100 / 190 > 0.5: ignored (left out of the AP), yet it keeps its error, as in tidecv
    TideResult above = Tide.analyze(gt, List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 10, 19})), bbox);
    assertThat(above.ignoredDetections()).containsExactly(0);
    assertThat(above.errorsByResultIndex()).containsExactly(Map.entry(0, TideErrorType.BKG));
    assertThat(atThreshold.errorsByResultIndex()).containsExactly(Map.entry(0, TideErrorType.BKG));
  }
}
