package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.model.io.BitMask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * {@link TopKSelection} (the radix select behind every pruning strategy) against a plain sort: the
 * kept entries are the first k of the current mask's entries ordered by |score| descending, then
 * tensor order, then index. Scores are drawn to collide often: equal magnitudes, magnitudes that
 * share their high 16 bits and differ only in the low ones, signed zeros.
 */
class TopKSelectionTest {

  /** The reference: sort every candidate and keep the first k. */
  static Map<String, boolean[]> bySorting(
      List<String> names, Map<String, float[]> scores, Map<String, BitMask> current, long k) {
    record Candidate(int tensor, int index, float magnitude) {}
    List<Candidate> all = new ArrayList<>();
    for (int t = 0; t < names.size(); t++) {
      float[] s = scores.get(names.get(t));
      BitMask m = current.get(names.get(t));
      for (int i = 0; i < s.length; i++) {
        if (m.get(i)) {
          all.add(new Candidate(t, i, Math.abs(s[i])));
        }
      }
    }
    all.sort(Comparator.comparingDouble((Candidate c) -> -c.magnitude())
        .thenComparingInt(Candidate::tensor).thenComparingInt(Candidate::index));
    Map<String, boolean[]> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, new boolean[scores.get(n).length]);
    }
    for (int j = 0; j < Math.min(k, all.size()); j++) {
      Candidate c = all.get(j);
      out.get(names.get(c.tensor()))[c.index()] = true;
    }
    return out;
  }

  private static float score(Random r, int kind) {
    switch (kind) {
      case 0: // a few distinct magnitudes: many ties
        return (r.nextInt(7) - 3) / 4f;
      case 1: // same high 16 bits, different low ones
        return Float.intBitsToFloat(0x3F800000 | r.nextInt(1 << 16)) * (r.nextBoolean() ? 1 : -1);
      case 2: // signed zeros and tiny subnormals among normal values
        int pick = r.nextInt(4);
        return pick == 0 ? -0.0f : pick == 1 ? 0.0f : pick == 2 ? Float.MIN_VALUE * r.nextInt(3) : (float) r.nextGaussian();
      default:
        return (float) r.nextGaussian();
    }
  }

  @Property(tries = 200)
  void keepTop_equalsSortingTheCandidates(
      @ForAll @IntRange(min = 1, max = 4) int tensors,
      @ForAll @IntRange(min = 0, max = 300) int maxSize,
      @ForAll @IntRange(min = 0, max = 3) int kind,
      @ForAll @LongRange(min = 0, max = 1000) long seed,
      @ForAll @IntRange(min = -1, max = 1001) int kPermille) {
    Random r = new Random(seed);
    List<String> names = new ArrayList<>();
    Map<String, float[]> scores = new LinkedHashMap<>();
    Map<String, BitMask> current = new LinkedHashMap<>();
    long candidates = 0;
    for (int t = 0; t < tensors; t++) {
      String name = "t" + t;
      int n = maxSize == 0 ? 0 : r.nextInt(maxSize + 1);
      float[] s = new float[n];
      boolean[] keep = new boolean[n];
      for (int i = 0; i < n; i++) {
        s[i] = score(r, kind);
        keep[i] = r.nextInt(4) != 0; // a quarter already pruned
        candidates += keep[i] ? 1 : 0;
      }
      names.add(name);
      scores.put(name, s);
      current.put(name, BitMask.ofBooleans(new int[] {n}, keep));
    }
    long k = Math.round(kPermille / 1000.0 * candidates);
    Map<String, BitMask> got = TopKSelection.keepTop(names, scores, current, k);
    Map<String, boolean[]> want = bySorting(names, scores, current, k);
    assertThat(got.keySet()).containsExactlyElementsOf(names);
    long kept = 0;
    for (String n : names) {
      assertThat(got.get(n).toBooleans()).as("%s, k = %d of %d", n, k, candidates).containsExactly(want.get(n));
      assertThat(got.get(n).shape()).containsExactly(current.get(n).shape());
      kept += got.get(n).countOnes();
    }
    assertThat(kept).isEqualTo(Math.max(0, Math.min(k, candidates)));
  }

  @Test
  void magnitudesInOneHighBucket_areRankedByTheirLowBits() {
    // 1 + 2^-23 · j: all share the high 16 bits; the radix select must finish in the low pass
    float[] s = new float[8];
    for (int i = 0; i < s.length; i++) {
      s[i] = Float.intBitsToFloat(0x3F800000 + (i * 37 % 8));
    }
    Map<String, BitMask> current = Map.of("w", BitMask.ones(8));
    Map<String, BitMask> got = TopKSelection.keepTop(List.of("w"), Map.of("w", s), current, 3);
    // low bits 0, 5, 2, 7, 4, 1, 6, 3: the largest three are 7, 6, 5 at indices 3, 6, 1
    assertThat(got.get("w").toBooleans()).containsExactly(false, true, false, true, false, false, true, false);
  }

  @Test
  void zeroK_keepsNothing_andKAtLeastTheCandidates_keepsTheCurrentMask() {
    float[] s = {3, -1, 2, 0};
    BitMask current = BitMask.ofBooleans(new int[] {2, 2}, new boolean[] {true, true, false, true});
    Map<String, BitMask> none = TopKSelection.keepTop(List.of("w"), Map.of("w", s), Map.of("w", current), 0);
    assertThat(none.get("w").toBooleans()).containsExactly(false, false, false, false);
    assertThat(none.get("w").shape()).containsExactly(2, 2);
    Map<String, BitMask> all = TopKSelection.keepTop(List.of("w"), Map.of("w", s), Map.of("w", current), 3);
    assertThat(all.get("w")).isSameAs(current);
    // the pruned 2 at index 2 is no candidate: k = 2 keeps 3 and -1
    Map<String, BitMask> two = TopKSelection.keepTop(List.of("w"), Map.of("w", s), Map.of("w", current), 2);
    assertThat(two.get("w").toBooleans()).containsExactly(true, true, false, false);
  }

  @Test
  void nanScore_isBadInputNamingTheTensorAndIndex() {
    float[] s = {1, Float.NaN};
    assertThatThrownBy(() -> TopKSelection.keepTop(List.of("layer.weight"), Map.of("layer.weight", s),
            Map.of("layer.weight", BitMask.ones(2)), 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer.weight").hasMessageContaining("[1]").hasMessageContaining("NaN");
  }
}
