package io.ticketlab.analysis.tide;

import io.ticketlab.common.StableOrder;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.BoxIou;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * TIDE error analysis with tidecv 1.0.1's exact behaviour (see the oracles README, section 4.2).
 *
 * <ol>
 *   <li><b>Matching</b>, per image in the GT file's {@code images[]} order: detections stably
 *       sorted by descending score and cut to {@code maxDets} over all classes; each takes the
 *       unused same-class GT of highest IoU (first on ties) if IoU ≥ the foreground threshold. An
 *       unmatched detection whose crowd IoU with a same-class crowd region is strictly above the
 *       threshold is ignored (left out of the AP).
 *   <li><b>Errors</b>: every unmatched detection, ignored ones included, gets the first type that
 *       applies: BKG if the image has no non-crowd GT; LOC if background ≤ max same-class IoU ≤
 *       foreground; CLS if max other-class IoU ≥ foreground; DUPE if max IoU with a matched
 *       same-class GT ≥ foreground; BKG if max IoU ≤ background; else BOTH. An unmatched GT is a
 *       MISS unless a CLS or LOC error targets it.
 *   <li><b>Fixing</b> one type alone, then recomputing {@link TideAp}: a CLS/LOC error becomes a
 *       true positive (CLS in the GT's class) if its GT is unmatched and it is the highest-scored
 *       CLS/LOC error on that GT (first on ties; the record is shared by both types); other
 *       fixed errors are dropped; a fixed MISS lowers its class's GT count. The fixed points are
 *       pushed first, in error order, then the true positives; that order breaks score ties.
 * </ol>
 *
 * <p>Detections must carry a {@code bbox} in box mode and an RLE {@code segmentation} in mask mode;
 * GT needs the same (polygons and uncompressed RLE are rasterised at the image size).
 */
public final class Tide {
  private static final byte FALSE_POSITIVE = 0;
  private static final byte TRUE_POSITIVE = 1;
  private static final byte IGNORED = 2;

  private Tide() {}

  /** Runs TIDE on one model's detections. */
  public static TideResult analyze(
      CocoDataset groundTruth, List<CocoResult> results, TideSettings settings) {
    return new Run(groundTruth, results, settings).result();
  }

  /** One image's share of the work. */
  private static final class ImageWork {
    int[] gts = new int[0]; // non-crowd annotation indices, file order
    int[] crowds = new int[0]; // crowd annotation indices, file order
    int[] dets = new int[0]; // result indices, file order, then sorted and cut
    int offset; // position of the first kept detection in the global push order
    int[] missed; // annotation indices of MISS errors
    boolean[] gtUsedAtForeground; // matching of gts at the foreground threshold
  }

  private static final class Run {
    final CocoDataset gt;
    final List<CocoResult> results;
    final TideSettings s;
    final boolean masks;
    final double[] thresholds;
    final int[] gtClass;
    final int[] dtClass;
    final List<CocoAnnotation> anns;
    final int numClasses;
    final ImageWork[] images;
    final int[] imageHeight;
    final int[] imageWidth;

    // per kept detection, in push order
    int total;
    int[] evalResult;
    int[] evalClass;
    double[] evalScore;
    byte[][] status;
    byte[] errType;
    int[] errTarget;
    int[] fixClass;

    Run(CocoDataset gt, List<CocoResult> results, TideSettings s) {
      this.gt = gt;
      this.results = results;
      this.s = s;
      this.masks = s.mode() == TideMode.MASK;
      double[] range = s.rangeThresholds();
      thresholds = new double[range.length + 1];
      thresholds[0] = s.foregroundThreshold();
      System.arraycopy(range, 0, thresholds, 1, range.length);
      anns = gt.annotations();

      // Images in file order (a repeated id keeps its first place, like tidecv's dict).
      Map<Long, Integer> imageIndex = new LinkedHashMap<>();
      for (CocoImage image : gt.images()) {
        imageIndex.putIfAbsent(image.id(), imageIndex.size());
      }
      int numImages = imageIndex.size();
      images = new ImageWork[numImages];
      imageHeight = new int[numImages];
      imageWidth = new int[numImages];
      for (CocoImage image : gt.images()) {
        int i = imageIndex.get(image.id());
        imageHeight[i] = image.height();
        imageWidth[i] = image.width();
      }

      // Classes: the categories of the GT file, then any other id met.
      Map<Integer, Integer> classIndex = new HashMap<>();
      gt.categories().forEach(c -> classIndex.putIfAbsent(c.id(), classIndex.size()));
      gtClass = new int[anns.size()];
      int[][] perImageGt = new int[numImages][];
      int[] gtPerImage = new int[numImages];
      int[] imageOfGt = new int[anns.size()];
      for (int j = 0; j < anns.size(); j++) {
        CocoAnnotation a = anns.get(j);
        Integer i = imageIndex.get(a.imageId());
        if (i == null) {
          throw BadInputException.of(null, "annotations[" + j + "]", "image_id", a.imageId(),
              "no image with this id in images[]");
        }
        if (!masks && a.bbox() == null) {
          throw BadInputException.of(null, "annotations[" + j + "]", "bbox", null,
              "missing (needed for TIDE in bbox mode)");
        }
        if (masks && a.segmentation() == null) {
          throw BadInputException.of(null, "annotations[" + j + "]", "segmentation", null,
              "missing (needed for TIDE in mask mode)");
        }
        imageOfGt[j] = i;
        gtPerImage[i]++;
        gtClass[j] = classIndex.computeIfAbsent(a.categoryId(), k -> classIndex.size());
      }
      dtClass = new int[results.size()];
      int[] dtPerImage = new int[numImages];
      int[] imageOfDt = new int[results.size()];
      for (int d = 0; d < results.size(); d++) {
        CocoResult r = results.get(d);
        Integer i = imageIndex.get(r.imageId());
        imageOfDt[d] = i == null ? -1 : i;
        if (i == null) {
          continue; // tidecv only visits the images of the GT file
        }
        if (!masks && r.bbox() == null) {
          throw BadInputException.of(null, "results[" + d + "]", "bbox", null,
              "missing (needed for TIDE in bbox mode)");
        }
        if (masks && r.segmentation() == null) {
          throw BadInputException.of(null, "results[" + d + "]", "segmentation", null,
              "missing (needed for TIDE in mask mode; give RLE masks)");
        }
        dtPerImage[i]++;
        dtClass[d] = classIndex.computeIfAbsent(r.categoryId(), k -> classIndex.size());
      }
      numClasses = classIndex.size();

      int[][] perImageDt = new int[numImages][];
      for (int i = 0; i < numImages; i++) {
        perImageGt[i] = new int[gtPerImage[i]];
        perImageDt[i] = new int[dtPerImage[i]];
        gtPerImage[i] = 0;
        dtPerImage[i] = 0;
      }
      for (int j = 0; j < anns.size(); j++) {
        int i = imageOfGt[j];
        perImageGt[i][gtPerImage[i]++] = j;
      }
      for (int d = 0; d < results.size(); d++) {
        int i = imageOfDt[d];
        if (i >= 0) {
          perImageDt[i][dtPerImage[i]++] = d;
        }
      }
      int offset = 0;
      for (int i = 0; i < numImages; i++) {
        ImageWork w = new ImageWork();
        int nc = 0;
        for (int j : perImageGt[i]) {
          if (anns.get(j).crowd()) {
            nc++;
          }
        }
        w.gts = new int[perImageGt[i].length - nc];
        w.crowds = new int[nc];
        int a = 0;
        int b = 0;
        for (int j : perImageGt[i]) {
          if (anns.get(j).crowd()) {
            w.crowds[b++] = j;
          } else {
            w.gts[a++] = j;
          }
        }
        w.dets = perImageDt[i];
        w.offset = offset;
        offset += Math.min(w.dets.length, s.maxDets());
        images[i] = w;
      }
      total = offset;
      evalResult = new int[total];
      evalClass = new int[total];
      evalScore = new double[total];
      status = new byte[thresholds.length][total];
      errType = new byte[total];
      errTarget = new int[total];
      fixClass = new int[total];
      java.util.Arrays.fill(errType, (byte) -1);
      java.util.Arrays.fill(errTarget, -1);
      java.util.Arrays.fill(fixClass, -1);
    }

    TideResult result() {
      long t0 = System.nanoTime();
      IntStream.range(0, images.length).parallel().forEach(this::evaluateImage);
      long t1 = System.nanoTime();
      TideResult r = assemble();
      if (Boolean.getBoolean("ticketlab.timing")) {
        System.err.printf("tide: match+errors %.3f s, APs and fixes %.3f s%n", (t1 - t0) / 1e9,
            (System.nanoTime() - t1) / 1e9);
      }
      return r;
    }

    // -------------------------------------------------------------------------------------------
    // per image

    private void evaluateImage(int i) {
      ImageWork w = images[i];
      if (w.dets.length == 0) {
        w.missed = w.gts.clone(); // no predictions: every GT is missed
        return;
      }
      int n = w.dets.length;
      double[] sc = new double[n];
      for (int d = 0; d < n; d++) {
        sc[d] = results.get(w.dets[d]).score();
      }
      int[] order = StableOrder.descending(sc);
      int nd = Math.min(n, s.maxDets());
      int[] dets = new int[nd];
      for (int d = 0; d < nd; d++) {
        dets[d] = w.dets[order[d]];
        evalResult[w.offset + d] = dets[d];
        evalClass[w.offset + d] = dtClass[dets[d]];
        evalScore[w.offset + d] = sc[order[d]];
      }
      int ng = w.gts.length;
      int nc = w.crowds.length;
      double[] iou = new double[nd * ng];
      double[] crowdIou = new double[nd * nc];
      computeIous(i, dets, w, iou, crowdIou);
      boolean[] same = new boolean[nd * ng];
      for (int d = 0; d < nd; d++) {
        for (int g = 0; g < ng; g++) {
          same[d * ng + g] = dtClass[dets[d]] == gtClass[w.gts[g]];
        }
      }

      boolean[] gtUsed = new boolean[ng];
      for (int t = 0; t < thresholds.length; t++) {
        byte[] st = match(thresholds[t], dets, w, iou, crowdIou, same, gtUsed);
        System.arraycopy(st, 0, status[t], w.offset, nd);
        if (t == 0) {
          assignErrors(dets, w, iou, same, gtUsed.clone(), st);
        }
      }
    }

    private void computeIous(int i, int[] dets, ImageWork w, double[] iou, double[] crowdIou) {
      int nd = dets.length;
      int ng = w.gts.length;
      int nc = w.crowds.length;
      if (!masks) {
        for (int d = 0; d < nd; d++) {
          double[] b = results.get(dets[d]).bbox();
          for (int g = 0; g < ng; g++) {
            iou[d * ng + g] = BoxIou.iou(b, anns.get(w.gts[g]).bbox(), false);
          }
          for (int c = 0; c < nc; c++) {
            crowdIou[d * nc + c] = BoxIou.iou(b, anns.get(w.crowds[c]).bbox(), true);
          }
        }
        return;
      }
      int h = imageHeight[i];
      int wd = imageWidth[i];
      Rle[] dm = new Rle[nd];
      double[][] db = new double[nd][];
      long[] da = new long[nd];
      for (int d = 0; d < nd; d++) {
        dm[d] = results.get(dets[d]).segmentation();
        db[d] = dm[d].toBbox();
        da[d] = dm[d].area();
      }
      for (int g = 0; g < ng + nc; g++) {
        boolean crowd = g >= ng;
        int j = crowd ? w.crowds[g - ng] : w.gts[g];
        Rle gm = anns.get(j).segmentation().toRle(h, wd);
        double[] gb = gm.toBbox();
        long ga = gm.area();
        for (int d = 0; d < nd; d++) {
          double v = Rle.iou(dm[d], db[d], da[d], gm, gb, ga, crowd);
          if (crowd) {
            crowdIou[d * nc + (g - ng)] = v;
          } else {
            iou[d * ng + g] = v;
          }
        }
      }
    }

    /** Greedy matching and crowd ignoring at one threshold; fills gtUsed. */
    private byte[] match(double t, int[] dets, ImageWork w, double[] iou, double[] crowdIou,
        boolean[] same, boolean[] gtUsed) {
      int nd = dets.length;
      int ng = w.gts.length;
      int nc = w.crowds.length;
      byte[] st = new byte[nd];
      java.util.Arrays.fill(gtUsed, false);
      for (int d = 0; d < nd; d++) {
        // numpy argmax over same-class, unused IoUs (others are 0): the first maximum.
        int best = -1;
        double bestIou = 0;
        for (int g = 0; g < ng; g++) {
          int k = d * ng + g;
          double v = same[k] && !gtUsed[g] ? iou[k] : 0;
          if (best < 0 || v > bestIou) {
            best = g;
            bestIou = v;
          }
        }
        if (best >= 0 && bestIou >= t) {
          st[d] = TRUE_POSITIVE;
          gtUsed[best] = true;
        }
      }
      for (int c = 0; c < nc; c++) {
        int region = gtClass[w.crowds[c]];
        for (int d = 0; d < nd; d++) {
          if (st[d] != TRUE_POSITIVE && crowdIou[d * nc + c] > t && dtClass[dets[d]] == region) {
            st[d] = IGNORED;
          }
        }
      }
      return st;
    }

    private void assignErrors(
        int[] dets, ImageWork w, double[] iou, boolean[] same, boolean[] gtUsed, byte[] st) {
      int nd = dets.length;
      int ng = w.gts.length;
      double fg = s.foregroundThreshold();
      double bg = s.backgroundThreshold();
      boolean[] usable = new boolean[ng];
      double[] bestScore = new double[ng];
      int[] bestDet = new int[ng];
      java.util.Arrays.fill(bestScore, -1);
      java.util.Arrays.fill(bestDet, -1);
      for (int d = 0; d < nd; d++) {
        if (st[d] == TRUE_POSITIVE) {
          continue;
        }
        int p = w.offset + d;
        if (ng == 0) {
          errType[p] = (byte) TideErrorType.BKG.ordinal();
          continue;
        }
        int row = d * ng;
        // LOC: first argmax of the same-class IoUs.
        int idx = argmax(iou, same, row, ng, 1, null);
        double v = same[row + idx] ? iou[row + idx] : 0;
        TideErrorType type;
        int target = -1;
        if (bg <= v && v <= fg) {
          type = TideErrorType.LOC;
          target = idx;
        } else {
          idx = argmax(iou, same, row, ng, 2, null);
          v = same[row + idx] ? 0 : iou[row + idx];
          if (v >= fg) {
            type = TideErrorType.CLS;
            target = idx;
          } else {
            idx = argmax(iou, same, row, ng, 3, gtUsed);
            v = same[row + idx] && gtUsed[idx] ? iou[row + idx] : 0;
            if (v >= fg) {
              type = TideErrorType.DUPE;
            } else {
              idx = argmax(iou, same, row, ng, 0, null);
              type = iou[row + idx] <= bg ? TideErrorType.BKG : TideErrorType.BOTH;
            }
          }
        }
        errType[p] = (byte) type.ordinal();
        if (target >= 0) {
          errTarget[p] = w.gts[target];
          if (!gtUsed[target]) {
            usable[target] = true;
            double score = results.get(dets[d]).score();
            if (bestScore[target] < score) {
              bestScore[target] = score;
              bestDet[target] = d;
            }
          }
        }
      }
      // The fixed version of each CLS/LOC error (evaluated after the image, as tidecv does).
      for (int d = 0; d < nd; d++) {
        int p = w.offset + d;
        if (errTarget[p] < 0) {
          continue;
        }
        int g = indexOf(w.gts, errTarget[p]);
        if (!gtUsed[g] && bestDet[g] == d) {
          fixClass[p] = errType[p] == TideErrorType.CLS.ordinal()
              ? gtClass[w.gts[g]]
              : dtClass[dets[d]];
        }
      }
      int m = 0;
      int[] missed = new int[ng];
      for (int g = 0; g < ng; g++) {
        if (!gtUsed[g] && !usable[g]) {
          missed[m++] = w.gts[g];
        }
      }
      w.missed = java.util.Arrays.copyOf(missed, m);
      // keep the matching at the foreground threshold for the false-negative counts
      w.gtUsedAtForeground = gtUsed;
    }

    /**
     * numpy argmax (first maximum) over a row of values: kind 0 all IoUs, 1 same-class IoUs, 2
     * other-class IoUs, 3 matched same-class IoUs; the others count as 0.
     */
    private static int argmax(
        double[] iou, boolean[] same, int row, int ng, int kind, boolean[] used) {
      int best = 0;
      double bestV = Double.NEGATIVE_INFINITY;
      for (int g = 0; g < ng; g++) {
        double x = iou[row + g];
        double v = switch (kind) {
          case 1 -> same[row + g] ? x : 0;
          case 2 -> same[row + g] ? 0 : x;
          case 3 -> same[row + g] && used[g] ? x : 0;
          default -> x;
        };
        if (v > bestV) {
          bestV = v;
          best = g;
        }
      }
      return best;
    }

    private static int indexOf(int[] a, int v) {
      for (int i = 0; i < a.length; i++) {
        if (a[i] == v) {
          return i;
        }
      }
      return -1;
    }

    // -------------------------------------------------------------------------------------------
    // AP and fixes

    private TideResult assemble() {
      int[] gtCount = new int[numClasses];
      int[] falseNegatives = new int[numClasses];
      List<Long> missedIds = new ArrayList<>();
      Map<TideErrorType, Integer> counts = new EnumMap<>(TideErrorType.class);
      for (TideErrorType t : TideErrorType.values()) {
        counts.put(t, 0);
      }
      List<TideDetectionError> detectionErrors = new ArrayList<>();
      List<Integer> ignored = new ArrayList<>();
      for (ImageWork w : images) {
        for (int j : w.gts) {
          gtCount[gtClass[j]]++;
        }
        int nd = Math.min(w.dets.length, s.maxDets());
        for (int d = 0; d < nd; d++) {
          int p = w.offset + d;
          if (status[0][p] == IGNORED) {
            ignored.add(evalResult[p]);
          }
          if (errType[p] >= 0) {
            TideErrorType type = TideErrorType.values()[errType[p]];
            counts.merge(type, 1, Integer::sum);
            detectionErrors.add(new TideDetectionError(evalResult[p], type,
                errTarget[p] >= 0 ? anns.get(errTarget[p]).id() : -1, status[0][p] == IGNORED));
          }
        }
        for (int g = 0; g < w.gts.length; g++) {
          boolean used = w.gtUsedAtForeground != null && w.gtUsedAtForeground[g];
          if (!used) {
            falseNegatives[gtClass[w.gts[g]]]++;
          }
        }
        for (int j : w.missed) {
          counts.merge(TideErrorType.MISS, 1, Integer::sum);
          missedIds.add(anns.get(j).id());
        }
      }

      // One stable sort of every kept detection by descending score (push order on ties)
      // serves every AP below: see variantAp.
      int[] byScore = StableOrder.descending(evalScore);
      int[] order = new int[total];
      int[] cls = new int[total];
      boolean[] tp = new boolean[total];
      byte[] group = new byte[total];

      double[] apByIoU = new double[thresholds.length - 1];
      double ap = originalAp(0, gtCount, byScore, order, tp);
      for (int t = 1; t < thresholds.length; t++) {
        apByIoU[t - 1] = thresholds[t] == thresholds[0]
            ? ap
            : originalAp(t, gtCount, byScore, order, tp);
      }

      Map<TideErrorType, Double> main = new EnumMap<>(TideErrorType.class);
      byte[] st = status[0];
      for (TideErrorType fixed : TideErrorType.values()) {
        int[] counts2 = gtCount.clone();
        if (fixed == TideErrorType.MISS) {
          for (ImageWork w : images) {
            for (int j : w.missed) {
              counts2[gtClass[j]]--;
            }
          }
        }
        java.util.Arrays.fill(group, (byte) -1);
        for (int p = 0; p < total; p++) {
          int type = errType[p];
          if (type >= 0 && type == fixed.ordinal()) {
            if (fixClass[p] >= 0) {
              cls[p] = fixClass[p];
              tp[p] = true;
              group[p] = 0;
            }
          } else if (type >= 0) {
            if (st[p] != IGNORED) {
              cls[p] = evalClass[p];
              tp[p] = false;
              group[p] = 0;
            }
          } else if (st[p] == TRUE_POSITIVE) {
            cls[p] = evalClass[p];
            tp[p] = true;
            group[p] = 1;
          }
        }
        main.put(fixed, Math.max(variantAp(byScore, group, order, cls, tp, counts2) - ap, 0));
      }

      // FalsePos: true positives score 1 (pushed last), false positives 0: TPs come first.
      int n = 0;
      for (int p = 0; p < total; p++) {
        if (st[p] == TRUE_POSITIVE) {
          order[n++] = p;
          cls[p] = evalClass[p];
          tp[p] = true;
        }
      }
      for (int p = 0; p < total; p++) {
        if (errType[p] >= 0 && st[p] != IGNORED) {
          order[n++] = p;
          cls[p] = evalClass[p];
          tp[p] = false;
        }
      }
      double falsePos = TideAp.meanAp(order, n, cls, tp, gtCount) - ap;

      // FalseNeg: every unmatched GT leaves its class's count.
      java.util.Arrays.fill(group, (byte) -1);
      for (int p = 0; p < total; p++) {
        cls[p] = evalClass[p];
        if (st[p] == TRUE_POSITIVE) {
          tp[p] = true;
          group[p] = 1;
        } else if (errType[p] >= 0 && st[p] != IGNORED) {
          tp[p] = false;
          group[p] = 0;
        }
      }
      int[] reduced = gtCount.clone();
      for (int c = 0; c < numClasses; c++) {
        reduced[c] -= falseNegatives[c];
      }
      double falseNeg = variantAp(byScore, group, order, cls, tp, reduced) - ap;

      return new TideResult(s, ap, main, falsePos, falseNeg, counts, apByIoU, detectionErrors,
          missedIds, ignored);
    }

    /** TIDE's AP at range threshold t: the non-ignored detections in push order. */
    private double originalAp(int t, int[] gtCount, int[] byScore, int[] order, boolean[] tp) {
      byte[] st = status[t];
      int n = 0;
      for (int p : byScore) {
        if (st[p] != IGNORED) {
          order[n++] = p;
          tp[p] = st[p] == TRUE_POSITIVE;
        }
      }
      return TideAp.meanAp(order, n, evalClass, tp, gtCount);
    }

    /**
     * The AP of a fixed version of the data. tidecv re-pushes the error points first (in error
     * order, i.e. push order) and then the true positives, and sorts each class stably by score;
     * so the order is: descending score, then group 0 (errors) before group 1 (true positives),
     * then push order. Points with group -1 are left out.
     */
    private double variantAp(int[] byScore, byte[] group, int[] order, int[] cls, boolean[] tp,
        int[] gtCount) {
      int n = 0;
      int i = 0;
      while (i < total) {
        int j = i + 1;
        double score = evalScore[byScore[i]];
        while (j < total && evalScore[byScore[j]] == score) {
          j++;
        }
        for (byte g = 0; g <= 1; g++) {
          for (int k = i; k < j; k++) {
            int p = byScore[k];
            if (group[p] == g) {
              order[n++] = p;
            }
          }
        }
        i = j;
      }
      return TideAp.meanAp(order, n, cls, tp, gtCount);
    }
  }
}
