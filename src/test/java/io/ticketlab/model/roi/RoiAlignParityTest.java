package io.ticketlab.model.roi;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.engine.Engines;
import io.ticketlab.testing.Splitmix;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RoIAlign against {@code torchvision.ops.roi_align} 0.14 (fixtures from {@code
 * src/test/python/make_roi_fixtures.py}): boxes inside, partly and fully outside the map, tiny and
 * degenerate; fixed and adaptive sampling; aligned and not. Forward within 1e-5, feature gradient
 * within 1e-4.
 */
@Tag("engine")
class RoiAlignParityTest {
  private static final JsonNode FIXTURE = Splitmix.json("/parity/roi_align_cases.json");

  static Stream<Integer> cases() {
    return IntStream.range(0, FIXTURE.get("cases").size()).boxed();
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void forwardAndFeatureGradient_matchTorchvision(int index) {
    JsonNode c = FIXTURE.get("cases").get(index);
    long[] featureShape = Splitmix.longs(FIXTURE.get("featureShape"));
    JsonNode out = c.get("outputSize");
    RoiAlign op =
        new RoiAlign(
            out.get(0).asInt(),
            out.get(1).asInt(),
            c.get("spatialScale").asDouble(),
            c.get("samplingRatio").asInt(),
            c.get("aligned").asBoolean());
    JsonNode r = c.get("rois");
    float[] rois = new float[r.size() * 5];
    for (int i = 0; i < r.size(); i++) {
      for (int j = 0; j < 5; j++) {
        rois[5 * i + j] = (float) r.get(i).get(j).asDouble();
      }
    }
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      NDArray x = Splitmix.array(manager, FIXTURE.get("featureStream").asLong(), featureShape);
      x.setRequiresGradient(true);
      float[] forward;
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray y = op.apply(x, manager.create(rois, new Shape(r.size(), 5)));
        NDArray g = Splitmix.array(manager, c.get("gradStream").asLong(), y.getShape().getShape());
        forward = y.toFloatArray();
        gc.backward(y.mul(g).sum());
      }
      double forwardError = Splitmix.maxAbsDiff(forward, Splitmix.doubles(c.get("output")));
      double gradError =
          Splitmix.maxAbsDiff(x.getGradient().toFloatArray(), Splitmix.doubles(c.get("featureGrad")));
      assertThat(forwardError).as("forward max |diff|").isLessThan(1e-5);
      assertThat(gradError).as("gradient max |diff|").isLessThan(1e-4);
    }
  }
}
