package io.ticketlab.eval.voc;

import java.util.Map;

/**
 * VOC AP per class (fractions; -1 for a class without any non-difficult object, which is left out
 * of the mean) and their mean, the mAP.
 */
public record VocEvaluation(VocMetric metric, double iouThreshold, Map<String, Double> apPerClass,
    double map) {
  public VocEvaluation {
    apPerClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(apPerClass));
  }
}
