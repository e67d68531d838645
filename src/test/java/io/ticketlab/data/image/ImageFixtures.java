package io.ticketlab.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The PIL fixtures of {@code src/test/python/make_image_fixtures.py}. */
final class ImageFixtures {
  private ImageFixtures() {}

  static Path dir() {
    try {
      return Path.of(ImageFixtures.class.getResource("/images/manifest.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode manifest() {
    try {
      return new ObjectMapper().readTree(dir().resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PIL's pixels stored as gzipped raw RGB. */
  static DecodedImage pil(String name, int width, int height) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dir().resolve(name)))) {
      return new DecodedImage(width, height, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code [max |difference|, pixels-channels that differ]} of two images of one size. */
  static int[] difference(DecodedImage a, DecodedImage b) {
    int max = 0;
    int count = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      int d = Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
      max = Math.max(max, d);
      if (d != 0) {
        count++;
      }
    }
    return new int[] {max, count};
  }
}
