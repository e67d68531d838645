package io.ticketlab.analysis.keypoints;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What coco-analyze reports for one model. APs are on its 0–1 scale, per area range ({@code
 * "all"}, {@code "medium"}, {@code "large"}, with coco-analyze's own bounds) and per OKS threshold
 * in ascending order ({@link KeypointAnalysis#OKS_THRESHOLDS}); a value of -1 means "no GT".
 *
 * @param cumulative AP after each cumulative step, {@code step → area → AP per OKS}
 * @param isolated AP with each error type fixed alone (BASELINE is the baseline, FALSE_NEGATIVE
 *     carries coco-analyze's row-order bug, see {@link KeypointAnalysis})
 * @param errorCounts keypoints of each class over the analysed detections (area "all")
 * @param perKeypointCounts {@code [class ordinal][keypoint]} counts
 * @param numDetections detections kept (at most 20 per image)
 * @param numMatched detections matched at OKS ≥ 0.1 to a GT with labelled keypoints
 * @param backgroundCounts per area, {@code [oks][0]} background false positives and {@code
 *     [oks][1]} false negatives after the keypoint and score corrections
 * @param baselineStats coco-analyze's 10 keypoint stats (AP, AP50, AP75, APm, APl, AR, AR50,
 *     AR75, ARm, ARl) with its area ranges
 * @param detections the per-detection analysis, in kept order
 * @param precisionCurves for area "all", the interpolated precision {@code [oks][101 recalls]}
 *     after each cumulative step (at the right thresholds, without the false_neg row-order bug);
 *     rows of -1 where there is no GT
 */
public record KeypointAnalysisResult(
    Map<KeypointAnalysisStep, Map<String, double[]>> cumulative,
    Map<KeypointAnalysisStep, Map<String, double[]>> isolated,
    Map<KeypointError, Integer> errorCounts,
    int[][] perKeypointCounts,
    int numDetections,
    int numMatched,
    Map<String, int[][]> backgroundCounts,
    double[] baselineStats,
    List<KeypointDetectionErrors> detections,
    Map<KeypointAnalysisStep, double[][]> precisionCurves) {

  public KeypointAnalysisResult {
    cumulative = Collections.unmodifiableMap(new EnumMap<>(cumulative));
    isolated = Collections.unmodifiableMap(new EnumMap<>(isolated));
    errorCounts = Collections.unmodifiableMap(new EnumMap<>(errorCounts));
    detections = List.copyOf(detections);
    precisionCurves = Collections.unmodifiableMap(new EnumMap<>(precisionCurves));
  }

  /** The mean over the OKS thresholds of the cumulative AP of a step in an area range. */
  public double cumulativeAp(KeypointAnalysisStep step, String area) {
    return mean(cumulative.get(step).get(area));
  }

  /** The mean over the OKS thresholds of the AP with one error type fixed alone. */
  public double isolatedAp(KeypointAnalysisStep step, String area) {
    return mean(isolated.get(step).get(area));
  }

  /**
   * coco-analyze's isolated AP improvement per OKS threshold: AP with the error fixed alone minus
   * the baseline; for FALSE_NEGATIVE, minus the isolated BACKGROUND_FALSE_POSITIVE AP (as {@code
   * errorsAPImpact.py} does).
   */
  public double[] isolatedImprovement(KeypointAnalysisStep step, String area) {
    double[] fixed = isolated.get(step).get(area);
    double[] base = isolated.get(step == KeypointAnalysisStep.FALSE_NEGATIVE
        ? KeypointAnalysisStep.BACKGROUND_FALSE_POSITIVE
        : KeypointAnalysisStep.BASELINE).get(area);
    double[] out = new double[fixed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = fixed[i] - base[i];
    }
    return out;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
