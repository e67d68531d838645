package io.ticketlab.analysis.keypoints;

import io.ticketlab.common.NumpyMath;
import io.ticketlab.common.StableOrder;
import io.ticketlab.eval.coco.Oks;
import io.ticketlab.eval.coco.Thresholds;
import java.util.Arrays;

/**
 * coco-analyze's own COCOeval for one keypoint category, with hooks its analysis needs: the
 * keypoints and scores of every detection can be replaced per run, matching can report each
 * detection's best OKS with a non-ignored GT ({@code dtIousMax}), and the per-image ignore flags
 * can be edited before accumulating. Matching and accumulation are pycocotools' (greedy at each
 * threshold, ignored GT last, precision {@code tp / (tp + fp + 2^-52)}, envelope sampled at
 * {@code linspace(0, 1, 101)}).
 */
final class PoseEval {
  static final int MAX_DETS = 20;
  private static final double[] RECALL = Thresholds.cocoRecall();

  final Data data;

  PoseEval(Data data) {
    this.data = data;
  }

  /** The fixed inputs: images, GT and detections of the analysed category. */
  static final class Data {
    long[] imageIds; // sorted
    int[][] gtByImage; // GT of the category, file order
    int[][] annsByImage; // all GT of the image, any category, file order
    int[][] dtByImage; // detections, kept-list order
    long[] gtId;
    double[] gtArea;
    boolean[] gtCrowd;
    boolean[] gtIgnoreBase; // crowd or no labelled keypoint
    int[] gtNumKeypoints;
    double[][] gtKeypoints;
    double[][] gtBox;
    double[] dtArea; // from the original keypoints (loadRes)
    double[] dtScore;
    double[][] dtKeypoints;
    int numDets;
    int numGt;
  }

  /** One image's matching in one area range. */
  static final class ImageEval {
    int[] dts; // detection indices, sorted by score, cut to MAX_DETS
    int[] gts; // GT indices, non-ignored first
    boolean[] gtIgnore;
    int[][] dtMatch; // [t][d] position in gts, or -1
    boolean[][] dtIgnore;
    double[] dtIousMax;
  }

  /**
   * Matches every image at the given thresholds in one area range, with the given keypoints and
   * scores; null entries for images without GT and detections.
   */
  ImageEval[] evaluate(double[] scores, double[][] keypoints, double lo, double hi,
      double[] thresholds, boolean checkScores) {
    ImageEval[] out = new ImageEval[data.imageIds.length];
    double[] variances = Oks.variances(Oks.cocoPersonSigmas());
    java.util.stream.IntStream.range(0, out.length).parallel().forEach(i -> {
      int[] gAll = data.gtByImage[i];
      int[] dAll = data.dtByImage[i];
      if (gAll.length == 0 && dAll.length == 0) {
        return;
      }
      ImageEval e = new ImageEval();
      // detections by descending score, cut
      double[] s = new double[dAll.length];
      for (int d = 0; d < s.length; d++) {
        s[d] = scores[dAll[d]];
      }
      int[] order = StableOrder.descending(s);
      int nd = Math.min(order.length, MAX_DETS);
      e.dts = new int[nd];
      for (int d = 0; d < nd; d++) {
        e.dts[d] = dAll[order[d]];
      }
      // GT: non-ignored first (stable)
      int ng = gAll.length;
      boolean[] ign = new boolean[ng];
      int real = 0;
      for (int g = 0; g < ng; g++) {
        int j = gAll[g];
        ign[g] = data.gtIgnoreBase[j] || data.gtArea[j] < lo || data.gtArea[j] > hi;
        if (!ign[g]) {
          real++;
        }
      }
      e.gts = new int[ng];
      e.gtIgnore = new boolean[ng];
      int a = 0;
      int b = real;
      for (int g = 0; g < ng; g++) {
        int pos = ign[g] ? b++ : a++;
        e.gts[pos] = gAll[g];
        e.gtIgnore[pos] = ign[g];
      }
      int numT = thresholds.length;
      e.dtMatch = new int[numT][nd];
      e.dtIgnore = new boolean[numT][nd];
      double[] oks = new double[nd * ng];
      if (nd > 0 && ng > 0) {
        for (int d = 0; d < nd; d++) {
          for (int g = 0; g < ng; g++) {
            int j = e.gts[g];
            oks[d * ng + g] = Oks.oks(keypoints[e.dts[d]], data.gtKeypoints[j], data.gtBox[j],
                data.gtArea[j], variances);
          }
        }
      }
      for (int t = 0; t < numT; t++) {
        Arrays.fill(e.dtMatch[t], -1);
        boolean[] gtTaken = new boolean[ng];
        for (int d = 0; d < nd; d++) {
          if (ng > 0) {
            double best = Math.min(thresholds[t], 1 - 1e-10);
            int m = -1;
            for (int g = 0; g < ng; g++) {
              if (gtTaken[g] && !data.gtCrowd[e.gts[g]]) {
                continue;
              }
              if (m > -1 && !e.gtIgnore[m] && e.gtIgnore[g]) {
                break;
              }
              double v = oks[d * ng + g];
              if (v < best) {
                continue;
              }
              best = v;
              m = g;
            }
            if (m != -1) {
              e.dtIgnore[t][d] = e.gtIgnore[m];
              e.dtMatch[t][d] = m;
              gtTaken[m] = true;
            }
          }
          if (e.dtMatch[t][d] < 0) {
            double area = data.dtArea[e.dts[d]];
            if (area < lo || area > hi) {
              e.dtIgnore[t][d] = true;
            }
          }
        }
      }
      e.dtIousMax = new double[nd];
      if (checkScores && nd > 0 && real > 0) {
        for (int d = 0; d < nd; d++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int g = 0; g < real; g++) {
            max = Math.max(max, oks[d * ng + g]);
          }
          e.dtIousMax[d] = max;
        }
      }
      out[i] = e;
    });
    return out;
  }

  /** The accumulated precision grid {@code [T][101]} (rows of -1 without GT) and recall [T]. */
  record Accumulated(double[][] precision, double[] recall) {
    /** coco-analyze's "auc" of one threshold row: the mean of the entries > -1, or -1. */
    double auc(int t) {
      double[] p = precision[t];
      if (p[0] == -1) {
        return -1;
      }
      return NumpyMath.mean(p);
    }
  }

  Accumulated accumulate(ImageEval[] evals, int numT, double[] scores) {
    double[][] precision = new double[numT][RECALL.length];
    double[] recall = new double[numT];
    for (double[] row : precision) {
      Arrays.fill(row, -1);
    }
    Arrays.fill(recall, -1);
    int total = 0;
    int npig = 0;
    boolean any = false;
    for (ImageEval e : evals) {
      if (e == null) {
        continue;
      }
      any = true;
      total += e.dts.length;
      for (boolean ig : e.gtIgnore) {
        if (!ig) {
          npig++;
        }
      }
    }
    if (!any || npig == 0) {
      return new Accumulated(precision, recall);
    }
    double[] s = new double[total];
    int[] owner = new int[total];
    int[] pos = new int[total];
    int n = 0;
    for (int i = 0; i < evals.length; i++) {
      ImageEval e = evals[i];
      if (e == null) {
        continue;
      }
      for (int d = 0; d < e.dts.length; d++) {
        s[n] = scores[e.dts[d]];
        owner[n] = i;
        pos[n] = d;
        n++;
      }
    }
    int[] order = StableOrder.descending(s);
    double eps = Math.ulp(1.0);
    double[] rc = new double[total];
    double[] pr = new double[total];
    for (int t = 0; t < numT; t++) {
      long tp = 0;
      long fp = 0;
      for (int j = 0; j < total; j++) {
        int k = order[j];
        ImageEval e = evals[owner[k]];
        boolean ignored = e.dtIgnore[t][pos[k]];
        boolean matched = e.dtMatch[t][pos[k]] >= 0;
        if (!ignored) {
          if (matched) {
            tp++;
          } else {
            fp++;
          }
        }
        double tpd = tp;
        rc[j] = tpd / npig;
        pr[j] = tpd / ((double) fp + tpd + eps);
      }
      recall[t] = total > 0 ? rc[total - 1] : 0;
      for (int j = total - 1; j > 0; j--) {
        if (pr[j] > pr[j - 1]) {
          pr[j - 1] = pr[j];
        }
      }
      int j = 0;
      for (int r = 0; r < RECALL.length; r++) {
        while (j < total && rc[j] < RECALL[r]) {
          j++;
        }
        precision[t][r] = j < total ? pr[j] : 0;
      }
    }
    return new Accumulated(precision, recall);
  }
}
