package io.ticketlab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoBackboneTest {
  /** A tensor of {@code n} values of which the first {@code zeros} are zero. */
  private static FloatTensor tensor(int n, int zeros) {
    float[] v = new float[n];
    for (int i = zeros; i < n; i++) {
      v[i] = 0.5f;
    }
    return new FloatTensor(new int[] {n, 1}, v);
  }

  @Test
  void backbonePercent_countsTheStemAndBlockConvsOnly() {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    w.put("backbone.body.conv1.weight", tensor(10, 5));
    w.put("backbone.body.layer1.0.conv2.weight", tensor(30, 3));
    // not in the backbone's prunable convs: shortcut, batch norm, FPN, heads
    w.put("backbone.body.layer2.0.downsample.0.weight", tensor(40, 40));
    w.put("backbone.body.bn1.weight", new FloatTensor(new int[] {7}, new float[7]));
    w.put("backbone.fpn.inner_blocks.0.0.weight", tensor(50, 50));
    w.put("roi_heads.box_head.fc6.weight", tensor(60, 0));
    // (5 + 3) zeros of 10 + 30
    assertThat(Demo.backbonePercent(w)).isEqualTo(20.0);
  }

  @Test
  void backbonePercent_ofANetworkWithoutBackboneConvs_isZero() {
    assertThat(Demo.backbonePercent(Map.of("fc.weight", tensor(4, 4)))).isZero();
  }
}
