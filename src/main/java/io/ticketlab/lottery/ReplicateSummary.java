package io.ticketlab.lottery;

import java.util.ArrayList;
import java.util.List;

/**
 * Mean ± standard deviation over replicates per level, as the paper reports VOC results (5 seeds):
 * the population standard deviation (numpy's default, {@code ddof=0}).
 *
 * @param level the lottery level
 * @param networkSparsityPercent the mean network sparsity of its replicates
 * @param metricMean the main metric's mean over the replicates that have it (NaN when none)
 * @param metricStd its population standard deviation
 * @param count how many replicates have the main metric
 */
public record ReplicateSummary(int level, double networkSparsityPercent, double metricMean, double metricStd, int count) {

  /** One summary per level of {@code outcomes}, by level. */
  public static List<ReplicateSummary> of(List<LotteryRunner.LevelOutcome> outcomes) {
    List<ReplicateSummary> out = new ArrayList<>();
    outcomes.stream().mapToInt(LotteryRunner.LevelOutcome::level).distinct().sorted().forEach(level -> {
      double[] main = outcomes.stream().filter(o -> o.level() == level && o.metric() != null)
          .mapToDouble(LotteryRunner.LevelOutcome::metric).toArray();
      double[] sparsity = outcomes.stream().filter(o -> o.level() == level)
          .mapToDouble(LotteryRunner.LevelOutcome::networkSparsityPercent).toArray();
      out.add(new ReplicateSummary(level, mean(sparsity), mean(main), std(main), main.length));
    });
    return out;
  }

  /** The mean, NaN for no values. */
  public static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** The population standard deviation, NaN for no values. */
  public static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return v.length == 0 ? Double.NaN : Math.sqrt(s / v.length);
  }
}
