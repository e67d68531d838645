package io.ticketlab.analysis.tide;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What TIDE found for one model. All APs and dAPs are in percent (tidecv's 0–100 scale).
 *
 * @param settings the settings of the analysis
 * @param ap TIDE's AP at the foreground IoU threshold (AP50 by default)
 * @param mainErrors the dAP of each main error type: the AP gained by fixing that type alone,
 *     clamped at 0 (tidecv's {@code get_main_errors})
 * @param falsePositiveDap special error FalsePos: AP gained by scoring every true positive 1 and
 *     every false positive 0 (not clamped)
 * @param falseNegativeDap special error FalseNeg: AP gained by removing every unmatched GT from
 *     the GT counts (not clamped)
 * @param counts the number of errors of each main type
 * @param apByIoU TIDE's AP at each of {@link TideSettings#rangeThresholds()}
 * @param detectionErrors the error of every detection that got one, in tidecv's error order
 *     (images in GT-file order, detections by descending score); includes crowd-ignored ones
 * @param missedGtIds annotation ids of the GT with a MISS error
 * @param ignoredDetections results-file indices of the detections a crowd region ignored
 */
public record TideResult(
    TideSettings settings,
    double ap,
    Map<TideErrorType, Double> mainErrors,
    double falsePositiveDap,
    double falseNegativeDap,
    Map<TideErrorType, Integer> counts,
    double[] apByIoU,
    List<TideDetectionError> detectionErrors,
    List<Long> missedGtIds,
    List<Integer> ignoredDetections) {

  public TideResult {
    mainErrors = Collections.unmodifiableMap(new EnumMap<>(mainErrors));
    counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    apByIoU = apByIoU.clone();
    detectionErrors = List.copyOf(detectionErrors);
    missedGtIds = List.copyOf(missedGtIds);
    ignoredDetections = List.copyOf(ignoredDetections);
  }

  /** The dAP of one main error type. */
  public double dAp(TideErrorType type) {
    return mainErrors.get(type);
  }

  /** The number of errors of one type. */
  public int count(TideErrorType type) {
    return counts.get(type);
  }

  /** The mean of {@link #apByIoU()} (tidecv's "AP @ [50-95]"), or NaN without a range. */
  public double apRangeMean() {
    if (apByIoU.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : apByIoU) {
      s += v;
    }
    return s / apByIoU.length;
  }

  /** The error type of each detection that has one, by results-file index. */
  public Map<Integer, TideErrorType> errorsByResultIndex() {
    Map<Integer, TideErrorType> m = new HashMap<>(detectionErrors.size() * 2);
    for (TideDetectionError e : detectionErrors) {
      m.put(e.resultIndex(), e.type());
    }
    return m;
  }

  @Override
  public double[] apByIoU() {
    return apByIoU.clone();
  }
}
