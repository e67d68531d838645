package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint fixtures under {@code src/test/resources/checkpoints/} (written by
 * {@code src/test/python/make_checkpoint_fixtures.py}) and their expected values.
 */
final class Fixtures {
  private Fixtures() {}

  static Path path(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/checkpoints/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected(String section) {
    try {
      return new ObjectMapper().readTree(path("expected.json").toFile()).get(section);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names in the expected section, in order. */
  static List<String> names(JsonNode section) {
    List<String> out = new ArrayList<>();
    section.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /**
   * Asserts that {@code actual} holds the tensors of the expected section with their shapes and
   * values (exactly: float32 values print exactly as doubles; half values were widened in Python).
   */
  static void assertMatches(StateDict actual, JsonNode section, Map<String, DType> dtypes) {
    assertThat(actual.names()).containsExactlyElementsOf(names(section));
    for (Map.Entry<String, JsonNode> e : section.properties()) {
      StoredTensor t = actual.get(e.getKey());
      JsonNode shape = e.getValue().get("shape");
      int[] expectedShape = new int[shape.size()];
      for (int i = 0; i < expectedShape.length; i++) {
        expectedShape[i] = shape.get(i).asInt();
      }
      assertThat(t.shape()).as(e.getKey()).containsExactly(expectedShape);
      if (dtypes.containsKey(e.getKey())) {
        assertThat(t.dtype()).as(e.getKey()).isEqualTo(dtypes.get(e.getKey()));
      }
      JsonNode values = e.getValue().get("values");
      assertThat(t.numel()).as(e.getKey()).isEqualTo(values.size());
      for (int i = 0; i < values.size(); i++) {
        JsonNode v = values.get(i);
        double expected = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
        if (t.dtype() == DType.INT64) {
          assertThat(t.longs()[i]).as("%s[%d]", e.getKey(), i).isEqualTo(v.asLong());
        } else if (t.dtype() == DType.FLOAT32 && !v.isBoolean()) {
          assertThat(t.floats()[i]).as("%s[%d]", e.getKey(), i).isEqualTo((float) expected);
        } else {
          assertThat(t.getDouble(i)).as("%s[%d]", e.getKey(), i).isEqualTo(expected);
        }
      }
    }
  }
}
