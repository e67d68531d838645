package io.ticketlab.eval.coco;

import io.ticketlab.common.StableOrder;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * COCO evaluation (pycocotools' {@code COCOeval}: {@code evaluate}, {@code accumulate} and {@code
 * summarize}) with identical numbers. Images are matched independently and in parallel; categories
 * are accumulated in parallel.
 *
 * <p>What it reproduces, among others: results get ids 1..N in file order and their areas as
 * {@code loadRes} sets them (the first result decides: a box gives every result area w·h, else a
 * mask gives its pixel count, else the keypoints' extent); GT {@code ignore} is {@code iscrowd}
 * (and, for keypoints, {@code num_keypoints == 0}); per image and category the detections are
 * stably sorted by descending score and cut to the largest budget before matching; greedy
 * matching per IoU threshold where IoU ties go to the later GT and a detection matched to a real GT
 * never moves to an ignored one; crowd regions absorb any number of detections; precision is
 * {@code tp / (tp + fp + 2^-52)} with its envelope sampled at the recall grid.
 *
 * <pre>{@code
 * CocoDataset gt = CocoReader.readDataset(Path.of("instances_val2017.json"));
 * List<CocoResult> dt = CocoReader.readResults(Path.of("results.json"), gt);
 * Evaluation e = CocoEvaluator.evaluate(gt, dt, EvalParams.defaults(IouType.BBOX));
 * double ap = e.stat("AP");
 * }</pre>
 */
public final class CocoEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(CocoEvaluator.class);
  private static final byte FALSE_POSITIVE = 0;
  private static final byte TRUE_POSITIVE = 1;
  private static final byte IGNORED = 2;

  private CocoEvaluator() {}

  /** Evaluates the detections against the ground truth and accumulates the result. */
  public static Evaluation evaluate(
      CocoDataset groundTruth, List<CocoResult> results, EvalParams params) {
    long t0 = System.nanoTime();
    PreparedEvaluation prepared = PreparedEvaluation.of(groundTruth, results, params);
    long t1 = System.nanoTime();
    GroupResult[] groups = matchAll(prepared);
    long t2 = System.nanoTime();
    Evaluation e = accumulate(prepared, groups);
    long t3 = System.nanoTime();
    if (LOG.isDebugEnabled()) {
      LOG.debug("COCO {} evaluation: prepare {} s, match {} s, accumulate {} s", params.iouType().cocoName(),
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }
    return e;
  }

  /**
   * Reads a ground-truth and a results file and evaluates them with pycocotools' default
   * parameters for the IoU type (for keypoints: the categories that define keypoints).
   */
  public static Evaluation evaluate(Path groundTruthFile, Path resultsFile, IouType iouType) {
    return evaluate(groundTruthFile, resultsFile, EvalParams.defaults(iouType));
  }

  /** Reads a ground-truth and a results file and evaluates them; errors name the file. */
  public static Evaluation evaluate(Path groundTruthFile, Path resultsFile, EvalParams params) {
    return evaluate(groundTruthFile, resultsFile, params, null);
  }

  /**
   * {@link #evaluate(Path, Path, EvalParams)} with the ground truth read leniently when {@code
   * lenient} is given (see {@link CocoReader#readDataset(Path, java.util.function.Consumer)}).
   */
  public static Evaluation evaluate(Path groundTruthFile, Path resultsFile, EvalParams params,
      java.util.function.Consumer<String> lenient) {
    CocoDataset gt = CocoReader.readDataset(groundTruthFile, lenient);
    List<CocoResult> results = CocoReader.readResults(resultsFile, gt);
    try {
      return evaluate(gt, results, params);
    } catch (BadInputException e) {
      // Name the file that holds the offending record.
      String message = e.getMessage();
      if (message.startsWith("results[")) {
        throw new BadInputException(resultsFile + ": " + message.substring("results".length()), e);
      }
      if (message.startsWith("annotations[") || message.startsWith("categories[")) {
        throw new BadInputException(groundTruthFile + ": " + message, e);
      }
      throw e;
    }
  }

  /**
   * pycocotools' {@code evalImgs}: the per-image matching for every category, area range and
   * image, in that nesting order (category outermost), leaving out the image/category pairs that
   * have neither ground truth nor detections.
   */
  public static List<ImageEvaluation> evaluateImages(
      CocoDataset groundTruth, List<CocoResult> results, EvalParams params) {
    PreparedEvaluation p = PreparedEvaluation.of(groundTruth, results, params);
    int numGroupsPerImage = p.numGroupCategories();
    ImageEvaluation[][] byGroup = new ImageEvaluation[p.numImages() * numGroupsPerImage][];
    IntStream.range(0, p.numImages()).parallel().forEach(i -> {
      for (int k = 0; k < numGroupsPerImage; k++) {
        int group = i * numGroupsPerImage + k;
        GroupMatcher matcher = GroupMatcher.create(p, group);
        if (matcher != null) {
          byGroup[group] = matcher.detailed();
        }
      }
    });
    List<ImageEvaluation> out = new ArrayList<>();
    for (int k = 0; k < numGroupsPerImage; k++) {
      for (int a = 0; a < p.areaRanges.size(); a++) {
        for (int i = 0; i < p.numImages(); i++) {
          ImageEvaluation[] e = byGroup[i * numGroupsPerImage + k];
          if (e != null) {
            out.add(e[a]);
          }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // evaluate(): per-image matching, in parallel over images

  /**
   * What accumulate needs from one image/category pair: per area range and detection, the status
   * at every threshold packed 2 bits each ({@code status[a * D + d] >>> 2t & 3}).
   */
  record GroupResult(double[] scores, long[] status, int[] nonIgnoredGt) {
    int numDetections() {
      return scores.length;
    }
  }

  private static GroupResult[] matchAll(PreparedEvaluation p) {
    int perImage = p.numGroupCategories();
    GroupResult[] out = new GroupResult[p.numImages() * perImage];
    IntStream.range(0, p.numImages()).parallel().forEach(i -> {
      for (int k = 0; k < perImage; k++) {
        int group = i * perImage + k;
        GroupMatcher matcher = GroupMatcher.create(p, group);
        if (matcher != null) {
          out[group] = matcher.compact();
        }
      }
    });
    return out;
  }

  /** Matching of one image/category pair over all area ranges and thresholds. */
  static final class GroupMatcher {
    final PreparedEvaluation p;
    final long imageId;
    final int categoryId;
    final int[] gts;
    final int[] dts;
    final double[] ious;
    final int numT;

    private GroupMatcher(PreparedEvaluation p, int group, int[] gts, int[] dts) {
      this.p = p;
      this.gts = gts;
      this.dts = dts;
      this.imageId = p.imageIds[group / p.numGroupCategories()];
      this.categoryId = p.useCategories ? p.categoryIds[group % p.numGroupCategories()] : -1;
      this.ious = gts.length == 0 || dts.length == 0
          ? new double[0]
          : p.similarities(group / p.numGroupCategories(), dts, gts);
      this.numT = p.iouThresholds.length;
    }

    static GroupMatcher create(PreparedEvaluation p, int group) {
      int[] gts = p.groupGroundTruths(group);
      int[] dts = p.groupDetections(group);
      if (gts.length == 0 && dts.length == 0) {
        return null;
      }
      return new GroupMatcher(p, group, gts, dts);
    }

    /** Per area range: GT order (sorted position → index into gts) and ignore flags. */
    private int[] gtOrder(AreaRange range, boolean[] ignoreSorted) {
      int g = gts.length;
      int[] order = new int[g];
      int n = 0;
      for (int j = 0; j < g; j++) {
        if (!ignoredIn(gts[j], range)) {
          order[n++] = j;
        }
      }
      int real = n;
      for (int j = 0; j < g; j++) {
        if (ignoredIn(gts[j], range)) {
          order[n++] = j;
        }
      }
      for (int s = 0; s < g; s++) {
        ignoreSorted[s] = s >= real;
      }
      return order;
    }

    private boolean ignoredIn(int gt, AreaRange range) {
      return p.gtIgnore[gt] || !range.contains(p.gtArea[gt]);
    }

    /**
     * Greedy matching at every threshold. Fills {@code dtMatch[t * D + d]} with the sorted GT
     * position matched (or -1) and {@code gtMatch[t * G + s]} with the detection position (or -1).
     */
    private void match(int[] order, boolean[] ignoreSorted, int[] dtMatch, int[] gtMatch) {
      int nd = dts.length;
      int ng = gts.length;
      java.util.Arrays.fill(dtMatch, -1);
      java.util.Arrays.fill(gtMatch, -1);
      if (ious.length == 0) {
        return;
      }
      boolean[] crowd = new boolean[ng];
      for (int s = 0; s < ng; s++) {
        crowd[s] = p.gtCrowd[gts[order[s]]];
      }
      for (int t = 0; t < numT; t++) {
        double threshold = Math.min(p.iouThresholds[t], 1 - 1e-10);
        int gtBase = t * ng;
        for (int d = 0; d < nd; d++) {
          double best = threshold;
          int m = -1;
          int row = d * ng;
          for (int s = 0; s < ng; s++) {
            if (gtMatch[gtBase + s] >= 0 && !crowd[s]) {
              continue;
            }
            if (m > -1 && !ignoreSorted[m] && ignoreSorted[s]) {
              break;
            }
            double v = ious[row + order[s]];
            if (v < best) {
              continue;
            }
            best = v;
            m = s;
          }
          if (m == -1) {
            continue;
          }
          dtMatch[t * nd + d] = m;
          gtMatch[gtBase + m] = d;
        }
      }
    }

    GroupResult compact() {
      int nd = dts.length;
      int ng = gts.length;
      int numA = p.areaRanges.size();
      long[] status = new long[numA * nd];
      int[] nonIgnored = new int[numA];
      double[] scores = new double[nd];
      for (int d = 0; d < nd; d++) {
        scores[d] = p.dtScore[dts[d]];
      }
      int[] dtMatch = new int[numT * nd];
      int[] gtMatch = new int[numT * ng];
      boolean[] ignoreSorted = new boolean[ng];
      for (int a = 0; a < numA; a++) {
        AreaRange range = p.areaRanges.get(a);
        int[] order = gtOrder(range, ignoreSorted);
        int count = 0;
        for (int s = 0; s < ng; s++) {
          if (!ignoreSorted[s]) {
            count++;
          }
        }
        nonIgnored[a] = count;
        match(order, ignoreSorted, dtMatch, gtMatch);
        for (int t = 0; t < numT; t++) {
          for (int d = 0; d < nd; d++) {
            int m = dtMatch[t * nd + d];
            boolean matched = m >= 0 && p.gtId[gts[order[m]]] != 0;
            boolean ignored = (m >= 0 && ignoreSorted[m])
                || (!matched && !range.contains(p.dtArea[dts[d]]));
            long value = ignored ? IGNORED : matched ? TRUE_POSITIVE : FALSE_POSITIVE;
            status[a * nd + d] |= value << (2 * t);
          }
        }
      }
      return new GroupResult(scores, status, nonIgnored);
    }

    ImageEvaluation[] detailed() {
      int nd = dts.length;
      int ng = gts.length;
      int numA = p.areaRanges.size();
      ImageEvaluation[] out = new ImageEvaluation[numA];
      long[] dtIds = new long[nd];
      double[] scores = new double[nd];
      for (int d = 0; d < nd; d++) {
        dtIds[d] = dts[d] + 1L;
        scores[d] = p.dtScore[dts[d]];
      }
      int[] dtMatch = new int[numT * nd];
      int[] gtMatch = new int[numT * ng];
      for (int a = 0; a < numA; a++) {
        AreaRange range = p.areaRanges.get(a);
        boolean[] ignoreSorted = new boolean[ng];
        int[] order = gtOrder(range, ignoreSorted);
        match(order, ignoreSorted, dtMatch, gtMatch);
        long[] gtIds = new long[ng];
        for (int s = 0; s < ng; s++) {
          gtIds[s] = p.gtId[gts[order[s]]];
        }
        long[][] dtMatches = new long[numT][nd];
        long[][] gtMatches = new long[numT][ng];
        boolean[][] dtIgnore = new boolean[numT][nd];
        for (int t = 0; t < numT; t++) {
          for (int d = 0; d < nd; d++) {
            int m = dtMatch[t * nd + d];
            long matchedId = m >= 0 ? gtIds[m] : 0;
            dtMatches[t][d] = matchedId;
            dtIgnore[t][d] = (m >= 0 && ignoreSorted[m])
                || (matchedId == 0 && !range.contains(p.dtArea[dts[d]]));
          }
          for (int s = 0; s < ng; s++) {
            int d = gtMatch[t * ng + s];
            gtMatches[t][s] = d >= 0 ? dtIds[d] : 0;
          }
        }
        out[a] = new ImageEvaluation(imageId, categoryId, range, p.maxDetsLast, dtIds.clone(),
            gtIds, dtMatches, gtMatches, scores.clone(), ignoreSorted, dtIgnore);
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // accumulate(): per category, in parallel

  private static Evaluation accumulate(PreparedEvaluation p, GroupResult[] groups) {
    int numT = p.iouThresholds.length;
    int numR = p.recallThresholds.length;
    int numK = p.numGroupCategories();
    int numA = p.areaRanges.size();
    int[] maxDets = p.maxDets;
    int numM = maxDets.length;
    double[] precision = new double[numT * numR * numK * numA * numM];
    double[] recall = new double[numT * numK * numA * numM];
    double[] scores = new double[precision.length];
    java.util.Arrays.fill(precision, -1);
    java.util.Arrays.fill(recall, -1);
    java.util.Arrays.fill(scores, -1);
    double eps = Math.ulp(1.0);
    IntStream.range(0, numK).parallel().forEach(k -> {
      List<GroupResult> mine = new ArrayList<>();
      int total = 0;
      for (int i = 0; i < p.numImages(); i++) {
        GroupResult g = groups[i * numK + k];
        if (g != null) {
          mine.add(g);
          total += g.numDetections();
        }
      }
      if (mine.isEmpty()) {
        return;
      }
      double[] allScores = new double[total];
      int[] owner = new int[total];
      int[] position = new int[total];
      int n = 0;
      for (int gi = 0; gi < mine.size(); gi++) {
        GroupResult g = mine.get(gi);
        for (int d = 0; d < g.numDetections(); d++) {
          allScores[n] = g.scores()[d];
          owner[n] = gi;
          position[n] = d;
          n++;
        }
      }
      int[] order = StableOrder.descending(allScores);
      // Packed statuses in global score order, laid out [area][rank], read sequentially below.
      double[] sortedScores = new double[total];
      int[] sortedPosition = new int[total];
      GroupResult[] sortedOwner = new GroupResult[total];
      int maxPosition = 0;
      for (int j = 0; j < total; j++) {
        int idx = order[j];
        sortedOwner[j] = mine.get(owner[idx]);
        sortedScores[j] = allScores[idx];
        sortedPosition[j] = position[idx];
        maxPosition = Math.max(maxPosition, position[idx]);
      }
      long[] sorted = new long[numA * total];
      for (int a = 0; a < numA; a++) {
        for (int j = 0; j < total; j++) {
          GroupResult g = sortedOwner[j];
          sorted[a * total + j] = g.status()[a * g.numDetections() + sortedPosition[j]];
        }
      }
      int[] picked = new int[total];
      long[] statusRow = new long[total];
      // Per threshold: the position of the i-th true positive (1-based) and the precision there.
      int[] tpPosition = new int[total + 1];
      double[] tpPrecision = new double[total + 2];
      for (int a = 0; a < numA; a++) {
        int npig = 0;
        for (GroupResult g : mine) {
          npig += g.nonIgnoredGt()[a];
        }
        if (npig == 0) {
          continue;
        }
        // Recall after i true positives, as numpy computes tp / npig.
        double[] recallAfter = new double[npig + 1];
        for (int i = 0; i <= npig; i++) {
          recallAfter[i] = (double) i / npig;
        }
        for (int m = 0; m < numM; m++) {
          int maxDet = maxDets[m];
          boolean all = maxPosition < maxDet;
          int nd = total;
          if (!all) {
            nd = 0;
            for (int j = 0; j < total; j++) {
              if (sortedPosition[j] < maxDet) {
                picked[nd++] = j;
              }
            }
          }
          long[] row;
          int rowStart;
          if (all) {
            row = sorted;
            rowStart = a * total;
          } else {
            for (int j = 0; j < nd; j++) {
              statusRow[j] = sorted[a * total + picked[j]];
            }
            row = statusRow;
            rowStart = 0;
          }
          for (int t = 0; t < numT; t++) {
            int shift = 2 * t;
            int tp = 0;
            int fp = 0;
            for (int j = 0; j < nd; j++) {
              int s = (int) (row[rowStart + j] >>> shift) & 3;
              if (s == TRUE_POSITIVE) {
                tp++;
                tpPosition[tp] = j;
                double tpd = tp;
                tpPrecision[tp] = tpd / ((double) fp + tpd + eps);
              } else if (s == FALSE_POSITIVE) {
                fp++;
              }
            }
            int recallIndex = ((t * numK + k) * numA + a) * numM + m;
            recall[recallIndex] = nd > 0 ? recallAfter[tp] : 0;
            // The precision envelope (running maximum from the end) only rises at true
            // positives: precision falls at false positives and stays at ignored detections.
            tpPrecision[tp + 1] = 0;
            for (int i = tp; i >= 1; i--) {
              if (tpPrecision[i + 1] > tpPrecision[i]) {
                tpPrecision[i] = tpPrecision[i + 1];
              }
            }
            // searchsorted(rc, recThrs, 'left'): the first detection whose recall reaches the
            // threshold is the i-th true positive for the smallest i with i / npig >= threshold.
            int i = 0;
            for (int r = 0; r < numR; r++) {
              double threshold = p.recallThresholds[r];
              while (i <= tp && recallAfter[i] < threshold) {
                i++;
              }
              int cell = (((t * numR + r) * numK + k) * numA + a) * numM + m;
              int j = i > tp ? nd : i == 0 ? 0 : tpPosition[i];
              if (j < nd) {
                precision[cell] = i == 0 ? (tp > 0 ? tpPrecision[1] : 0) : tpPrecision[i];
                scores[cell] = sortedScores[all ? j : picked[j]];
              } else {
                precision[cell] = 0;
                scores[cell] = 0;
              }
            }
          }
        }
      }
    });
    List<String> names = new ArrayList<>();
    int[] kAxis;
    if (p.useCategories) {
      kAxis = p.categoryIds.clone();
      for (int id : kAxis) {
        CocoCategory c = p.groundTruth.category(id);
        names.add(c == null || c.name() == null ? String.valueOf(id) : c.name());
      }
    } else {
      kAxis = new int[] {-1};
      names.add("all");
    }
    return new Evaluation(p.resolvedParams(), kAxis, names, precision, recall, scores);
  }
}
