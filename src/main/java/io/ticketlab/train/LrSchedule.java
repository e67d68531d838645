package io.ticketlab.train;

import java.util.Arrays;

/**
 * Learning rate as a function of the iteration: a linear warm-up (detectron2's: the factor rises
 * linearly from {@code warmupFactor} to 1 over {@code warmupIterations}) followed by either
 * multi-step decay (×{@code gamma} at each milestone) or cosine decay to zero at {@code
 * totalIterations}.
 *
 * @param baseLr the learning rate after warm-up
 * @param warmupIterations length of the warm-up (0 for none)
 * @param warmupFactor starting factor of the warm-up, e.g. 0.001 (paper's COCO: 5e-4)
 * @param milestones iterations at which the rate is multiplied by gamma (multi-step)
 * @param gamma decay factor, e.g. 0.1
 * @param cosine cosine decay instead of multi-step
 * @param totalIterations length of training (used by cosine)
 */
public record LrSchedule(
    double baseLr,
    long warmupIterations,
    double warmupFactor,
    long[] milestones,
    double gamma,
    boolean cosine,
    long totalIterations) {

  public LrSchedule {
    if (!(baseLr > 0) || warmupIterations < 0 || !(warmupFactor > 0) || warmupFactor > 1) {
      throw new IllegalArgumentException(
          "Invalid schedule: lr " + baseLr + ", warm-up " + warmupIterations + " x" + warmupFactor);
    }
    milestones = milestones.clone();
    Arrays.sort(milestones);
  }

  /** Constant rate after an optional warm-up. */
  public static LrSchedule constant(double lr, long warmup) {
    return new LrSchedule(lr, warmup, 0.001, new long[0], 1.0, false, 0);
  }

  /** Multi-step decay, e.g. detectron2's 1x: lr 0.02, milestones 60k/80k, gamma 0.1, warm-up 1k. */
  public static LrSchedule multiStep(
      double lr, long warmup, double warmupFactor, double gamma, long... milestones) {
    return new LrSchedule(lr, warmup, warmupFactor, milestones, gamma, false, 0);
  }

  /** Cosine decay to zero at {@code total}. */
  public static LrSchedule cosine(double lr, long warmup, long total) {
    return new LrSchedule(lr, warmup, 0.001, new long[0], 1.0, true, total);
  }

  /** The learning rate used for the update of iteration {@code it} (0-based). */
  public double at(long it) {
    double lr = baseLr;
    if (cosine && totalIterations > 0) {
      double progress = Math.min(1.0, (double) it / totalIterations);
      lr = 0.5 * baseLr * (1 + Math.cos(Math.PI * progress));
    } else {
      for (long m : milestones) {
        if (it >= m) {
          lr *= gamma;
        }
      }
    }
    if (it < warmupIterations) {
      double alpha = (double) it / warmupIterations;
      lr *= warmupFactor * (1 - alpha) + alpha;
    }
    return lr;
  }
}
