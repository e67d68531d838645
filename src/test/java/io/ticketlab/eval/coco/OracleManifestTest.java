package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The oracle files (pycocotools, TIDE, coco-analyze outputs and their inputs, copied from
 * shared/oracles) are the ones {@code expected/manifest.json} describes: every input fixture has
 * its recorded size and sha256, every expected output its recorded size and a listed input, and no
 * file is in the folder that the manifest does not name. A fixture edited by hand, or an expected
 * file regenerated from other inputs, fails here rather than silently moving the parity tests.
 */
class OracleManifestTest {
  private static final JsonNode MANIFEST = OracleFiles.json("expected/manifest.json");

  @Test
  void everyInputFixture_hasItsRecordedSizeAndSha256() throws IOException {
    JsonNode fixtures = MANIFEST.get("fixtures");
    assertThat(fixtures.size()).isEqualTo(9);
    for (Iterator<Map.Entry<String, JsonNode>> it = fixtures.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      byte[] bytes = Files.readAllBytes(OracleFiles.path(e.getKey()));
      assertThat((long) bytes.length).as("%s size", e.getKey()).isEqualTo(e.getValue().get("bytes").asLong());
      assertThat(sha256(bytes)).as("%s sha256", e.getKey()).isEqualTo(e.getValue().get("sha256").asText());
    }
  }

  @Test
  void everyShippedExpectedOutput_hasItsRecordedSize_andComesFromListedInputs() throws IOException {
    JsonNode fixtures = MANIFEST.get("fixtures");
    List<String> notShipped = new ArrayList<>();
    int shipped = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = MANIFEST.get("expected").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode from = e.getValue().get("fixture");
      if (from.has("regenerate")) {
        // the benchmark oracles: inputs made by a script, kept in shared/oracles with the bench scripts
        notShipped.add(e.getKey());
        continue;
      }
      shipped++;
      Path p = OracleFiles.path(e.getKey());
      assertThat(Files.size(p)).as("%s size", e.getKey()).isEqualTo(e.getValue().get("bytes").asLong());
      for (Iterator<JsonNode> inputs = from.elements(); inputs.hasNext(); ) {
        String input = inputs.next().asText();
        assertThat(fixtures.has(input)).as("%s made from %s, a fixture of the manifest", e.getKey(), input).isTrue();
      }
      assertThat(e.getValue().get("tool").asText()).as(e.getKey()).isNotBlank();
      assertThat(e.getValue().get("version").asText()).as(e.getKey()).isNotBlank();
    }
    assertThat(shipped).isEqualTo(20);
    assertThat(notShipped).containsExactly(
        "expected/benchmark/coco_bbox_val_100dets.json", "expected/benchmark/coco_bbox_val_20dets.json");
  }

  @Test
  void noUnlistedFile_inTheOracleFolder() throws IOException {
    Path root = OracleFiles.path("expected/manifest.json").getParent().getParent();
    TreeSet<String> listed = new TreeSet<>();
    MANIFEST.get("fixtures").fieldNames().forEachRemaining(listed::add);
    MANIFEST.get("expected").fieldNames().forEachRemaining(listed::add);
    listed.add("expected/manifest.json");
    TreeSet<String> present = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).forEach(f -> present.add(root.relativize(f).toString().replace('\\', '/')));
    }
    assertThat(present).as("files under oracles/").isSubsetOf(listed).hasSize(30);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
