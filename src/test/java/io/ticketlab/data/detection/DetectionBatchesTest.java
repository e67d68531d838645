package io.ticketlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DetectionBatchesTest {

  @Test
  void batchOfAnIteration_doesNotDependOnWhatWasAskedBefore() {
    DetectionBatches sequential = DetectionBatches.training(23, 4, 42);
    List<int[]> expected = new ArrayList<>();
    List<boolean[]> expectedFlips = new ArrayList<>();
    for (long it = 0; it < 40; it++) {
      expected.add(sequential.indicesOfIteration(it));
      expectedFlips.add(sequential.flipsOfIteration(it));
    }
    List<Integer> order = new ArrayList<>(IntStream.range(0, 40).boxed().toList());
    Collections.shuffle(order, new java.util.Random(1));
    DetectionBatches resumed = DetectionBatches.training(23, 4, 42);
    for (int it : order) {
      assertThat(resumed.indicesOfIteration(it)).isEqualTo(expected.get(it));
      assertThat(resumed.flipsOfIteration(it)).isEqualTo(expectedFlips.get(it));
      // a fresh instance, as after a restart at iteration it
      assertThat(DetectionBatches.training(23, 4, 42).indicesOfIteration(it))
          .isEqualTo(expected.get(it));
    }
  }

  @Test
  void dropLast_givesFullBatches_andLeavesTheRemainderOutOfEachEpoch() {
    DetectionBatches b = DetectionBatches.training(23, 4, 7);
    assertThat(b.iterationsPerEpoch()).isEqualTo(5);
    for (long epoch = 0; epoch < 3; epoch++) {
      int[] permutation = b.permutationOfEpoch(epoch);
      List<Integer> seen = new ArrayList<>();
      for (long it = epoch * 5; it < epoch * 5 + 5; it++) {
        int[] batch = b.indicesOfIteration(it);
        assertThat(batch).hasSize(4);
        assertThat(b.epochOf(it)).isEqualTo(epoch);
        Arrays.stream(batch).forEach(seen::add);
      }
      assertThat(seen).doesNotHaveDuplicates().hasSize(20);
      assertThat(seen).containsExactlyElementsOf(
          Arrays.stream(permutation).limit(20).boxed().toList());
    }
    assertThat(b.permutationOfEpoch(0)).isNotEqualTo(b.permutationOfEpoch(1));
    assertThat(DetectionBatches.training(23, 4, 8).permutationOfEpoch(0))
        .isNotEqualTo(b.permutationOfEpoch(0));
  }

  @Test
  void withoutDropLast_theLastBatchIsSmaller_andEveryImageIsUsedOnce() {
    DetectionBatches b = new DetectionBatches(10, 4, 3, false);
    assertThat(b.iterationsPerEpoch()).isEqualTo(3);
    assertThat(b.indicesOfIteration(2)).hasSize(2);
    assertThat(b.flipsOfIteration(2)).hasSize(2);
    int[] all = IntStream.range(0, 3).flatMap(it -> Arrays.stream(b.indicesOfIteration(it)))
        .sorted().toArray();
    assertThat(all).containsExactly(IntStream.range(0, 10).toArray());
    assertThat(b.indicesOfIteration(3)).hasSize(4); // epoch 1 starts
  }

  @Test
  void flips_areAboutHalf_andDeterministic() {
    DetectionBatches b = DetectionBatches.training(1000, 8, 5);
    int flipped = 0;
    for (long it = 0; it < 500; it++) {
      for (int p = 0; p < 8; p++) {
        boolean f = b.flip(it, p);
        assertThat(DetectionBatches.training(1000, 8, 5).flip(it, p)).isEqualTo(f);
        flipped += f ? 1 : 0;
      }
    }
    assertThat(flipped).isBetween(1800, 2200);
  }

  @Test
  void impossibleBatching_isBadInput() {
    assertThatThrownBy(() -> DetectionBatches.training(3, 4, 0))
        .isInstanceOf(BadInputException.class).hasMessageContaining("4");
    assertThatThrownBy(() -> new DetectionBatches(3, 0, 0, false))
        .isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> new DetectionBatches(0, 2, 0, false))
        .isInstanceOf(BadInputException.class);
  }

  @Property(tries = 100)
  void everyEpochIsAPermutation(
      @ForAll @IntRange(min = 1, max = 50) int n, @ForAll @IntRange(min = 1, max = 8) int batch,
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int epoch) {
    DetectionBatches b = new DetectionBatches(n, batch, seed, false);
    assertThat(Arrays.stream(b.permutationOfEpoch(epoch)).sorted().toArray())
        .containsExactly(IntStream.range(0, n).toArray());
    long first = epoch * b.iterationsPerEpoch();
    int[] batch0 = b.indicesOfIteration(first);
    b.indicesOfIteration(first + 7 * b.iterationsPerEpoch()); // another epoch in between
    assertThat(b.indicesOfIteration(first)).isEqualTo(batch0);
  }
}
