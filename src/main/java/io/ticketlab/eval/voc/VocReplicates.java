package io.ticketlab.eval.voc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean ± standard deviation of VOC results over replicates (e.g. training seeds), per class and
 * for the mAP. The standard deviation is the population one (numpy's default, {@code ddof=0});
 * classes undefined (-1) in a replicate are left out of that class's statistics.
 *
 * @param replicates the individual evaluations
 * @param meanMap mean of the mAPs
 * @param stdMap standard deviation of the mAPs
 * @param meanPerClass mean AP per class
 * @param stdPerClass standard deviation of AP per class
 */
public record VocReplicates(List<VocEvaluation> replicates, double meanMap, double stdMap,
    Map<String, Double> meanPerClass, Map<String, Double> stdPerClass) {

  public static VocReplicates of(List<VocEvaluation> replicates) {
    if (replicates.isEmpty()) {
      throw new IllegalArgumentException("no replicates");
    }
    double[] maps = replicates.stream().mapToDouble(VocEvaluation::map).toArray();
    Map<String, Double> mean = new LinkedHashMap<>();
    Map<String, Double> std = new LinkedHashMap<>();
    for (String c : replicates.get(0).apPerClass().keySet()) {
      double[] v = replicates.stream().mapToDouble(r -> r.apPerClass().getOrDefault(c, -1.0))
          .filter(x -> x > -1).toArray();
      mean.put(c, v.length == 0 ? -1 : mean(v));
      std.put(c, v.length == 0 ? -1 : std(v));
    }
    return new VocReplicates(List.copyOf(replicates), mean(maps), std(maps),
        java.util.Collections.unmodifiableMap(mean), java.util.Collections.unmodifiableMap(std));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / v.length);
  }
}
