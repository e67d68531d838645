package io.ticketlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DetectionPackagePurityTest {
  @Test
  void detectionData_importsNoEngineTypes() throws IOException {
    Path dir = Path.of("src/main/java/io/ticketlab/data/detection");
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).hasSizeGreaterThan(5);
    for (Path source : sources) {
      assertThat(Files.readString(source)).as(source.toString()).doesNotContain("ai.djl");
    }
  }
}
