package io.ticketlab.eval.voc;

import io.ticketlab.data.voc.VocAnnotation;
import io.ticketlab.data.voc.VocDataset;
import io.ticketlab.data.voc.VocObject;
import io.ticketlab.common.NumpyMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Pascal VOC evaluation with the devkit's {@code voc_eval} semantics (the Python port used by
 * py-faster-rcnn and detectron2). Detections of a class are sorted by descending score (ties keep
 * input order; numpy's unstable sort may order ties differently), each takes the GT of its image
 * and class with the highest IoU (first on ties) when that IoU is strictly above the threshold: a
 * difficult GT makes it neither TP nor FP, an already matched GT makes it a FP. IoU counts pixels
 * inclusively ({@code w = xmax - xmin + 1}).
 */
public final class VocEvaluator {
  private VocEvaluator() {}

  /** Evaluates at IoU 0.5, VOC's threshold. */
  public static VocEvaluation evaluate(VocDataset voc, List<VocDetection> detections,
      VocMetric metric) {
    return evaluate(voc, detections, metric, 0.5);
  }

  public static VocEvaluation evaluate(VocDataset voc, List<VocDetection> detections,
      VocMetric metric, double iouThreshold) {
    Map<String, List<VocDetection>> byClass = new HashMap<>();
    for (VocDetection d : detections) {
      byClass.computeIfAbsent(d.className(), c -> new ArrayList<>()).add(d);
    }
    List<String> classes = voc.classes();
    double[] aps = new double[classes.size()];
    IntStream.range(0, classes.size()).parallel().forEach(c -> aps[c] = classAp(voc,
        classes.get(c), byClass.getOrDefault(classes.get(c), List.of()), metric, iouThreshold));
    Map<String, Double> perClass = new LinkedHashMap<>();
    double[] defined = new double[aps.length];
    int n = 0;
    for (int c = 0; c < aps.length; c++) {
      perClass.put(classes.get(c), aps[c]);
      if (aps[c] > -1) {
        defined[n++] = aps[c];
      }
    }
    return new VocEvaluation(metric, iouThreshold, perClass, NumpyMath.meanOrMinusOne(defined, n));
  }

  /** AP of one class; -1 when the class has no non-difficult object. */
  static double classAp(VocDataset voc, String className, List<VocDetection> dets,
      VocMetric metric, double iouThreshold) {
    Map<String, List<VocObject>> gtByImage = new HashMap<>();
    Map<String, boolean[]> matched = new HashMap<>();
    int npos = 0;
    for (VocAnnotation a : voc.images()) {
      List<VocObject> objects = a.objects().stream().filter(o -> o.name().equals(className)).toList();
      gtByImage.put(a.id(), objects);
      matched.put(a.id(), new boolean[objects.size()]);
      for (VocObject o : objects) {
        if (!o.difficult()) {
          npos++;
        }
      }
    }
    if (npos == 0) {
      return -1;
    }
    List<VocDetection> sorted = new ArrayList<>(dets);
    sorted.sort(Comparator.comparingDouble(VocDetection::score).reversed());
    int nd = sorted.size();
    double[] tp = new double[nd];
    double[] fp = new double[nd];
    for (int d = 0; d < nd; d++) {
      VocDetection det = sorted.get(d);
      List<VocObject> gts = gtByImage.getOrDefault(det.imageId(), List.of());
      double ovmax = Double.NEGATIVE_INFINITY;
      int jmax = -1;
      for (int j = 0; j < gts.size(); j++) {
        double o = overlap(det, gts.get(j));
        if (o > ovmax) {
          ovmax = o;
          jmax = j;
        }
      }
      if (ovmax > iouThreshold) {
        if (!gts.get(jmax).difficult()) {
          boolean[] used = matched.get(det.imageId());
          if (!used[jmax]) {
            tp[d] = 1;
            used[jmax] = true;
          } else {
            fp[d] = 1;
          }
        }
      } else {
        fp[d] = 1;
      }
    }
    double[] rec = new double[nd];
    double[] prec = new double[nd];
    double ctp = 0;
    double cfp = 0;
    double eps = Math.ulp(1.0);
    for (int d = 0; d < nd; d++) {
      ctp += tp[d];
      cfp += fp[d];
      rec[d] = ctp / npos;
      prec[d] = ctp / Math.max(ctp + cfp, eps);
    }
    return metric == VocMetric.VOC07 ? elevenPointAp(rec, prec) : allPointAp(rec, prec);
  }

  /** IoU with VOC's inclusive pixel convention, in the devkit's order of operations. */
  static double overlap(VocDetection d, VocObject g) {
    double ixmin = Math.max(g.xmin(), d.xmin());
    double iymin = Math.max(g.ymin(), d.ymin());
    double ixmax = Math.min(g.xmax(), d.xmax());
    double iymax = Math.min(g.ymax(), d.ymax());
    double iw = Math.max(ixmax - ixmin + 1., 0.);
    double ih = Math.max(iymax - iymin + 1., 0.);
    double inters = iw * ih;
    double uni = (d.xmax() - d.xmin() + 1.) * (d.ymax() - d.ymin() + 1.)
        + (g.xmax() - g.xmin() + 1.) * (g.ymax() - g.ymin() + 1.) - inters;
    return inters / uni;
  }

  /** VOC2007's 11-point interpolated AP. */
  static double elevenPointAp(double[] rec, double[] prec) {
    double ap = 0;
    for (int i = 0; i < 11; i++) {
      double t = i * 0.1;
      double p = 0;
      boolean any = false;
      for (int d = 0; d < rec.length; d++) {
        if (rec[d] >= t) {
          p = any ? Math.max(p, prec[d]) : prec[d];
          any = true;
        }
      }
      ap = ap + p / 11.;
    }
    return ap;
  }

  /** VOC2010+ area under the precision envelope. */
  static double allPointAp(double[] rec, double[] prec) {
    int n = rec.length;
    double[] mrec = new double[n + 2];
    double[] mpre = new double[n + 2];
    mrec[n + 1] = 1;
    System.arraycopy(rec, 0, mrec, 1, n);
    System.arraycopy(prec, 0, mpre, 1, n);
    for (int i = mpre.length - 1; i > 0; i--) {
      mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
    }
    double[] terms = new double[n + 1];
    int k = 0;
    for (int i = 0; i < n + 1; i++) {
      if (mrec[i + 1] != mrec[i]) {
        terms[k++] = (mrec[i + 1] - mrec[i]) * mpre[i + 1];
      }
    }
    return NumpyMath.sum(terms, 0, k);
  }
}
