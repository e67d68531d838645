package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paper's two sparsity figures counted on hand-made weights. */
class NetworkSparsityTest {

  @Test
  void zerosCounted_overParametersOnly_prunableSetApart() {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    // prunable (all-weights: a 2-d+ tensor named *.weight): 6 entries, 4 zeros (-0.0 is a zero)
    w.put("conv.weight", new FloatTensor(new int[] {2, 3}, new float[] {0, 1, -0.0f, 0, 2, 0}));
    // a parameter outside the prunable set (1-d): 2 entries, 1 zero
    w.put("conv.bias", new FloatTensor(new int[] {2}, new float[] {0, 5}));
    // buffers: never counted
    w.put("bn.running_mean", new FloatTensor(new int[] {3}, new float[] {0, 0, 0}));
    w.put("bn.running_var", new FloatTensor(new int[] {1}, new float[] {0}));
    w.put("bn.num_batches_tracked", new FloatTensor(new int[] {1}, new float[] {0}));
    w.put("empty.weight", new FloatTensor(new int[] {0, 4}, new float[0]));
    NetworkSparsity s = NetworkSparsity.of(w, PrunableSet.preset("all-weights"));
    assertThat(s.prunableZeros()).isEqualTo(4);
    assertThat(s.prunableTotal()).isEqualTo(6);
    assertThat(s.networkZeros()).isEqualTo(5);
    assertThat(s.networkTotal()).isEqualTo(8);
    assertThat(s.pruneFraction()).isEqualTo(4.0 / 6);
    assertThat(s.networkSparsity()).isEqualTo(5.0 / 8);
    assertThat(s.prunableShare()).isEqualTo(6.0 / 8);
    assertThat(s.perTensor()).containsExactly(Map.entry("conv.weight", 4.0 / 6), Map.entry("conv.bias", 0.5),
        Map.entry("empty.weight", 0.0));
    assertThat(NetworkSparsity.isBuffer("layer1.0.bn1.running_var")).isTrue();
    assertThat(NetworkSparsity.isBuffer("layer1.0.bn1.weight")).isFalse();
  }

  @Test
  void nothingToCount_isZeroNotNaN() {
    NetworkSparsity s = NetworkSparsity.of(Map.of(), PrunableSet.preset("all-weights"));
    assertThat(s.pruneFraction()).isZero();
    assertThat(s.networkSparsity()).isZero();
    assertThat(s.prunableShare()).isZero();
    Map<String, FloatTensor> biasOnly = Map.of("b.bias", new FloatTensor(new int[] {2}, new float[] {0, 1}));
    NetworkSparsity b = NetworkSparsity.of(biasOnly, PrunableSet.preset("all-weights"));
    assertThat(b.pruneFraction()).isZero();
    assertThat(b.prunableShare()).isZero();
    assertThat(b.networkSparsity()).isEqualTo(0.5);
  }
}
