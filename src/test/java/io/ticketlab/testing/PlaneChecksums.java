package io.ticketlab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every element of an N×C×H×W output against a parity fixture's per-plane checksums ({@code
 * plane_checksums} in {@code src/test/python/make_resnet_fixtures.py}): for each (image, channel)
 * plane its sum, its sum of absolute values and its sum weighted by {@link Splitmix#uniform} over
 * the flattened tensor (an element moved within its plane changes that one), and the fixture's
 * dense planes element by element (relative to the value, at least 1% of the dense planes' largest). Used where the whole output would make the fixture too large.
 */
public final class PlaneChecksums {
  /**
   * Checksum tolerance, relative to the plane's sum of absolute values: the worst seen between
   * torchvision and TicketLab over every plane of ResNet-18/50 C2–C4 and the R18-FPN pyramid is 8e-6.
   */
  public static final double CHECKSUM_TOLERANCE = 1e-4;

  private PlaneChecksums() {}

  /**
   * Fails naming the first plane whose checksums differ by more than {@link #CHECKSUM_TOLERANCE}
   * of the plane's sum of absolute values (at least 1% of the largest plane's, for planes that are
   * all but zero), or the first dense-plane element off by more than {@code rel} relative.
   */
  public static void assertMatches(float[] actual, long[] shape, JsonNode fixture, double rel, String what) {
    assertThat(shape).as(what + " rank").hasSize(4);
    int images = (int) shape[0];
    int channels = (int) shape[1];
    int plane = (int) (shape[2] * shape[3]);
    assertThat(actual).as(what + " size").hasSize(images * channels * plane);
    long stream = fixture.get("projectionStream").asLong();
    JsonNode sums = fixture.get("planeSums");
    JsonNode absSums = fixture.get("planeAbsSums");
    JsonNode projections = fixture.get("planeProjections");
    assertThat(sums.size()).as(what + " planes in the fixture").isEqualTo(images * channels);
    double largest = 0;
    for (JsonNode a : absSums) {
      largest = Math.max(largest, a.asDouble());
    }
    for (int p = 0; p < images * channels; p++) {
      double sum = 0;
      double abs = 0;
      double projection = 0;
      for (int j = 0; j < plane; j++) {
        int i = p * plane + j;
        double v = actual[i];
        sum += v;
        abs += Math.abs(v);
        projection += v * Splitmix.uniform(stream, i);
      }
      double tolerance = CHECKSUM_TOLERANCE * Math.max(absSums.get(p).asDouble(), 1e-2 * largest);
      String name = String.format("%s plane (image %d, channel %d)", what, p / channels, p % channels);
      assertThat(sum).as(name + " sum").isCloseTo(sums.get(p).asDouble(), org.assertj.core.data.Offset.offset(tolerance));
      assertThat(abs).as(name + " sum of |x|").isCloseTo(absSums.get(p).asDouble(), org.assertj.core.data.Offset.offset(tolerance));
      assertThat(projection).as(name + " weighted sum")
          .isCloseTo(projections.get(p).asDouble(), org.assertj.core.data.Offset.offset(tolerance));
    }
    assertThat(fixture.get("densePlanes").size()).as(what + " dense planes").isPositive();
    double scale = Double.MIN_NORMAL;
    for (JsonNode d : fixture.get("densePlanes")) {
      for (JsonNode v : d.get("values")) {
        scale = Math.max(scale, Math.abs(v.asDouble()));
      }
    }
    for (JsonNode d : fixture.get("densePlanes")) {
      int image = d.get("image").asInt();
      int channel = d.get("channel").asInt();
      JsonNode values = d.get("values");
      assertThat(values.size()).isEqualTo(plane);
      int offset = (image * channels + channel) * plane;
      for (int j = 0; j < plane; j++) {
        double e = values.get(j).asDouble();
        double a = actual[offset + j];
        assertThat(Math.abs(a - e) / Math.max(Math.abs(e), 1e-2 * scale))
            .as("%s image %d channel %d element %d: %s, expected %s", what, image, channel, j, a, e)
            .isLessThan(rel);
      }
    }
  }
}
