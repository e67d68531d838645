package io.ticketlab.analysis.keypoints;

import io.ticketlab.common.NumpyMath;
import io.ticketlab.common.StableOrder;
import io.ticketlab.analysis.keypoints.PoseEval.Accumulated;
import io.ticketlab.analysis.keypoints.PoseEval.ImageEval;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keypoint error analysis with coco-analyze's exact numbers (commit 9eb8a0a, {@code
 * COCOanalyze.analyze()} + {@code summarize()} for the cumulative analysis, {@code
 * errorsAPImpact.py} for the isolated one). See the oracles README, section 4.3.
 *
 * <p><b>Input.</b> As {@code run_analysis.py}: per image (in order of first appearance in the
 * results), the 20 highest-scored detections of the keypoint category; result ids follow that kept
 * order. A detection's area is the extent of its original keypoints (all 17, labelled or not) and
 * does not change when keypoints are corrected.
 *
 * <p><b>Keypoint classes.</b> Detections are matched COCO-style at OKS ≥ 0.1 (per area range);
 * those matched to a GT with {@code num_keypoints > 0} are analysed. For keypoint j the keypoint
 * similarity {@code ks = exp(-d² / (2σ_j)² / (area + 2^-52) / 2)} is taken against every
 * annotation of the image, original and left/right-flipped (row 0 the matched GT, row N its flip);
 * {@code ks = -1} where the candidate does not label j, and a negative maximum becomes 0. With m the
 * maximum and a its first row: good m &gt; 0.85 ∧ a = 0; jitter 0.5 ≤ m &lt; 0.85 ∧ a = 0;
 * inversion m ≥ 0.5 ∧ a = N; swap m ≥ 0.5 ∧ a ∉ {0, N}; miss m &lt; 0.5; only where the matched GT
 * labels j. <em>Quirk:</em> m exactly 0.85 with a = 0 is neither good nor jitter (and its corrected
 * keypoint is (0, 0), unused since it is not flagged).
 *
 * <p><b>Corrections and the σ² quirk.</b> A flagged keypoint moves to the GT's y and GT x + {@code
 * sqrt(-ln t · 2 · area · σ²)}, with t = 0.85 (jitter), 0.5 (miss) or m nudged by ±2^-52 away from
 * 0 and 1 (inversion, swap). The tool uses σ² where OKS uses (2σ)², so the corrected keypoint's
 * similarity is t^¼ (0.9602 for jitter, 0.8409 for miss), not t. Reproduced as is.
 *
 * <p><b>Score oracle.</b> Each detection's score becomes its best OKS with a non-ignored GT of the
 * area range, after all keypoint corrections of that range; then Gaussian soft-NMS per image,
 * {@code s ← s · exp(-OKS(d, M)² / 0.5)}, with an OKS between detections over all 17 keypoints and
 * the mean of their keypoint-extent areas. <em>Quirk:</em> soft-NMS compares the keypoints as left
 * by the last area range's correction ("large"), for every area range.
 *
 * <p><b>Background errors.</b> At each OKS threshold, detections still unmatched after the
 * keypoint and score corrections are background false positives and get {@code dtIgnore} at that
 * threshold; GT still unmatched are false negatives and get {@code gtIgnore} (cumulatively over
 * the thresholds), which makes AP 1 wherever anything matches. <em>Quirk (row-order bug):</em> the
 * false-negative precision rows are stored in ascending OKS order but labelled in descending order,
 * so the value reported for OKS .50 is the one computed at .95, and so on. Reproduced as is.
 *
 * <p>{@link KeypointAnalysisOptions#textbook()} replaces the σ² quirk and the row-order bug by the
 * textbook behaviour; everything else stays coco-analyze's.
 *
 * <p><b>AP.</b> coco-analyze's COCOeval: OKS thresholds .50:.05:.95 as decimal literals, 20
 * detections per image, area ranges all = [32², 1e5²] (not COCOeval's [0, 1e10]), medium = [32²,
 * 96²], large = [96², 1e5²].
 */
public final class KeypointAnalysis {
  /** coco-analyze's OKS thresholds (decimal literals, ascending). */
  public static final double[] OKS_THRESHOLDS = {.5, .55, .6, .65, .7, .75, .8, .85, .9, .95};

  /** coco-analyze's area range labels. */
  public static final List<String> AREAS = List.of("all", "medium", "large");

  private static final double[][] AREA_BOUNDS = {
    {32 * 32, 1e10}, {32 * 32, 96 * 96}, {96 * 96, 1e10}
  };
  private static final double LOCALIZATION_OKS = 0.1;
  private static final double JITTER_LOW = 0.5;
  private static final double JITTER_HIGH = 0.85;
  private static final double EPS = Math.ulp(1.0);
  /** coco-analyze's sigmas (decimal literals, not .26/10). */
  private static final double[] SIGMAS = {
    .026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062, .107, .107, .087, .087, .089,
    .089
  };
  /** Left/right flip of the 17 COCO keypoints. */
  private static final int[] FLIP = {0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15};
  private static final int K = 17;
  private static final KeypointError[] KEYPOINT_ERRORS_FIXED = {
    KeypointError.MISS, KeypointError.SWAP, KeypointError.INVERSION, KeypointError.JITTER
  };

  private KeypointAnalysis() {}

  /** The errors of one analysed detection. */
  private record DetErrors(KeypointError[] flags, double[] opt) {}

  /** Runs the analysis on one model's keypoint detections, exactly as coco-analyze does. */
  public static KeypointAnalysisResult analyze(CocoDataset groundTruth, List<CocoResult> results) {
    return analyze(groundTruth, results, KeypointAnalysisOptions.cocoAnalyze());
  }

  /** Runs the analysis with coco-analyze's quirks or their textbook variants. */
  public static KeypointAnalysisResult analyze(
      CocoDataset groundTruth, List<CocoResult> results, KeypointAnalysisOptions options) {
    return new Analysis(groundTruth, results, options).run();
  }

  private static final class Analysis {
    final PoseEval.Data data = new PoseEval.Data();
    final PoseEval eval;
    final int[] resultIndex;
    final long[] detImage;
    final int[] imageOfDet;
    final List<CocoAnnotation> anns;
    final int numAnns;
    final double[] variances = new double[K];
    final KeypointAnalysisOptions options;

    Analysis(CocoDataset gt, List<CocoResult> results, KeypointAnalysisOptions options) {
      this.options = options;
      for (int j = 0; j < K; j++) {
        double twice = SIGMAS[j] * 2;
        variances[j] = twice * twice;
      }
      CocoCategory category = gt.categories().stream()
          .filter(CocoCategory::hasKeypoints)
          .min((a, b) -> Integer.compare(a.id(), b.id()))
          .orElseThrow(() -> BadInputException.of(null, "categories", "keypoints", null,
              "no category defines keypoints"));
      if (category.keypoints().size() != K) {
        throw BadInputException.of(null, "categories", "keypoints",
            category.keypoints().size() + " keypoints",
            "coco-analyze's keypoint analysis needs COCO's 17 person keypoints");
      }
      int cat = category.id();
      anns = gt.annotations();
      numAnns = anns.size();
      // images: sorted unique ids
      TreeSet<Long> ids = new TreeSet<>();
      for (CocoImage im : gt.images()) {
        ids.add(im.id());
      }
      long[] imageIds = ids.stream().mapToLong(Long::longValue).toArray();
      Map<Long, Integer> imageIndex = new HashMap<>();
      for (int i = 0; i < imageIds.length; i++) {
        imageIndex.put(imageIds[i], i);
      }
      List<List<Integer>> gtBy = new ArrayList<>();
      List<List<Integer>> annsBy = new ArrayList<>();
      for (int i = 0; i < imageIds.length; i++) {
        gtBy.add(new ArrayList<>());
        annsBy.add(new ArrayList<>());
      }
      data.gtId = new long[numAnns];
      data.gtArea = new double[numAnns];
      data.gtCrowd = new boolean[numAnns];
      data.gtIgnoreBase = new boolean[numAnns];
      data.gtNumKeypoints = new int[numAnns];
      data.gtKeypoints = new double[numAnns][];
      data.gtBox = new double[numAnns][];
      for (int j = 0; j < numAnns; j++) {
        CocoAnnotation a = anns.get(j);
        Integer i = imageIndex.get(a.imageId());
        if (i == null) {
          throw BadInputException.of(null, "annotations[" + j + "]", "image_id", a.imageId(),
              "no image with this id in images[]");
        }
        data.gtId[j] = a.id();
        data.gtArea[j] = a.area();
        data.gtCrowd[j] = a.crowd();
        data.gtNumKeypoints[j] = a.numKeypoints();
        data.gtIgnoreBase[j] = a.crowd() || a.numKeypoints() == 0;
        data.gtKeypoints[j] = a.keypoints() != null ? a.keypoints() : new double[3 * K];
        data.gtBox[j] = a.bbox();
        annsBy.get(i).add(j);
        if (a.categoryId() == cat) {
          if (a.keypoints() == null || a.keypoints().length != 3 * K) {
            throw BadInputException.of(null, "annotations[" + j + "]", "keypoints", null,
                "missing (needed for keypoint analysis)");
          }
          if (a.bbox() == null) {
            throw BadInputException.of(null, "annotations[" + j + "]", "bbox", null,
                "missing (needed for keypoint analysis)");
          }
          gtBy.get(i).add(j);
        }
      }
      // Detections: per image in order of first appearance, the 20 best (run_analysis.py).
      LinkedHashMap<Long, List<Integer>> byImage = new LinkedHashMap<>();
      for (int r = 0; r < results.size(); r++) {
        CocoResult res = results.get(r);
        if (res.categoryId() != cat || !imageIndex.containsKey(res.imageId())) {
          continue;
        }
        if (res.keypoints() == null || res.keypoints().length != 3 * K) {
          throw BadInputException.of(null, "results[" + r + "]", "keypoints", null,
              "missing (needed for keypoint analysis)");
        }
        byImage.computeIfAbsent(res.imageId(), k -> new ArrayList<>()).add(r);
      }
      List<Integer> kept = new ArrayList<>();
      for (List<Integer> list : byImage.values()) {
        double[] s = new double[list.size()];
        for (int k = 0; k < s.length; k++) {
          s[k] = results.get(list.get(k)).score();
        }
        int[] order = StableOrder.descending(s);
        for (int k = 0; k < Math.min(order.length, PoseEval.MAX_DETS); k++) {
          kept.add(list.get(order[k]));
        }
      }
      int n = kept.size();
      data.numDets = n;
      data.numGt = numAnns;
      resultIndex = new int[n];
      detImage = new long[n];
      imageOfDet = new int[n];
      data.dtArea = new double[n];
      data.dtScore = new double[n];
      data.dtKeypoints = new double[n][];
      boolean boxBranch = n > 0 && results.get(kept.get(0)).bbox() != null;
      List<List<Integer>> dtBy = new ArrayList<>();
      for (int i = 0; i < imageIds.length; i++) {
        dtBy.add(new ArrayList<>());
      }
      for (int d = 0; d < n; d++) {
        CocoResult res = results.get(kept.get(d));
        resultIndex[d] = kept.get(d);
        detImage[d] = res.imageId();
        imageOfDet[d] = imageIndex.get(res.imageId());
        data.dtScore[d] = res.score();
        data.dtKeypoints[d] = res.keypoints().clone();
        if (boxBranch) {
          if (res.bbox() == null) {
            throw BadInputException.of(null, "results[" + kept.get(d) + "]", "bbox", null,
                "missing (the first result has a bbox, so all results need one)");
          }
          data.dtArea[d] = res.bbox()[2] * res.bbox()[3];
        } else {
          double[] ext = extent(res.keypoints());
          data.dtArea[d] = (ext[1] - ext[0]) * (ext[3] - ext[2]);
        }
        dtBy.get(imageOfDet[d]).add(d);
      }
      data.imageIds = imageIds;
      data.gtByImage = toArrays(gtBy);
      data.annsByImage = toArrays(annsBy);
      data.dtByImage = toArrays(dtBy);
      eval = new PoseEval(data);
    }

    KeypointAnalysisResult run() {
      int numA = AREAS.size();
      double[][] origKpts = data.dtKeypoints;
      double[] origScores = data.dtScore;

      // 1. keypoint errors per area range
      DetErrors[][] errors = new DetErrors[numA][];
      for (int a = 0; a < numA; a++) {
        errors[a] = keypointErrors(a);
      }
      double[][][] corrected = new double[numA][][];
      for (int a = 0; a < numA; a++) {
        corrected[a] = correct(origKpts, errors[a], KEYPOINT_ERRORS_FIXED);
      }

      // 2. score oracle
      double[][] maxOks = new double[numA][];
      for (int a = 0; a < numA; a++) {
        maxOks[a] = maxOks(origScores, corrected[a], a);
      }
      double[][] optScores = new double[numA][];
      for (int a = 0; a < numA; a++) {
        optScores[a] = softNms(maxOks[a], corrected[numA - 1]);
      }

      // 3. cumulative summary
      Map<KeypointAnalysisStep, Map<String, double[]>> cumulative =
          new EnumMap<>(KeypointAnalysisStep.class);
      Map<KeypointAnalysisStep, Map<String, double[]>> isolated =
          new EnumMap<>(KeypointAnalysisStep.class);
      for (KeypointAnalysisStep s : KeypointAnalysisStep.values()) {
        cumulative.put(s, new LinkedHashMap<>());
        isolated.put(s, new LinkedHashMap<>());
      }
      Map<String, int[][]> background = new LinkedHashMap<>();
      Map<KeypointAnalysisStep, double[][]> curves = new EnumMap<>(KeypointAnalysisStep.class);
      for (int a = 0; a < numA; a++) {
        String area = AREAS.get(a);
        Accumulated base = ap(origScores, origKpts, a);
        double[] baseAuc = aucs(base);
        cumulative.get(KeypointAnalysisStep.BASELINE).put(area, baseAuc);
        isolated.get(KeypointAnalysisStep.BASELINE).put(area, baseAuc);
        if (a == 0) {
          curves.put(KeypointAnalysisStep.BASELINE, base.precision());
        }
        double[][] kp = origKpts;
        for (KeypointError e : KEYPOINT_ERRORS_FIXED) {
          kp = correct(kp, errors[a], new KeypointError[] {e});
          Accumulated acc = ap(origScores, kp, a);
          cumulative.get(step(e)).put(area, aucs(acc));
          if (a == 0) {
            curves.put(step(e), acc.precision());
          }
          isolated.get(step(e)).put(area,
              aucs(ap(origScores, correct(origKpts, errors[a], new KeypointError[] {e}), a)));
        }
        Accumulated scored = ap(optScores[a], corrected[a], a);
        cumulative.get(KeypointAnalysisStep.SCORE).put(area, aucs(scored));
        double[][][] bkg = backgroundSteps(optScores[a], corrected[a], a, background, area);
        cumulative.get(KeypointAnalysisStep.BACKGROUND_FALSE_POSITIVE).put(area, bkg[0][0]);
        cumulative.get(KeypointAnalysisStep.FALSE_NEGATIVE).put(area, bkg[1][0]);
        if (a == 0) {
          curves.put(KeypointAnalysisStep.SCORE, scored.precision());
          curves.put(KeypointAnalysisStep.BACKGROUND_FALSE_POSITIVE, bkg[2]);
          curves.put(KeypointAnalysisStep.FALSE_NEGATIVE, bkg[3]);
        }
      }

      // 4. isolated score and background errors (no keypoint correction)
      double[][] isoMaxOks = new double[numA][];
      for (int a = 0; a < numA; a++) {
        isoMaxOks[a] = maxOks(origScores, origKpts, a);
      }
      for (int a = 0; a < numA; a++) {
        String area = AREAS.get(a);
        double[] scores = softNms(isoMaxOks[a], origKpts);
        isolated.get(KeypointAnalysisStep.SCORE).put(area, aucs(ap(scores, origKpts, a)));
        double[][][] bkg = backgroundSteps(origScores, origKpts, a, null, area);
        isolated.get(KeypointAnalysisStep.BACKGROUND_FALSE_POSITIVE).put(area, bkg[0][0]);
        isolated.get(KeypointAnalysisStep.FALSE_NEGATIVE).put(area, bkg[1][0]);
      }

      // 5. counts and per-detection results (area "all")
      Map<KeypointError, Integer> counts = new EnumMap<>(KeypointError.class);
      for (KeypointError e : KeypointError.values()) {
        counts.put(e, 0);
      }
      int[][] perKeypoint = new int[KeypointError.values().length][K];
      int matched = 0;
      List<KeypointDetectionErrors> dets = new ArrayList<>();
      for (int d = 0; d < data.numDets; d++) {
        DetErrors de = errors[0][d];
        if (de != null) {
          matched++;
          for (int j = 0; j < K; j++) {
            if (de.flags()[j] != null) {
              counts.merge(de.flags()[j], 1, Integer::sum);
              perKeypoint[de.flags()[j].ordinal()][j]++;
            }
          }
        }
        dets.add(new KeypointDetectionErrors(resultIndex[d], detImage[d], origScores[d],
            optScores[0][d], maxOks[0][d], de == null ? null : de.flags().clone(),
            de == null ? null : de.opt().clone()));
      }
      double[] stats = baselineStats(origScores, origKpts);
      return new KeypointAnalysisResult(cumulative, isolated, counts, perKeypoint, data.numDets,
          matched, background, stats, dets, curves);
    }

    private static KeypointAnalysisStep step(KeypointError e) {
      return switch (e) {
        case MISS -> KeypointAnalysisStep.MISS;
        case SWAP -> KeypointAnalysisStep.SWAP;
        case INVERSION -> KeypointAnalysisStep.INVERSION;
        case JITTER -> KeypointAnalysisStep.JITTER;
        default -> throw new IllegalArgumentException(e.toString());
      };
    }

    private Accumulated ap(double[] scores, double[][] kpts, int a) {
      ImageEval[] e = eval.evaluate(scores, kpts, AREA_BOUNDS[a][0], AREA_BOUNDS[a][1],
          OKS_THRESHOLDS, false);
      return eval.accumulate(e, OKS_THRESHOLDS.length, scores);
    }

    private static double[] aucs(Accumulated acc) {
      double[] out = new double[OKS_THRESHOLDS.length];
      for (int t = 0; t < out.length; t++) {
        out[t] = acc.auc(t);
      }
      return out;
    }

    /**
     * Steps bckgd_false_pos and false_neg (with the false_neg row-order bug): {{bfp AUCs}, {fn
     * AUCs as labelled}, bfp precision [T][R], fn precision [T][R] at the right thresholds}.
     */
    private double[][][] backgroundSteps(double[] scores, double[][] kpts, int a,
        Map<String, int[][]> countsOut, String area) {
      int numT = OKS_THRESHOLDS.length;
      double lo = AREA_BOUNDS[a][0];
      double hi = AREA_BOUNDS[a][1];
      // the false positives and negatives at each threshold
      ImageEval[] m = eval.evaluate(scores, kpts, lo, hi, OKS_THRESHOLDS, false);
      boolean[][] fp = new boolean[numT][data.numDets];
      boolean[][] fn = new boolean[numT][numAnns];
      int[][] counts = new int[numT][2];
      for (int t = 0; t < numT; t++) {
        Arrays.fill(fp[t], true);
        Arrays.fill(fn[t], true);
        for (ImageEval e : m) {
          if (e == null) {
            continue;
          }
          for (int d = 0; d < e.dts.length; d++) {
            int g = e.dtMatch[t][d];
            if (g >= 0) {
              fp[t][e.dts[d]] = false;
              fn[t][e.gts[g]] = false;
            }
          }
        }
        for (boolean b : fp[t]) {
          counts[t][0] += b ? 1 : 0;
        }
        for (boolean b : fn[t]) {
          counts[t][1] += b ? 1 : 0;
        }
      }
      if (countsOut != null) {
        countsOut.put(area, counts);
      }
      // ignore the false positives, threshold by threshold
      ImageEval[] e = eval.evaluate(scores, kpts, lo, hi, OKS_THRESHOLDS, false);
      for (int t = 0; t < numT; t++) {
        for (ImageEval ie : e) {
          if (ie == null) {
            continue;
          }
          for (int d = 0; d < ie.dts.length; d++) {
            if (fp[t][ie.dts[d]]) {
              ie.dtIgnore[t][d] = true;
            }
          }
        }
      }
      Accumulated bfpAcc = eval.accumulate(e, numT, scores);
      double[] bfp = aucs(bfpAcc);
      // then the false negatives, cumulatively; row t is kept at its ascending position
      double[] byRow = new double[numT];
      double[][] fnRows = new double[numT][];
      for (int t = 0; t < numT; t++) {
        for (ImageEval ie : e) {
          if (ie == null) {
            continue;
          }
          for (int g = 0; g < ie.gts.length; g++) {
            if (fn[t][ie.gts[g]]) {
              ie.gtIgnore[g] = true;
            }
          }
        }
        Accumulated acc = eval.accumulate(e, numT, scores);
        byRow[t] = acc.auc(t);
        fnRows[t] = acc.precision()[t];
      }
      // coco-analyze labels row t with the t-th threshold in descending order
      double[] fnAuc = new double[numT];
      for (int t = 0; t < numT; t++) {
        fnAuc[options.falseNegativeRowsInOrder() ? t : numT - 1 - t] = byRow[t];
      }
      return new double[][][] {{bfp}, {fnAuc}, bfpAcc.precision(), fnRows};
    }

    /** Each detection's best OKS with a non-ignored GT of the area range at threshold 0.5. */
    private double[] maxOks(double[] scores, double[][] kpts, int a) {
      ImageEval[] e = eval.evaluate(scores, kpts, AREA_BOUNDS[a][0], AREA_BOUNDS[a][1],
          new double[] {OKS_THRESHOLDS[0]}, true);
      double[] out = new double[data.numDets];
      for (ImageEval ie : e) {
        if (ie == null) {
          continue;
        }
        for (int d = 0; d < ie.dts.length; d++) {
          out[ie.dts[d]] = ie.dtIousMax[d];
        }
      }
      return out;
    }

    /** Gaussian soft-NMS per image over the rescored detections. */
    private double[] softNms(double[] maxOks, double[][] kpts) {
      double[] opt = maxOks.clone();
      double[] terms = new double[K];
      for (int[] dets : data.dtByImage) {
        List<Integer> b = new ArrayList<>();
        for (int d : dets) {
          b.add(d);
        }
        while (!b.isEmpty()) {
          double[] s = new double[b.size()];
          for (int k = 0; k < s.length; k++) {
            s[k] = opt[b.get(k)];
          }
          int[] order = StableOrder.descending(s);
          List<Integer> sorted = new ArrayList<>(b.size());
          for (int k : order) {
            sorted.add(b.get(k));
          }
          b = sorted;
          int mDet = b.remove(0);
          double[] mk = kpts[mDet];
          double[] mExt = extent(mk);
          double mArea = (mExt[1] - mExt[0]) * (mExt[3] - mExt[2]);
          for (int d : b) {
            double[] dk = kpts[d];
            double[] dExt = extent(dk);
            double dArea = (dExt[1] - dExt[0]) * (dExt[3] - dExt[2]);
            double scale = (.5 * (mArea + dArea)) + EPS;
            for (int j = 0; j < K; j++) {
              double dx = dk[3 * j] - mk[3 * j];
              double dy = dk[3 * j + 1] - mk[3 * j + 1];
              double e = (dx * dx + dy * dy) / variances[j] / scale / 2;
              terms[j] = Math.exp(-e);
            }
            double oks = NumpyMath.sum(terms, 0, K) / K;
            double e = (oks * oks) / .5;
            opt[d] = opt[d] * Math.exp(-e);
          }
        }
      }
      return opt;
    }

    /** Copies the keypoints with the flagged ones of the given classes corrected. */
    private double[][] correct(double[][] kpts, DetErrors[] errs, KeypointError[] types) {
      double[][] out = new double[kpts.length][];
      for (int d = 0; d < kpts.length; d++) {
        DetErrors de = errs[d];
        if (de == null) {
          out[d] = kpts[d];
          continue;
        }
        double[] k = kpts[d].clone();
        for (int j = 0; j < K; j++) {
          for (KeypointError t : types) {
            if (de.flags()[j] == t) {
              k[3 * j] = de.opt()[3 * j];
              k[3 * j + 1] = de.opt()[3 * j + 1];
            }
          }
        }
        out[d] = k;
      }
      return out;
    }

    /** Keypoint errors of every detection matched at OKS 0.1 in one area range. */
    private DetErrors[] keypointErrors(int a) {
      ImageEval[] e = eval.evaluate(data.dtScore, data.dtKeypoints, AREA_BOUNDS[a][0],
          AREA_BOUNDS[a][1], new double[] {LOCALIZATION_OKS}, false);
      DetErrors[] out = new DetErrors[data.numDets];
      for (int i = 0; i < e.length; i++) {
        ImageEval ie = e[i];
        if (ie == null) {
          continue;
        }
        for (int d = 0; d < ie.dts.length; d++) {
          int g = ie.dtMatch[0][d];
          if (g < 0 || data.gtId[ie.gts[g]] == 0) {
            continue;
          }
          int gt = ie.gts[g];
          if (data.gtNumKeypoints[gt] == 0) {
            continue;
          }
          out[ie.dts[d]] = classify(ie.dts[d], gt, i);
        }
      }
      return out;
    }

    private DetErrors classify(int det, int gt, int image) {
      int[] imageAnns = data.annsByImage[image];
      int n = imageAnns.length;
      int rows = 2 * n;
      double[][] rx = new double[rows][];
      double[][] ry = new double[rows][];
      double[][] rv = new double[rows][];
      double[] area = new double[rows];
      int indx = 1;
      for (int j : imageAnns) {
        double[] kp = data.gtKeypoints[j];
        double[] xs = new double[K];
        double[] ys = new double[K];
        double[] vs = new double[K];
        double[] fx = new double[K];
        double[] fy = new double[K];
        double[] fv = new double[K];
        for (int k = 0; k < K; k++) {
          xs[k] = kp[3 * k];
          ys[k] = kp[3 * k + 1];
          vs[k] = kp[3 * k + 2];
        }
        for (int k = 0; k < K; k++) {
          fx[k] = xs[FLIP[k]];
          fy[k] = ys[FLIP[k]];
          fv[k] = vs[FLIP[k]];
        }
        int row = data.gtId[j] == data.gtId[gt] ? 0 : indx++;
        rx[row] = xs;
        ry[row] = ys;
        rv[row] = vs;
        rx[row + n] = fx;
        ry[row + n] = fy;
        rv[row + n] = fv;
        area[row] = data.gtArea[j];
        area[row + n] = data.gtArea[j];
      }
      double[] dk = data.dtKeypoints[det];
      KeypointError[] flags = new KeypointError[K];
      double[] opt = new double[3 * K];
      double gtArea = data.gtArea[gt];
      for (int k = 0; k < K; k++) {
        double dx = dk[3 * k];
        double dy = dk[3 * k + 1];
        double m = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int r = 0; r < rows; r++) {
          double ks;
          if (rx[r] == null) {
            ks = -1; // a row left empty (repeated annotation id): zeros, unlabelled
          } else if (rv[r][k] > 0) {
            double ex = rx[r][k] - dx;
            double ey = ry[r][k] - dy;
            double sq = ex * ex + ey * ey;
            ks = Math.exp(-sq / variances[k] / (area[r] + EPS) / 2);
          } else {
            ks = rv[r][k] == 0 ? -1 : 0;
          }
          if (ks > m) {
            m = ks;
            arg = r;
          }
        }
        if (m < 0) {
          m = 0;
        }
        double gx = rx[0][k];
        double gy = ry[0][k];
        boolean labelled = rv[0][k] != 0;
        int good = labelled && m > JITTER_HIGH && arg == 0 ? 1 : 0;
        int jitter = labelled && m >= JITTER_LOW && m < JITTER_HIGH && arg == 0 ? 1 : 0;
        int inversion = labelled && m >= JITTER_LOW && arg == n ? 1 : 0;
        int swap = labelled && m >= JITTER_LOW && arg != 0 && arg != n ? 1 : 0;
        int miss = labelled && m < JITTER_LOW ? 1 : 0;
        int unlabelled = labelled ? 0 : 1;
        // coco-analyze uses σ² here (OKS uses (2σ)²): the quirk that makes the similarity t^¼
        double s2 = options.textbookCorrections() ? variances[k] : SIGMAS[k] * SIGMAS[k];
        double low = Math.sqrt(-Math.log(JITTER_LOW) * 2 * gtArea * s2);
        double high = Math.sqrt(-Math.log(JITTER_HIGH) * 2 * gtArea * s2);
        double rounded = m + EPS * (m == 0 ? 1 : 0) - EPS * (m == 1 ? 1 : 0);
        double toMax = Math.sqrt(-Math.log(rounded) * 2 * gtArea * s2);
        opt[3 * k] = dx * good + (gx + high) * jitter + (gx + low) * miss + dx * unlabelled
            + (gx + toMax) * inversion + (gx + toMax) * swap;
        opt[3 * k + 1] = dy * good + gy * jitter + gy * miss + dy * unlabelled
            + gy * inversion + gy * swap;
        opt[3 * k + 2] = dk[3 * k + 2];
        flags[k] = good == 1 ? KeypointError.GOOD
            : jitter == 1 ? KeypointError.JITTER
            : inversion == 1 ? KeypointError.INVERSION
            : swap == 1 ? KeypointError.SWAP
            : miss == 1 ? KeypointError.MISS
            : null;
      }
      return new DetErrors(flags, opt);
    }

    /** coco-analyze's {@code evaluate()} stats with its area ranges. */
    private double[] baselineStats(double[] scores, double[][] kpts) {
      int numA = AREAS.size();
      double[][][] precision = new double[numA][][];
      double[][] recall = new double[numA][];
      for (int a = 0; a < numA; a++) {
        Accumulated acc = ap(scores, kpts, a);
        precision[a] = acc.precision();
        recall[a] = acc.recall();
      }
      int t50 = indexOf(OKS_THRESHOLDS, .5);
      int t75 = indexOf(OKS_THRESHOLDS, .75);
      return new double[] {
        meanPositive(precision[0], -1), meanPositive(precision[0], t50),
        meanPositive(precision[0], t75), meanPositive(precision[1], -1),
        meanPositive(precision[2], -1), meanPositive(new double[][] {recall[0]}, -1),
        recall[0][t50] > -1 ? recall[0][t50] : -1, recall[0][t75] > -1 ? recall[0][t75] : -1,
        meanPositive(new double[][] {recall[1]}, -1), meanPositive(new double[][] {recall[2]}, -1)
      };
    }

    private static double meanPositive(double[][] rows, int onlyRow) {
      List<Double> v = new ArrayList<>();
      for (int t = 0; t < rows.length; t++) {
        if (onlyRow >= 0 && t != onlyRow) {
          continue;
        }
        for (double x : rows[t]) {
          if (x > -1) {
            v.add(x);
          }
        }
      }
      if (v.isEmpty()) {
        return -1;
      }
      double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
      return NumpyMath.mean(a);
    }

    private static int indexOf(double[] a, double v) {
      for (int i = 0; i < a.length; i++) {
        if (a[i] == v) {
          return i;
        }
      }
      return -1;
    }
  }

  private static double[] extent(double[] k) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k.length; j += 3) {
      x0 = Math.min(x0, k[j]);
      x1 = Math.max(x1, k[j]);
      y0 = Math.min(y0, k[j + 1]);
      y1 = Math.max(y1, k[j + 1]);
    }
    return new double[] {x0, x1, y0, y1};
  }

  private static int[][] toArrays(List<List<Integer>> lists) {
    int[][] out = new int[lists.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }
}
