package io.ticketlab.model.detector;

import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared half of the detector parity fixtures ({@code src/test/python/make_*_fixtures.py}):
 * the model's weights regenerated from the splitmix fill by key index (times the fixture's
 * {@code weightScales}), and the noise images in [0.5, 1).
 */
final class DetectorFixtures {
  private DetectorFixtures() {}

  /** Checks the model's state-dict keys against the fixture's, in order, and loads the fill. */
  static void loadWeights(GeneralizedRcnn model, JsonNode fx, String source) {
    List<String> keys = new ArrayList<>();
    fx.get("keys").forEach(k -> keys.add(k.asText()));
    assertThat(new ArrayList<>(ModelParameters.of(model).keySet())).containsExactlyElementsOf(keys);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (int k = 0; k < keys.size(); k++) {
      FloatTensor t = DeterministicFill.fill(keys.get(k), ints(fx.get("shapes").get(k)), k);
      JsonNode scale = fx.get("weightScales").get(keys.get(k));
      if (scale != null) {
        float s = (float) scale.asDouble();
        for (int i = 0; i < t.data().length; i++) {
          t.data()[i] *= s;
        }
      }
      weights.put(keys.get(k), t);
    }
    assertThat(Weights.load(model, weights, source, true).clean()).isTrue();
  }

  /** The fixture's images, float [3, H, W]. */
  static List<NDArray> images(NDManager manager, JsonNode fx) {
    List<NDArray> images = new ArrayList<>();
    for (JsonNode im : fx.get("images")) {
      int[] shape = ints(im.get("shape"));
      float[] v = DeterministicFill.uniformFloats(im.get("stream").asLong(), shape[0] * shape[1] * shape[2]);
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] * 0.5f + 0.5f;
      }
      images.add(manager.create(v, new Shape(shape[0], shape[1], shape[2])));
    }
    return images;
  }
}
