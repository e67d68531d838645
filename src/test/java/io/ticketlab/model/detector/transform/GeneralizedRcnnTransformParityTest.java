package io.ticketlab.model.detector.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.engine.Engines;
import io.ticketlab.testing.Splitmix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GeneralizedRcnnTransform against torchvision 0.14's {@code GeneralizedRCNNTransform} in eval
 * mode (fixtures from {@code src/test/python/make_roi_fixtures.py}): three images of odd sizes
 * and aspect ratios, short side bound, long side bound, upscaling to 800 and downscaling. Image
 * sizes and batch shape exact, batch values within 1e-4, resized and postprocessed boxes exact.
 */
@Tag("engine")
class GeneralizedRcnnTransformParityTest {
  private static final JsonNode FIXTURE = Splitmix.json("/parity/transform_cases.json");

  static Stream<Integer> cases() {
    return IntStream.range(0, FIXTURE.get("cases").size()).boxed();
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void batchSizesAndBoxes_matchTorchvision(int index) {
    JsonNode c = FIXTURE.get("cases").get(index);
    GeneralizedRcnnTransform t = GeneralizedRcnnTransform.of(c.get("minSize").asInt(), c.get("maxSize").asInt());
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      List<NDArray> images = new ArrayList<>();
      List<NDArray> boxes = new ArrayList<>();
      for (int i = 0; i < c.get("imageCount").asInt(); i++) {
        long[] shape = Splitmix.longs(FIXTURE.get("imageShapes").get(i));
        NDArray u = Splitmix.array(manager, FIXTURE.get("imageStreams").get(i).asLong(), shape);
        images.add(u.add(1f).div(2f));
        JsonNode b = FIXTURE.get("boxes").get(i);
        float[] v = new float[4 * b.size()];
        for (int j = 0; j < b.size(); j++) {
          for (int d = 0; d < 4; d++) {
            v[4 * j + d] = (float) b.get(j).get(d).asDouble();
          }
        }
        boxes.add(manager.create(v, new Shape(b.size(), 4)));
      }
      ImageBatch batch = t.apply(images, boxes, false, new Random(0));

      for (int i = 0; i < images.size(); i++) {
        JsonNode s = c.get("imageSizes").get(i);
        assertThat(batch.imageSizes().get(i)).isEqualTo(new ImageSize(s.get(0).asInt(), s.get(1).asInt()));
        assertThat(batch.boxes().get(i).toFloatArray())
            .containsExactly(floats(c.get("boxes").get(i)));
      }
      assertThat(batch.tensors().getShape().getShape()).containsExactly(Splitmix.longs(c.get("batchShape")));
      float[] flat = batch.tensors().toFloatArray();
      int stride = c.get("sampleStride").asInt();
      float[] sampled = new float[(flat.length + stride - 1) / stride];
      for (int j = 0; j < sampled.length; j++) {
        sampled[j] = flat[j * stride];
      }
      assertThat(Splitmix.maxAbsDiff(sampled, Splitmix.doubles(c.get("samples")))).isLessThan(1e-4);
      double abs = 0;
      for (float v : flat) {
        abs += Math.abs(v);
      }
      assertThat(abs).isCloseTo(c.get("absSum").asDouble(), within(1e-5 * c.get("absSum").asDouble()));

      List<NDArray> back =
          GeneralizedRcnnTransform.postprocess(batch.boxes(), batch.imageSizes(), batch.originalSizes());
      for (int i = 0; i < images.size(); i++) {
        assertThat(back.get(i).toFloatArray()).containsExactly(floats(c.get("postprocessedBoxes").get(i)));
      }
    }
  }

  @org.junit.jupiter.api.Test
  void resizedSize_usesTorchvisionsReciprocalScale() {
    // 150 / 90 as a float division is 1.6666666 (90 × it floors to 149); torchvision's
    // reciprocal(90) × 150 is 1.6666667, giving 150
    assertThat(GeneralizedRcnnTransform.resizedSize(new ImageSize(20, 90), 128, 150))
        .isEqualTo(new ImageSize(33, 150));
  }

  private static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) array.get(i).asDouble();
    }
    return f;
  }
}
