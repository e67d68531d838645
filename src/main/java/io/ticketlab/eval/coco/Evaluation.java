package io.ticketlab.eval.coco;

import io.ticketlab.common.NumpyMath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The immutable outcome of a COCO evaluation: pycocotools' accumulated arrays ({@code precision}
 * and {@code scores} of shape {@code [T, R, K, A, M]}, {@code recall} of shape {@code [T, K, A,
 * M]}, with -1 where a cell has no non-ignored ground truth), the summary stats (AP, AP50, ... as
 * fractions, -1 when undefined), and per-category and per-area AP tables.
 *
 * <p>Axes: T IoU thresholds, R recall thresholds, K categories (sorted ids, {@link
 * #categoryIds()}; a single -1 when categories are pooled), A area ranges, M detection budgets.
 */
public final class Evaluation {
  private static final List<String> BOX_STATS =
      List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm",
          "ARl");
  private static final List<String> KEYPOINT_STATS =
      List.of("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75", "ARm", "ARl");

  private final EvalParams params;
  private final int[] categoryIds;
  private final List<String> categoryNames;
  private final double[] precision;
  private final double[] recall;
  private final double[] scores;
  private final int numT;
  private final int numR;
  private final int numK;
  private final int numA;
  private final int numM;
  private final double[] stats;
  private final List<CategoryAp> perCategory;

  Evaluation(
      EvalParams params,
      int[] categoryIds,
      List<String> categoryNames,
      double[] precision,
      double[] recall,
      double[] scores) {
    this.params = params;
    this.categoryIds = categoryIds.clone();
    this.categoryNames = List.copyOf(categoryNames);
    this.precision = precision;
    this.recall = recall;
    this.scores = scores;
    this.numT = params.iouThresholds().length;
    this.numR = params.recallThresholds().length;
    this.numK = categoryIds.length;
    this.numA = params.areaRanges().size();
    this.numM = params.maxDets().length;
    this.stats = computeStats();
    this.perCategory = computePerCategory();
  }

  /** The parameters, with the evaluated image and category ids filled in. */
  public EvalParams params() {
    return params;
  }

  public IouType iouType() {
    return params.iouType();
  }

  /** The category axis K: sorted category ids, or {@code [-1]} when categories are pooled. */
  public int[] categoryIds() {
    return categoryIds.clone();
  }

  /** Shape of {@link #precisionArray()}: {@code [T, R, K, A, M]}. */
  public int[] precisionShape() {
    return new int[] {numT, numR, numK, numA, numM};
  }

  /** Interpolated precision at IoU threshold t, recall point r, category k, area a, budget m. */
  public double precision(int t, int r, int k, int a, int m) {
    return precision[(((t * numR + r) * numK + k) * numA + a) * numM + m];
  }

  /** The score of the detection at which precision(t, r, k, a, m) was sampled (0 past the end). */
  public double score(int t, int r, int k, int a, int m) {
    return scores[(((t * numR + r) * numK + k) * numA + a) * numM + m];
  }

  /** Final recall at threshold t, category k, area a, budget m. */
  public double recall(int t, int k, int a, int m) {
    return recall[((t * numK + k) * numA + a) * numM + m];
  }

  /** A copy of the precision array, flattened in row-major order of {@link #precisionShape()}. */
  public double[] precisionArray() {
    return precision.clone();
  }

  /** A copy of the scores array (same shape as precision). */
  public double[] scoresArray() {
    return scores.clone();
  }

  /** A copy of the recall array, shape {@code [T, K, A, M]}. */
  public double[] recallArray() {
    return recall.clone();
  }

  /** The stat names in pycocotools' order (12 for bbox/segm, 10 for keypoints). */
  public List<String> statNames() {
    return params.iouType() == IouType.KEYPOINTS ? KEYPOINT_STATS : BOX_STATS;
  }

  /** pycocotools' {@code stats} vector. */
  public double[] statsList() {
    return stats.clone();
  }

  /** The stats by name, in order. */
  public Map<String, Double> stats() {
    Map<String, Double> m = new LinkedHashMap<>();
    List<String> names = statNames();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), stats[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** One stat by name, e.g. {@code "AP50"}. */
  public double stat(String name) {
    int i = statNames().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no stat " + name + " for " + iouType().cocoName());
    }
    return stats[i];
  }

  /** Per-category AP, in category id order (empty when categories are pooled). */
  public List<CategoryAp> perCategory() {
    return perCategory;
  }

  /** AP at IoU 0.50:0.95 and the largest budget per area range label (paper Fig. 4). */
  public Map<String, Double> apByArea() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (AreaRange range : params.areaRanges()) {
      m.put(range.label(), averagePrecision(null, range.label(), params.maxDetsLast()));
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * pycocotools' {@code _summarize(ap=1)}: the mean of the defined precision entries at one IoU
   * threshold (null: all), one area range and one budget, over all categories; -1 if none.
   */
  public double averagePrecision(Double iouThreshold, String areaLabel, int maxDet) {
    return summarize(true, iouThreshold, areaLabel, maxDet);
  }

  /** pycocotools' {@code _summarize(ap=0)}: the same over the recall array. */
  public double averageRecall(Double iouThreshold, String areaLabel, int maxDet) {
    return summarize(false, iouThreshold, areaLabel, maxDet);
  }

  private double summarize(boolean ap, Double iouThreshold, String areaLabel, int maxDet) {
    int a = areaIndex(areaLabel);
    int m = -1;
    int[] maxDets = params.maxDets();
    for (int i = 0; i < maxDets.length; i++) {
      if (maxDets[i] == maxDet) {
        m = i;
        break;
      }
    }
    if (a < 0 || m < 0) {
      return -1;
    }
    double[] thresholds = params.iouThresholds();
    List<Integer> ts = new ArrayList<>();
    for (int t = 0; t < numT; t++) {
      if (iouThreshold == null || thresholds[t] == iouThreshold) {
        ts.add(t);
      }
    }
    double[] values = new double[ts.size() * (ap ? numR * numK : numK)];
    int n = 0;
    for (int t : ts) {
      if (ap) {
        for (int r = 0; r < numR; r++) {
          for (int k = 0; k < numK; k++) {
            double v = precision(t, r, k, a, m);
            if (v > -1) {
              values[n++] = v;
            }
          }
        }
      } else {
        for (int k = 0; k < numK; k++) {
          double v = recall(t, k, a, m);
          if (v > -1) {
            values[n++] = v;
          }
        }
      }
    }
    return NumpyMath.meanOrMinusOne(values, n);
  }

  private int areaIndex(String label) {
    List<AreaRange> ranges = params.areaRanges();
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).label().equals(label)) {
        return i;
      }
    }
    return -1;
  }

  private double[] computeStats() {
    int[] md = params.maxDets();
    if (params.iouType() == IouType.KEYPOINTS) {
      return new double[] {
        averagePrecision(null, "all", 20),
        averagePrecision(.5, "all", 20),
        averagePrecision(.75, "all", 20),
        averagePrecision(null, "medium", 20),
        averagePrecision(null, "large", 20),
        averageRecall(null, "all", 20),
        averageRecall(.5, "all", 20),
        averageRecall(.75, "all", 20),
        averageRecall(null, "medium", 20),
        averageRecall(null, "large", 20)
      };
    }
    int last = md.length > 2 ? md[2] : md[md.length - 1];
    return new double[] {
      averagePrecision(null, "all", 100),
      averagePrecision(.5, "all", last),
      averagePrecision(.75, "all", last),
      averagePrecision(null, "small", last),
      averagePrecision(null, "medium", last),
      averagePrecision(null, "large", last),
      averageRecall(null, "all", md[0]),
      averageRecall(null, "all", md.length > 1 ? md[1] : md[0]),
      averageRecall(null, "all", last),
      averageRecall(null, "small", last),
      averageRecall(null, "medium", last),
      averageRecall(null, "large", last)
    };
  }

  private List<CategoryAp> computePerCategory() {
    if (!params.useCategories()) {
      return List.of();
    }
    List<CategoryAp> out = new ArrayList<>(numK);
    for (int k = 0; k < numK; k++) {
      out.add(new CategoryAp(
          categoryIds[k],
          categoryNames.get(k),
          categoryAp(k, null, "all"),
          categoryAp(k, .5, "all"),
          categoryAp(k, .75, "all"),
          categoryAp(k, null, "small"),
          categoryAp(k, null, "medium"),
          categoryAp(k, null, "large")));
    }
    return Collections.unmodifiableList(out);
  }

  /** Mean of precision[t, :, k, area, last budget] over defined entries (-1 if none). */
  public double categoryAp(int k, Double iouThreshold, String areaLabel) {
    int a = areaIndex(areaLabel);
    if (a < 0) {
      return -1;
    }
    double[] thresholds = params.iouThresholds();
    double[] values = new double[numT * numR];
    int n = 0;
    for (int t = 0; t < numT; t++) {
      if (iouThreshold != null && thresholds[t] != iouThreshold) {
        continue;
      }
      for (int r = 0; r < numR; r++) {
        double v = precision(t, r, k, a, numM - 1);
        if (v > -1) {
          values[n++] = v;
        }
      }
    }
    return NumpyMath.meanOrMinusOne(values, n);
  }

  /**
   * A value with 3 decimals as Python's {@code '{:0.3f}'} prints it: the exact binary value rounded
   * half to even.
   */
  static String threeDecimals(double value) {
    if (!Double.isFinite(value)) {
      return String.valueOf(value);
    }
    return new java.math.BigDecimal(value).setScale(3, java.math.RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  /** pycocotools' printed summary table, one line per stat. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    double[] thr = params.iouThresholds();
    boolean keypoints = params.iouType() == IouType.KEYPOINTS;
    int[] md = params.maxDets();
    int last = keypoints ? 20 : (md.length > 2 ? md[2] : md[md.length - 1]);
    Object[][] rows = keypoints
        ? new Object[][] {
          {1, null, "all", 20}, {1, .5, "all", 20}, {1, .75, "all", 20}, {1, null, "medium", 20},
          {1, null, "large", 20}, {0, null, "all", 20}, {0, .5, "all", 20}, {0, .75, "all", 20},
          {0, null, "medium", 20}, {0, null, "large", 20}}
        : new Object[][] {
          {1, null, "all", 100}, {1, .5, "all", last}, {1, .75, "all", last},
          {1, null, "small", last}, {1, null, "medium", last}, {1, null, "large", last},
          {0, null, "all", md[0]}, {0, null, "all", md.length > 1 ? md[1] : md[0]},
          {0, null, "all", last}, {0, null, "small", last}, {0, null, "medium", last},
          {0, null, "large", last}};
    for (int i = 0; i < rows.length; i++) {
      boolean ap = (int) rows[i][0] == 1;
      Double iou = (Double) rows[i][1];
      String iouText = iou == null
          ? String.format(Locale.ROOT, "%.2f:%.2f", thr[0], thr[thr.length - 1])
          : String.format(Locale.ROOT, "%.2f", iou);
      sb.append(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
          ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iouText,
          rows[i][2], (int) rows[i][3], threeDecimals(stats[i])));
    }
    return sb.toString();
  }
}
