package io.ticketlab.prune;

import io.ticketlab.common.BadInputException;
import io.ticketlab.model.io.BitMask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps exactly k of the currently kept entries of a group of tensors: those with the largest
 * non-negative scores (magnitudes), ties broken deterministically in favour of the earlier tensor
 * (mask order) and the lower index. Linear time: a two-pass radix select over the scores' float
 * bits (non-negative floats order like their bit patterns), so a ~44M-weight detector prunes in a
 * fraction of a second without sorting.
 */
final class TopKSelection {
  private TopKSelection() {}

  /**
   * @param names the tensors of the group, in tie-break order
   * @param scores non-negative scores per tensor (e.g. |w|), row-major, same sizes as the masks
   * @param current the current masks (only kept entries are candidates)
   * @param k how many entries of the group to keep
   * @return the new masks of the group's tensors
   */
  static Map<String, BitMask> keepTop(
      List<String> names, Map<String, float[]> scores, Map<String, BitMask> current, long k) {
    int n = names.size();
    int[][] bits = new int[n][];
    boolean[][] eligible = new boolean[n][];
    long candidates = 0;
    for (int t = 0; t < n; t++) {
      String name = names.get(t);
      float[] s = scores.get(name);
      BitMask m = current.get(name);
      bits[t] = new int[s.length];
      eligible[t] = new boolean[s.length];
      for (int i = 0; i < s.length; i++) {
        float v = s[i];
        if (Float.isNaN(v)) {
          throw BadInputException.of(null, name, "[" + i + "]", "NaN", "a weight is NaN: cannot rank it for pruning");
        }
        bits[t][i] = Float.floatToIntBits(Math.abs(v) + 0.0f);
        if (m.get(i)) {
          eligible[t][i] = true;
          candidates++;
        }
      }
    }
    Map<String, BitMask> out = new LinkedHashMap<>();
    if (k >= candidates) {
      for (String name : names) {
        out.put(name, current.get(name));
      }
      return out;
    }
    int threshold = k <= 0 ? Integer.MAX_VALUE : thresholdBits(bits, eligible, k);
    long above = 0;
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < bits[t].length; i++) {
        if (eligible[t][i] && bits[t][i] > threshold) {
          above++;
        }
      }
    }
    long tiesToKeep = k <= 0 ? 0 : k - above;
    for (int t = 0; t < n; t++) {
      boolean[] keep = new boolean[bits[t].length];
      for (int i = 0; i < keep.length; i++) {
        if (!eligible[t][i]) {
          continue;
        }
        if (bits[t][i] > threshold) {
          keep[i] = true;
        } else if (bits[t][i] == threshold && tiesToKeep > 0) {
          keep[i] = true;
          tiesToKeep--;
        }
      }
      out.put(names.get(t), BitMask.ofBooleans(current.get(names.get(t)).shape(), keep));
    }
    return out;
  }

  /** The largest bit pattern T with at least k eligible entries ≥ T. */
  private static int thresholdBits(int[][] bits, boolean[][] eligible, long k) {
    long[] high = new long[1 << 15];
    for (int t = 0; t < bits.length; t++) {
      int[] b = bits[t];
      boolean[] e = eligible[t];
      for (int i = 0; i < b.length; i++) {
        if (e[i]) {
          high[b[i] >>> 16]++;
        }
      }
    }
    long cumulative = 0;
    int bucket = high.length - 1;
    for (; bucket >= 0; bucket--) {
      if (cumulative + high[bucket] >= k) {
        break;
      }
      cumulative += high[bucket];
    }
    long[] low = new long[1 << 16];
    for (int t = 0; t < bits.length; t++) {
      int[] b = bits[t];
      boolean[] e = eligible[t];
      for (int i = 0; i < b.length; i++) {
        if (e[i] && (b[i] >>> 16) == bucket) {
          low[b[i] & 0xFFFF]++;
        }
      }
    }
    int lo = low.length - 1;
    for (; lo >= 0; lo--) {
      if (cumulative + low[lo] >= k) {
        break;
      }
      cumulative += low[lo];
    }
    return (bucket << 16) | lo;
  }
}
