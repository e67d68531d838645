package io.ticketlab.model.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.ticketlab.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RoIAlign against values computed by hand on a 4×4 map holding {@code f(y, x) = 4y + x + 1}. */
@Tag("engine")
class RoiAlignTest {
  private static NDManager manager;
  private static NDArray map;

  @BeforeAll
  static void start() {
    manager = Engines.pytorch().newBaseManager(Device.cpu());
    float[] v = new float[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i + 1;
    }
    map = manager.create(v, new Shape(1, 1, 4, 4));
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  private static float[] pool(RoiAlign op, float... roi) {
    return op.apply(map, manager.create(roi, new Shape(roi.length / 5, 5))).toFloatArray();
  }

  @Test
  void interiorBin_averagesItsFourSamples() {
    // samples at (0.5 | 1.5)²: mean position (1, 1) of a linear map
    assertThat(pool(RoiAlign.of(1, 1, 2), 0, 0, 0, 2, 2)).containsExactly(6f);
  }

  @Test
  void twoByTwoBins_readBinCentresWithOneSample() {
    assertThat(pool(RoiAlign.of(2, 1, 1), 0, 0, 0, 2, 2)).containsExactly(3.5f, 4.5f, 7.5f, 8.5f);
  }

  @Test
  void aligned_shiftsBoxesByHalfAPixel() {
    RoiAlign op = new RoiAlign(2, 2, 1, 1, true);
    assertThat(pool(op, 0, 0, 0, 2, 2)).containsExactly(1f, 2f, 5f, 6f);
  }

  @Test
  void spatialScale_mapsImageToFeatureCoordinates() {
    assertThat(pool(RoiAlign.of(1, 0.5, 2), 0, 0, 0, 4, 4)).containsExactly(6f);
  }

  @Test
  void samplesPastTheLastRow_readItOrContributeZero() {
    // samples at 3.5 (clamped to row/column 3) and 4.5 (> H: zero); mean of 16, 0, 0, 0
    assertThat(pool(RoiAlign.of(1, 1, 2), 0, 3, 3, 5, 5)).containsExactly(4f);
  }

  @Test
  void samplesBeforeMinusOne_contributeZero_andOthersClampToZero() {
    // samples at -2 (zero) and -1 (clamped to 0, reads f(0, 0) = 1)
    assertThat(pool(RoiAlign.of(1, 1, 2), 0, -2.5f, -2.5f, -0.5f, -0.5f)).containsExactly(0.25f);
    assertThat(pool(RoiAlign.of(1, 1, 2), 0, -1.5f, -1.5f, 0.5f, 0.5f)).containsExactly(1f);
  }

  @Test
  void tinyBox_isWidenedToOnePixelWhenNotAligned() {
    // size 0.1 → 1: samples at 1.45 and 1.95, mean 1.7 on both axes
    assertThat(pool(RoiAlign.of(1, 1, 2), 0, 1.2f, 1.2f, 1.3f, 1.3f)[0]).isCloseTo(9.5f, within(1e-5f));
  }

  @Test
  void adaptiveSamplingRatio_usesCeilOfBinSize() {
    // 1×1 output of a 3-pixel box: 3×3 samples at 0.5, 1.5, 2.5 → mean (1.5, 1.5)
    assertThat(pool(RoiAlign.of(1, 1, -1), 0, 0, 0, 3, 3)[0]).isCloseTo(8.5f, within(1e-5f));
  }

  @Test
  void gradient_spreadsBilinearWeightsOverTheMap() {
    Engine engine = Engines.pytorch();
    NDArray x = map.duplicate();
    x.setRequiresGradient(true);
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray y = RoiAlign.of(1, 1, 2).apply(x, manager.create(new float[] {0, 0, 0, 2, 2}, new Shape(1, 5)));
      gc.backward(y.sum());
    }
    float[] row = {0.25f, 0.5f, 0.25f, 0f};
    float[] expected = new float[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        expected[4 * i + j] = row[i] * row[j];
      }
    }
    assertThat(x.getGradient().toFloatArray()).containsExactly(expected);
  }

  @Test
  void noRois_giveAnEmptyBatch() {
    NDArray y = RoiAlign.of(7, 1, 2).apply(map, manager.zeros(new Shape(0, 5)));
    assertThat(y.getShape()).isEqualTo(new Shape(0, 1, 7, 7));
  }

  @Test
  void badInput_isRejectedWithTheValue() {
    assertThatThrownBy(() -> pool(RoiAlign.of(1, 1, 2), 3, 0, 0, 1, 1))
        .hasMessageContaining("batch index 3.0");
    assertThatThrownBy(() -> RoiAlign.of(0, 1, 2)).hasMessageContaining("0×0");
  }
}
