package io.ticketlab.model.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.engine.Engines;
import io.ticketlab.testing.Splitmix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Behaviour of MultiScaleRoiAlign and LevelMapper beyond the torchvision fixtures. */
@Tag("engine")
class MultiScaleRoiAlignTest {

  @Test
  void levelMapper_followsFpnEquationOne() {
    LevelMapper mapper = LevelMapper.of(2, 5);
    // √area 224 → level 4; 112 → 3; 448 → 5; 16 → clamped to 2; 2000 → clamped to 5
    float[] boxes = {0, 0, 224, 224, 0, 0, 112, 112, 0, 0, 448, 448, 0, 0, 16, 16, 0, 0, 2000, 2000};
    assertThat(mapper.levels(boxes)).containsExactly(2, 1, 3, 0, 3);
  }

  @Test
  void inferScale_roundsToPowersOfTwo() {
    assertThat(MultiScaleRoiAlign.inferScale(25, 100)).isEqualTo(0.25);
    assertThat(MultiScaleRoiAlign.inferScale(3, 80)).isEqualTo(1.0 / 32);
  }

  @Test
  void imagesWithoutBoxes_andOneLevel_work() {
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      Map<String, NDArray> features = new LinkedHashMap<>();
      features.put("0", Splitmix.array(m, 1, 2, 4, 8, 8));
      MultiScaleRoiAlign pooler = MultiScaleRoiAlign.of(3, 2);
      NDArray boxes = m.create(new float[] {0, 0, 16, 16}, new Shape(1, 4));
      NDArray y =
          pooler.apply(features, List.of(m.zeros(new Shape(0, 4)), boxes), List.of(new int[] {32, 32}, new int[] {32, 32}));
      assertThat(y.getShape()).isEqualTo(new Shape(1, 4, 3, 3));
      NDArray direct =
          RoiAlign.of(3, 0.25, 2).apply(features.get("0"), m.create(new float[] {1, 0, 0, 16, 16}, new Shape(1, 5)));
      assertThat(y.toFloatArray()).containsExactly(direct.toFloatArray());
    }
  }

  @Test
  void singleLevel_poolsAtItsFixedScale_whereInferenceWouldNot() {
    // C4 at stride 16 of a VOC image (600 -> padded 608 -> 38 rows): inference gives 1/16 ...
    assertThat(MultiScaleRoiAlign.inferScale(38, 600)).isEqualTo(1.0 / 16);
    // ... but not for a 40-pixel image padded to 64 (4 rows): 4/40 rounds to 1/8
    assertThat(MultiScaleRoiAlign.inferScale(4, 40)).isEqualTo(1.0 / 8);
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      Map<String, NDArray> features = new LinkedHashMap<>();
      features.put("0", Splitmix.array(m, 3, 1, 2, 4, 4));
      MultiScaleRoiAlign pooler = MultiScaleRoiAlign.singleLevel("0", 7, 2, 1.0 / 16);
      NDArray boxes = m.create(new float[] {2, 3, 30, 38}, new Shape(1, 4));
      NDArray y = pooler.apply(features, List.of(boxes), List.<int[]>of(new int[] {40, 40}));
      NDArray direct =
          RoiAlign.of(7, 1.0 / 16, 2).apply(features.get("0"), m.create(new float[] {0, 2, 3, 30, 38}, new Shape(1, 5)));
      assertThat(y.toFloatArray()).containsExactly(direct.toFloatArray());
    }
  }

  @Test
  void missingFeatureMaps_areNamed() {
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      Map<String, NDArray> features = Map.of("p2", m.zeros(new Shape(1, 1, 4, 4)));
      assertThatThrownBy(
              () -> MultiScaleRoiAlign.boxHead().apply(features, List.of(m.zeros(new Shape(0, 4))), List.of(new int[] {16, 16})))
          .hasMessageContaining("[0, 1, 2, 3]")
          .hasMessageContaining("p2");
    }
  }
}
