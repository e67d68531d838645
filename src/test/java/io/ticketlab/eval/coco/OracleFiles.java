package io.ticketlab.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The pycocotools oracle files copied from shared/oracles into the test resources. */
final class OracleFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OracleFiles() {}

  static Path path(String relative) {
    try {
      return Path.of(OracleFiles.class.getResource("/oracles/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource oracles/" + relative, e);
    }
  }

  static JsonNode json(String relative) {
    try {
      return JSON.readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
