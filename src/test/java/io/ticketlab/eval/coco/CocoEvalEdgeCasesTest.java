package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-made cases whose pycocotools outcome follows directly from its definitions (see
 * shared/oracles/README.md, section 4.1).
 */
class CocoEvalEdgeCasesTest {
  /** 1 / (1 + 2^-52): the precision of a perfect detector in pycocotools. */
  private static final double PERFECT = 1 / (1 + Math.ulp(1.0));

  private static CocoDataset dataset(int images, List<CocoAnnotation> annotations) {
    List<CocoImage> imgs = new ArrayList<>();
    for (int i = 1; i <= images; i++) {
      imgs.add(new CocoImage(i, 1000, 1000, "img" + i + ".jpg"));
    }
    return new CocoDataset(imgs, List.of(CocoCategory.of(1, "a"), CocoCategory.of(2, "b")),
        annotations);
  }

  private static CocoAnnotation gt(long id, long image, int category, double x, double y,
      double w, double h) {
    return CocoAnnotation.box(id, image, category, new double[] {x, y, w, h}, w * h, false);
  }

  private static CocoResult det(long image, int category, double score, double x, double y,
      double w, double h) {
    return CocoResult.box(image, category, score, new double[] {x, y, w, h});
  }

  private static Evaluation bbox(CocoDataset gt, List<CocoResult> dt) {
    return CocoEvaluator.evaluate(gt, dt, EvalParams.defaults(IouType.BBOX));
  }

  @Test
  void perfectDetections_scoreOneMinusEpsilon() {
    CocoDataset gt = dataset(1, List.of(gt(1, 1, 1, 10, 10, 50, 50)));
    Evaluation e = bbox(gt, List.of(det(1, 1, 0.9, 10, 10, 50, 50)));
    assertThat(e.precision(0, 0, 0, 0, 2)).isEqualTo(PERFECT);
    assertThat(e.stat("AP")).isCloseTo(PERFECT, within(1e-15));
    assertThat(e.stat("AR100")).isEqualTo(1.0);
  }

  @Test
  void imageWithoutGroundTruth_makesItsDetectionsFalsePositives() {
    CocoDataset gt = dataset(2, List.of(gt(1, 1, 1, 10, 10, 50, 50)));
    Evaluation e = bbox(gt, List.of(det(1, 1, 0.9, 10, 10, 50, 50), det(2, 1, 0.95, 0, 0, 5, 5)));
    // Sorted: FP (0.95), TP (0.9): precision envelope 1/(2+eps) at every recall point.
    double half = 1 / (2 + Math.ulp(1.0));
    assertThat(e.stat("AP")).isCloseTo(half, within(1e-15));
    assertThat(e.precision(0, 0, 0, 0, 2)).isEqualTo(half);
  }

  @Test
  void categoryWithDetectionsButNoGroundTruth_isUndefinedAndLeftOutOfTheMean() {
    CocoDataset gt = dataset(1, List.of(gt(1, 1, 1, 10, 10, 50, 50)));
    Evaluation e = bbox(gt, List.of(det(1, 1, 0.9, 10, 10, 50, 50), det(1, 2, 0.99, 10, 10, 50, 50)));
    assertThat(e.perCategory().get(1).ap()).isEqualTo(-1);
    assertThat(e.perCategory().get(0).ap()).isCloseTo(PERFECT, within(1e-15));
    assertThat(e.stat("AP")).isCloseTo(PERFECT, within(1e-15));
  }

  @Test
  void crowdOnlyImage_absorbsAnyNumberOfDetections() {
    CocoAnnotation crowd = CocoAnnotation.box(2, 2, 1, new double[] {0, 0, 500, 500}, 250000, true);
    CocoDataset gt = dataset(2, List.of(gt(1, 1, 1, 10, 10, 50, 50), crowd));
    List<CocoResult> dt = List.of(
        det(1, 1, 0.5, 10, 10, 50, 50),
        det(2, 1, 0.9, 10, 10, 100, 100),
        det(2, 1, 0.8, 200, 200, 100, 100),
        det(2, 1, 0.7, 0, 0, 500, 500));
    Evaluation e = bbox(gt, dt);
    // The crowd detections are ignored, so the real GT is found with precision 1.
    assertThat(e.stat("AP")).isCloseTo(PERFECT, within(1e-15));
    List<ImageEvaluation> images =
        CocoEvaluator.evaluateImages(gt, dt, EvalParams.defaults(IouType.BBOX));
    ImageEvaluation crowdImage = images.stream()
        .filter(i -> i.imageId() == 2 && i.areaRange().label().equals("all")).findFirst().orElseThrow();
    assertThat(crowdImage.dtMatches()[0]).containsExactly(2, 2, 2);
    assertThat(crowdImage.dtIgnore()[0]).containsExactly(true, true, true);
    assertThat(crowdImage.gtIgnore()).containsExactly(true);
  }

  @Test
  void crowdOnlyGroundTruth_leavesTheCategoryUndefined() {
    CocoAnnotation crowd = CocoAnnotation.box(1, 1, 1, new double[] {0, 0, 500, 500}, 250000, true);
    Evaluation e = bbox(dataset(1, List.of(crowd)), List.of(det(1, 1, 0.9, 0, 0, 10, 10)));
    assertThat(e.stat("AP")).isEqualTo(-1);
    assertThat(e.perCategory().get(0).ap()).isEqualTo(-1);
  }

  @Test
  void moreThan100DetectionsInAnImage_onlyTheTop100Count() {
    CocoDataset gt = dataset(1, List.of(gt(1, 1, 1, 900, 900, 50, 50)));
    List<CocoResult> dt = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      dt.add(det(1, 1, 0.5 + i * 0.001, i, 0, 5, 5));
    }
    dt.add(det(1, 1, 0.1, 900, 900, 50, 50)); // the only hit, ranked 101st
    Evaluation e = bbox(gt, dt);
    assertThat(e.stat("AR100")).isEqualTo(0.0);
    assertThat(e.stat("AP")).isEqualTo(0.0);
    // Raising its score into the top 100 finds it.
    dt.set(100, det(1, 1, 0.55, 900, 900, 50, 50));
    assertThat(bbox(gt, dt).stat("AR100")).isEqualTo(1.0);
    assertThat(bbox(gt, dt).stat("AR10")).isEqualTo(0.0);
  }

  @Test
  void tiedScores_areOrderedByImageIdThenFileOrder() {
    CocoDataset gt = dataset(2, List.of(gt(1, 2, 1, 10, 10, 50, 50)));
    // The FP sits in image 1, the TP in image 2, same score: the FP comes first.
    List<CocoResult> tpLast = List.of(det(2, 1, 0.5, 10, 10, 50, 50), det(1, 1, 0.5, 10, 10, 50, 50));
    assertThat(bbox(gt, tpLast).stat("AP")).isCloseTo(1 / (2 + Math.ulp(1.0)), within(1e-15));
    // With the GT in image 1 the TP comes first, whatever the file order.
    CocoDataset gt1 = dataset(2, List.of(gt(1, 1, 1, 10, 10, 50, 50)));
    assertThat(bbox(gt1, tpLast).stat("AP")).isCloseTo(PERFECT, within(1e-15));
  }

  @Test
  void tiedIou_goesToTheLaterGroundTruth() {
    CocoDataset gt = dataset(1, List.of(gt(7, 1, 1, 0, 0, 10, 10), gt(8, 1, 1, 10, 0, 10, 10)));
    List<CocoResult> dt = List.of(det(1, 1, 0.9, 5, 0, 10, 10));
    ImageEvaluation e = CocoEvaluator.evaluateImages(gt, dt, EvalParams.defaults(IouType.BBOX).withIouThresholds(0.3)).get(0);
    assertThat(e.dtMatches()[0]).containsExactly(8);
  }

  @Test
  void tinyAndHugeBoxes_landInTheirAreaRanges_withClosedBounds() {
    CocoDataset gt = dataset(1, List.of(
        gt(1, 1, 1, 0, 0, 1, 1),          // area 1: small
        gt(2, 1, 1, 100, 100, 32, 32),    // area 32²: small and medium
        gt(3, 1, 1, 0, 0, 1e4, 1e4)));    // area 1e8: large
    List<CocoResult> dt = List.of(
        det(1, 1, 0.9, 0, 0, 1, 1), det(1, 1, 0.8, 100, 100, 32, 32), det(1, 1, 0.7, 0, 0, 1e4, 1e4));
    Evaluation e = bbox(gt, dt);
    assertThat(e.stat("ARs")).isEqualTo(1.0);
    assertThat(e.stat("ARm")).isEqualTo(1.0);
    assertThat(e.stat("ARl")).isEqualTo(1.0);
    assertThat(e.stat("APs")).isCloseTo(PERFECT, within(1e-15));
    assertThat(e.stat("APm")).isCloseTo(PERFECT, within(1e-15));
  }

  @Test
  void groundTruthWithIdZero_canNeverCountAsMatched() {
    CocoDataset gt = dataset(1, List.of(gt(0, 1, 1, 10, 10, 50, 50)));
    Evaluation e = bbox(gt, List.of(det(1, 1, 0.9, 10, 10, 50, 50)));
    assertThat(e.stat("AP")).isEqualTo(0.0);
  }

  @Test
  void useCategoriesOff_poolsCategories() {
    CocoDataset gt = dataset(1, List.of(gt(1, 1, 1, 10, 10, 50, 50)));
    List<CocoResult> dt = List.of(det(1, 2, 0.9, 10, 10, 50, 50));
    assertThat(bbox(gt, dt).stat("AP")).isEqualTo(0.0);
    Evaluation pooled = CocoEvaluator.evaluate(gt, dt,
        EvalParams.defaults(IouType.BBOX).withUseCategories(false));
    assertThat(pooled.stat("AP")).isCloseTo(PERFECT, within(1e-15));
    assertThat(pooled.categoryIds()).containsExactly(-1);
  }

  @Test
  void thresholds_followNumpyLinspace() {
    double[] iou = Thresholds.cocoIou();
    assertThat(iou[7]).isEqualTo(0.85);
    assertThat(iou[8]).isEqualTo(0.8999999999999999);
    double[] recall = Thresholds.cocoRecall();
    assertThat(recall[70]).isEqualTo(0.7000000000000001);
    assertThat(recall[100]).isEqualTo(1.0);
  }
}
