package io.ticketlab.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Include and exclude patterns on top of a preset, and the module groups a preset names. */
class PrunableSetPatternsTest {

  @Test
  void excludes_removeMatchingTensors_includesAddThem() {
    PrunableSet s = PrunableSet.of("all-weights", List.of(), List.of("fc\\.weight"));
    assertThat(s.contains("conv1.weight", new int[] {8, 3, 3, 3})).isTrue();
    assertThat(s.contains("fc.weight", new int[] {10, 8})).isFalse();
    assertThat(s.contains("conv1.bias", new int[] {8, 1})).isFalse(); // no preset pattern matches
    assertThat(s.contains("bn.weight", new int[] {8})).isFalse(); // 1-d: never prunable
    assertThat(s.contains("layer2.0.downsample.0.weight", new int[] {8, 4, 1, 1})).isFalse();
    assertThat(s.toString()).isEqualTo("PrunableSet[all-weights, +1 patterns, -1]");
    PrunableSet only = PrunableSet.of(null, List.of("head\\..*"), List.of());
    assertThat(only.contains("head.proj", new int[] {2, 2})).isTrue();
    assertThat(only.contains("conv1.weight", new int[] {2, 2})).isFalse();
    assertThatThrownBy(() -> PrunableSet.of("all-weights", List.of(), List.of("fc[")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("exclude").hasMessageContaining("fc[");
    assertThatThrownBy(() -> PrunableSet.of("all-weights", List.of("(x"), List.of()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("include");
    assertThatThrownBy(() -> PrunableSet.preset("no-such-preset"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("no-such-preset").hasMessageContaining("all-weights");
  }

  @Test
  void ofPreset_namesTheGroupsOfPaperVocPresetsOnly() {
    assertThat(ModuleGroup.ofPreset(null)).isNull();
    assertThat(ModuleGroup.ofPreset("all-weights")).isNull();
    assertThat(ModuleGroup.ofPreset("paper-voc")).isEqualTo(EnumSet.allOf(ModuleGroup.class));
    assertThat(ModuleGroup.ofPreset("Paper-VOC:top+base")).containsExactlyInAnyOrder(ModuleGroup.TOP, ModuleGroup.BASE);
    assertThat(ModuleGroup.ofPreset("paper-voc:head")).containsExactly(ModuleGroup.HEAD);
    assertThat(ModuleGroup.BASE.configName()).isEqualTo("base");
    assertThat(ModuleGroup.names()).containsExactly("base", "top", "rpn", "head");
  }
}
