package io.ticketlab.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The oracle files of shared/oracles copied into the test resources. */
public final class Oracles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Oracles() {}

  public static Path path(String relative) {
    try {
      return Path.of(Oracles.class.getResource("/oracles/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource oracles/" + relative, e);
    }
  }

  public static JsonNode json(String relative) {
    try {
      return JSON.readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
