package io.ticketlab.eval.coco;

import io.ticketlab.common.NumpyMath;
/**
 * Object keypoint similarity (OKS), COCO's IoU for keypoints, computed in pycocotools' order of
 * operations: {@code OKS = mean over the labelled GT keypoints of exp(-d² / (2σ)² / (area +
 * 2^-52) / 2)}, with d the distance between detected and true keypoint in pixels, σ the keypoint's
 * sigma and area the GT's {@code area} field. A GT without labelled keypoints uses, for every
 * keypoint, the distance outside its box enlarged by the box's own size on each side.
 */
public final class Oks {
  /** COCO's per-keypoint sigmas for the 17 person keypoints ({@code [.26, .25, ...] / 10}). */
  private static final double[] COCO_PERSON_RAW = {
    .26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89
  };

  private static final double EPS = Math.ulp(1.0);

  private Oks() {}

  /** The COCO person sigmas (a fresh copy). */
  public static double[] cocoPersonSigmas() {
    double[] s = new double[COCO_PERSON_RAW.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = COCO_PERSON_RAW[i] / 10.0;
    }
    return s;
  }

  /** {@code (2σ)²} per keypoint: the variances that {@link #oks} takes. */
  public static double[] variances(double[] sigmas) {
    double[] v = new double[sigmas.length];
    for (int i = 0; i < v.length; i++) {
      double twice = sigmas[i] * 2;
      v[i] = twice * twice;
    }
    return v;
  }

  /**
   * OKS between a detection and a ground truth.
   *
   * @param detection the detection's {@code [x, y, v]} triplets
   * @param groundTruth the GT's triplets
   * @param gtBox the GT's box {@code [x, y, w, h]} (used only when it has no labelled keypoint)
   * @param gtArea the GT's area field
   * @param variances {@link #variances} of the sigmas, one per keypoint
   */
  public static double oks(
      double[] detection, double[] groundTruth, double[] gtBox, double gtArea, double[] variances) {
    int k = variances.length;
    int labelled = 0;
    for (int j = 0; j < k; j++) {
      if (groundTruth[3 * j + 2] > 0) {
        labelled++;
      }
    }
    double[] terms = new double[k];
    int n = 0;
    double scale = gtArea + EPS;
    if (labelled > 0) {
      for (int j = 0; j < k; j++) {
        if (!(groundTruth[3 * j + 2] > 0)) {
          continue;
        }
        double dx = detection[3 * j] - groundTruth[3 * j];
        double dy = detection[3 * j + 1] - groundTruth[3 * j + 1];
        double e = (dx * dx + dy * dy) / variances[j] / scale / 2;
        terms[n++] = Math.exp(-e);
      }
    } else {
      double x0 = gtBox[0] - gtBox[2];
      double x1 = gtBox[0] + gtBox[2] * 2;
      double y0 = gtBox[1] - gtBox[3];
      double y1 = gtBox[1] + gtBox[3] * 2;
      for (int j = 0; j < k; j++) {
        double xd = detection[3 * j];
        double yd = detection[3 * j + 1];
        double dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
        double dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        double e = (dx * dx + dy * dy) / variances[j] / scale / 2;
        terms[n++] = Math.exp(-e);
      }
    }
    return NumpyMath.sum(terms, 0, n) / n;
  }
}
