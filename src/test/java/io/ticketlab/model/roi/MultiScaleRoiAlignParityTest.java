package io.ticketlab.model.roi;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.engine.Engines;
import io.ticketlab.testing.Splitmix;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MultiScaleRoiAlign against torchvision 0.14's {@code MultiScaleRoIAlign(['0','1','2','3'])} on
 * five maps (the extra {@code pool} map is ignored), two images of different sizes, boxes on every
 * level, on a level boundary (√area = 224 and 223.9), partly outside and tiny: same scales and
 * levels, outputs within 1e-5, and the feature gradients (as dot products with fixed random maps)
 * within 1e-4 relative.
 */
@Tag("engine")
class MultiScaleRoiAlignParityTest {
  private static final JsonNode FIXTURE = Splitmix.json("/parity/roi_align_multiscale.json");

  @Test
  void scalesAndLevels_matchTorchvision() {
    JsonNode c = FIXTURE.get("cases").get(0);
    int maxHeight = 0;
    for (JsonNode s : FIXTURE.get("imageShapes")) {
      maxHeight = Math.max(maxHeight, s.get(0).asInt());
    }
    int i = 0;
    for (Iterator<String> it = FIXTURE.get("featureShapes").fieldNames(); it.hasNext() && i < 4; i++) {
      long h = FIXTURE.get("featureShapes").get(it.next()).get(2).asLong();
      assertThat(MultiScaleRoiAlign.inferScale(h, maxHeight)).isEqualTo(c.get("scales").get(i).asDouble());
    }
    List<Float> flat = new ArrayList<>();
    for (JsonNode image : FIXTURE.get("boxes")) {
      for (JsonNode box : image) {
        box.forEach(v -> flat.add((float) v.asDouble()));
      }
    }
    float[] boxes = new float[flat.size()];
    for (int j = 0; j < boxes.length; j++) {
      boxes[j] = flat.get(j);
    }
    int[] expected = new int[c.get("levels").size()];
    for (int j = 0; j < expected.length; j++) {
      expected[j] = c.get("levels").get(j).asInt();
    }
    assertThat(LevelMapper.of(2, 5).levels(boxes)).containsExactly(expected);
  }

  @ParameterizedTest(name = "{0}x{0}")
  @ValueSource(ints = {7, 14})
  void outputsAndFeatureGradients_matchTorchvision(int size) {
    JsonNode c = null;
    for (JsonNode candidate : FIXTURE.get("cases")) {
      if (candidate.get("outputSize").asInt() == size) {
        c = candidate;
      }
    }
    MultiScaleRoiAlign pooler = size == 7 ? MultiScaleRoiAlign.boxHead() : MultiScaleRoiAlign.maskHead();
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      Map<String, NDArray> features = new LinkedHashMap<>();
      for (Iterator<String> it = FIXTURE.get("featureShapes").fieldNames(); it.hasNext(); ) {
        String name = it.next();
        NDArray f =
            Splitmix.array(
                manager,
                FIXTURE.get("featureStreams").get(name).asLong(),
                Splitmix.longs(FIXTURE.get("featureShapes").get(name)));
        f.setRequiresGradient(true);
        features.put(name, f);
      }
      List<NDArray> boxes = new ArrayList<>();
      for (JsonNode image : FIXTURE.get("boxes")) {
        float[] b = new float[image.size() * 4];
        for (int j = 0; j < image.size(); j++) {
          for (int d = 0; d < 4; d++) {
            b[4 * j + d] = (float) image.get(j).get(d).asDouble();
          }
        }
        boxes.add(manager.create(b, new ai.djl.ndarray.types.Shape(image.size(), 4)));
      }
      List<int[]> sizes = new ArrayList<>();
      for (JsonNode s : FIXTURE.get("imageShapes")) {
        sizes.add(new int[] {s.get(0).asInt(), s.get(1).asInt()});
      }
      float[] forward;
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray y = pooler.apply(features, boxes, sizes);
        NDArray g = Splitmix.array(manager, c.get("gradStream").asLong(), y.getShape().getShape());
        forward = y.toFloatArray();
        gc.backward(y.mul(g).sum());
      }
      assertThat(Splitmix.maxAbsDiff(forward, Splitmix.doubles(c.get("output"))))
          .as("forward max |diff|")
          .isLessThan(1e-5);
      for (Map.Entry<String, NDArray> e : features.entrySet()) {
        JsonNode dot = c.get("gradDots").get(e.getKey());
        NDArray grad = e.getValue().getGradient();
        if (dot == null) {
          assertThat(grad.abs().max().getFloat()).as("gradient of unused map " + e.getKey()).isZero();
          continue;
        }
        float[] gv = grad.toFloatArray();
        float[] r = Splitmix.floats(c.get("gradDotStreams").get(e.getKey()).asLong(), gv.length);
        double sum = 0;
        for (int j = 0; j < gv.length; j++) {
          sum += (double) gv[j] * r[j];
        }
        assertThat(Math.abs(sum - dot.asDouble()))
            .as("gradient · r on map " + e.getKey())
            .isLessThan(1e-4 * Math.max(1, Math.abs(dot.asDouble())));
      }
    }
  }
}
