package io.ticketlab.analysis.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class TideBehaviourTest {
  static CocoDataset twoClasses(CocoAnnotation... anns) {
    return new CocoDataset(List.of(new CocoImage(1, 100, 100, "a.jpg")),
        List.of(CocoCategory.of(1, "a"), CocoCategory.of(2, "b")), List.of(anns));
  }

  @Test
  void classWithOnlyAMissedGt_leavesTheMeanWhenFixed() {
    CocoDataset gt = twoClasses(
        CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 10, 10}, 100, false),
        CocoAnnotation.box(2, 1, 2, new double[] {50, 50, 10, 10}, 100, false));
    List<CocoResult> dt = List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 10, 10}));
    TideResult r = Tide.analyze(gt, dt, TideSettings.defaults(TideMode.BBOX));
    assertThat(r.ap()).isCloseTo(50, within(1e-12));
    assertThat(r.dAp(TideErrorType.MISS)).isCloseTo(50, within(1e-12));
    assertThat(r.falseNegativeDap()).isCloseTo(50, within(1e-12));
    assertThat(r.missedGtIds()).containsExactly(2L);
  }

  @Test
  void classWithDetectionsButNoGt_countsAsApZero() {
    CocoDataset gt = twoClasses(
        CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 10, 10}, 100, false));
    List<CocoResult> dt = List.of(
        CocoResult.box(1, 1, 0.9, new double[] {0, 0, 10, 10}),
        CocoResult.box(1, 2, 0.8, new double[] {60, 60, 10, 10}));
    TideResult r = Tide.analyze(gt, dt, TideSettings.defaults(TideMode.BBOX));
    assertThat(r.ap()).isCloseTo(50, within(1e-12));
    assertThat(r.errorsByResultIndex()).containsEntry(1, TideErrorType.BKG);
    assertThat(r.dAp(TideErrorType.BKG)).isCloseTo(50, within(1e-12));
  }

  @Test
  void foregroundThreshold_isConfigurable() {
    CocoDataset gt = twoClasses(
        CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 10, 10}, 100, false));
    // IoU 0.6 with the GT: a true positive at 0.5, a LOC error at 0.7.
    List<CocoResult> dt = List.of(CocoResult.box(1, 1, 0.9, new double[] {0, 0, 10, 6}));
    TideResult at50 = Tide.analyze(gt, dt, TideSettings.defaults(TideMode.BBOX));
    TideResult at70 = Tide.analyze(gt, dt,
        TideSettings.defaults(TideMode.BBOX).withThresholds(0.7, 0.1));
    assertThat(at50.detectionErrors()).isEmpty();
    assertThat(at70.errorsByResultIndex()).containsEntry(0, TideErrorType.LOC);
    assertThat(at70.dAp(TideErrorType.LOC)).isCloseTo(100, within(1e-12));
  }

  @Test
  void perImageCap_keepsTheHighestScoresOverAllClasses() {
    CocoDataset gt = twoClasses(
        CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 10, 10}, 100, false));
    List<CocoResult> dt = List.of(
        CocoResult.box(1, 2, 0.9, new double[] {50, 50, 10, 10}),
        CocoResult.box(1, 1, 0.1, new double[] {0, 0, 10, 10}));
    TideResult r = Tide.analyze(gt, dt,
        new TideSettings(TideMode.BBOX, 0.5, 0.1, 1, TideSettings.COCO_THRESHOLDS));
    assertThat(r.errorsByResultIndex()).containsOnlyKeys(0);
    assertThat(r.missedGtIds()).containsExactly(1L);
  }

  @Test
  void scoreTies_areBrokenByTheImageOrderOfTheGtFile() {
    CocoAnnotation gt1 = CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 10, 10}, 100, false);
    CocoAnnotation gt2 = CocoAnnotation.box(2, 2, 1, new double[] {0, 0, 10, 10}, 100, false);
    List<CocoResult> dt = List.of(
        CocoResult.box(1, 1, 0.5, new double[] {0, 0, 10, 10}),
        CocoResult.box(2, 1, 0.5, new double[] {80, 80, 10, 10}));
    List<CocoCategory> cats = List.of(CocoCategory.of(1, "a"));
    CocoDataset idOrder = new CocoDataset(
        List.of(new CocoImage(1, 100, 100, "1"), new CocoImage(2, 100, 100, "2")), cats,
        List.of(gt1, gt2));
    CocoDataset reversed = new CocoDataset(
        List.of(new CocoImage(2, 100, 100, "2"), new CocoImage(1, 100, 100, "1")), cats,
        List.of(gt1, gt2));
    // image 1 first: TP then FP at the same score; image 2 first: FP then TP
    double first = Tide.analyze(idOrder, dt, TideSettings.defaults(TideMode.BBOX)).ap();
    double second = Tide.analyze(reversed, dt, TideSettings.defaults(TideMode.BBOX)).ap();
    assertThat(first).isCloseTo(51 / 101.0 * 100, within(1e-9));
    assertThat(second).isCloseTo(51 * 0.5 / 101.0 * 100, within(1e-9));
  }
}
