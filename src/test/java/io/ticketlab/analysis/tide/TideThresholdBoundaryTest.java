package io.ticketlab.analysis.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aLocErrorTiedBetweenTwoGts_targetsTheFirst_asNumpysArgmax() {
    // [5,0,20,10] overlaps A [0,0,10,10] and B [20,0,10,10] by 50 each: IoU 50 / 250 = 0.2 with both
    CocoDataset gt = new CocoDataset(List.of(new CocoImage(1, 100, 100, "a.jpg")), List.of(CocoCategory.of(1, "a")),
        List.of(gt(1, 1, GT_BOX, false), gt(2, 1, new double[] {20, 0, 10, 10}, false)));
    TideResult r = Tide.analyze(gt, List.of(CocoResult.box(1, 1, 0.9, new double[] {5, 0, 20, 10})),
        TideSettings.defaults(TideMode.BBOX));
    assertThat(r.errorsByResultIndex()).containsExactly(Map.entry(0, TideErrorType.LOC));
    assertThat(r.detectionErrors().get(0).targetGtId()).isEqualTo(1L);
    assertThat(r.missedGtIds()).as("A became usable, B is missed").containsExactly(2L);
  }

  @Test
  void twoCrowdRegionsOfOneImage_eachIgnoresItsOwnClass() {
    // crowd IoUs are indexed per (detection, region): with two regions a wrong index mixes them up
    CocoDataset gt = new CocoDataset(List.of(new CocoImage(1, 100, 100, "a.jpg")),
        List.of(CocoCategory.of(1, "a"), CocoCategory.of(2, "b")),
        List.of(gt(1, 1, new double[] {80, 80, 10, 10}, false), gt(2, 1, GT_BOX, true),
            gt(3, 2, new double[] {40, 40, 10, 10}, true)));
    TideResult r = Tide.analyze(gt, List.of(
        CocoResult.box(1, 1, 0.9, GT_BOX),
        CocoResult.box(1, 1, 0.8, new double[] {60, 60, 10, 10}),
        CocoResult.box(1, 2, 0.7, new double[] {40, 40, 10, 10}),
        CocoResult.box(1, 2, 0.6, GT_BOX)), TideSettings.defaults(TideMode.BBOX));
    assertThat(r.ignoredDetections()).containsExactlyInAnyOrder(0, 2);
  }

  @Test
  void thresholds_areCheckedWithTheirEndsIncluded() {
    assertThat(new TideSettings(TideMode.BBOX, 1.0, 1.0, 100, TideSettings.COCO_THRESHOLDS).foregroundThreshold())
        .isEqualTo(1.0);
    assertThat(new TideSettings(TideMode.BBOX, 0.5, 0.0, 100, TideSettings.COCO_THRESHOLDS).backgroundThreshold())
        .isEqualTo(0.0);
    assertThatThrownBy(() -> new TideSettings(TideMode.BBOX, 0.0, 0.0, 100, TideSettings.COCO_THRESHOLDS))
        .hasMessage("foreground IoU threshold must be in (0, 1]: 0.0");
    assertThatThrownBy(() -> new TideSettings(TideMode.BBOX, 1.5, 0.1, 100, TideSettings.COCO_THRESHOLDS))
        .hasMessage("foreground IoU threshold must be in (0, 1]: 1.5");
    assertThatThrownBy(() -> new TideSettings(TideMode.BBOX, 0.5, -0.1, 100, TideSettings.COCO_THRESHOLDS))
        .hasMessage("background IoU threshold must be in [0, foreground = 0.5]: -0.1");
    assertThatThrownBy(() -> new TideSettings(TideMode.BBOX, 0.5, 0.6, 100, TideSettings.COCO_THRESHOLDS))
        .hasMessage("background IoU threshold must be in [0, foreground = 0.5]: 0.6");
  }
}
