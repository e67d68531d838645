package io.ticketlab.model.detector.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.engine.Engines;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Behaviour of GeneralizedRcnnTransform beyond the torchvision fixtures. */
@Tag("engine")
class GeneralizedRcnnTransformTest {

  @Test
  void resizedSize_boundsShortAndLongSide() {
    assertThat(GeneralizedRcnnTransform.resizedSize(new ImageSize(480, 640), 800, 1333))
        .isEqualTo(new ImageSize(800, 1066));
    assertThat(GeneralizedRcnnTransform.resizedSize(new ImageSize(100, 1000), 800, 1333))
        .isEqualTo(new ImageSize(133, 1333));
  }

  @Test
  void batch_padsWithZerosToMultiplesOf32() {
    GeneralizedRcnnTransform t = GeneralizedRcnnTransform.of(40, 100);
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      NDArray a = m.ones(new Shape(3, 40, 50));
      NDArray b = m.ones(new Shape(3, 45, 33));
      NDArray batch = t.batch(List.of(a, b));
      assertThat(batch.getShape()).isEqualTo(new Shape(2, 3, 64, 64));
      assertThat(batch.get(new NDIndex("0, :, :40, :50")).sum().getFloat()).isEqualTo(3 * 40 * 50);
      assertThat(batch.sum().getFloat()).isEqualTo(3 * 40 * 50 + 3 * 45 * 33);
    }
  }

  @Test
  void training_picksAShortSideFromTheList_evaluationTheLast() {
    GeneralizedRcnnTransform t =
        new GeneralizedRcnnTransform(
            List.of(32, 48, 64), 1000, GeneralizedRcnnTransform.IMAGENET_MEAN, GeneralizedRcnnTransform.IMAGENET_STD, 32);
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      NDArray image = m.zeros(new Shape(3, 16, 16));
      assertThat(t.apply(List.of(image), null, false, new Random(1)).imageSizes())
          .containsExactly(new ImageSize(64, 64));
      Random random = new Random(7);
      for (int i = 0; i < 10; i++) {
        int side = t.apply(List.of(image), null, true, random).imageSizes().get(0).height();
        assertThat(side).isIn(32, 48, 64);
      }
    }
  }

  @Test
  void badImages_areRejectedWithTheirShape() {
    GeneralizedRcnnTransform t = GeneralizedRcnnTransform.defaults();
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      assertThatThrownBy(() -> t.apply(List.of(m.zeros(new Shape(1, 3, 8, 8))), null, false, new Random()))
          .hasMessageContaining("(1, 3, 8, 8)");
      assertThatThrownBy(() -> t.apply(List.of(m.zeros(new Shape(3, 8, 8), DataType.UINT8)), null, false, new Random()))
          .hasMessageContaining("float32");
      assertThatThrownBy(() -> t.apply(List.of(), null, false, new Random())).hasMessageContaining("no images");
    }
  }
}
