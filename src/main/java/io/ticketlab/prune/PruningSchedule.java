package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;

/**
 * How much of the prunable set survives at each lottery level (level 0 = dense).
 *
 * <ul>
 *   <li>{@link #rounds(double, int)}: the paper's convention — with target keep fraction kp and nr
 *       rounds, level r keeps kp^(r/(nr−1)); nr = 2 is one-shot pruning (the paper's best for
 *       detection), reached at level 1.
 *   <li>{@link #fixedFraction(double)}: open_lth's — each level removes the same fraction of the
 *       weights that remain, so level r keeps (1 − f)^r.
 * </ul>
 */
public interface PruningSchedule {
  /** Fraction of the prunable set kept at {@code level} (1 at level 0). */
  double density(int level);

  /** The last level of the schedule, or -1 when it has none (fixed fraction: as many as asked). */
  int lastLevel();

  static PruningSchedule rounds(double keepFraction, int rounds) {
    if (!(keepFraction > 0 && keepFraction <= 1)) {
      throw BadInputException.of(null, null, "sparsity", 1 - keepFraction, "must be in [0, 1): a ticket must keep some weights");
    }
    if (rounds < 2) {
      throw BadInputException.of(null, null, "rounds", rounds, "must be at least 2 (2 = one-shot)");
    }
    return new PruningSchedule() {
      @Override
      public double density(int level) {
        if (level < 0 || level > rounds - 1) {
          throw new IllegalArgumentException("Level " + level + " outside 0.." + (rounds - 1));
        }
        return Math.pow(keepFraction, (double) level / (rounds - 1));
      }

      @Override
      public int lastLevel() {
        return rounds - 1;
      }
    };
  }

  /** {@link #fixedFraction(double)} with a last level ({@code levels} pruned levels after the dense one). */
  static PruningSchedule fixedFraction(double fractionPerLevel, int levels) {
    if (levels < 1) {
      throw BadInputException.of(null, null, "levels", levels, "must be at least 1");
    }
    PruningSchedule open = fixedFraction(fractionPerLevel);
    return new PruningSchedule() {
      @Override
      public double density(int level) {
        return open.density(level);
      }

      @Override
      public int lastLevel() {
        return levels;
      }
    };
  }

  static PruningSchedule fixedFraction(double fractionPerLevel) {
    if (!(fractionPerLevel > 0 && fractionPerLevel < 1)) {
      throw BadInputException.of(null, null, "fraction", fractionPerLevel, "must be in (0, 1)");
    }
    return new PruningSchedule() {
      @Override
      public double density(int level) {
        if (level < 0) {
          throw new IllegalArgumentException("Negative level " + level);
        }
        return Math.pow(1 - fractionPerLevel, level);
      }

      @Override
      public int lastLevel() {
        return -1;
      }
    };
  }
}
