package io.ticketlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layout of STYLE.md: the pure-Java packages never touch the native engine, so they
 * test in milliseconds and run anywhere.
 */
class ArchitectureTest {
  private static final List<String> PURE_JAVA =
      List.of("common", "config", "data", "eval", "analysis", "storage", "report");

  @Test
  void pureJavaPackages_doNotImportTheEngine() throws IOException {
    Path root = Paths.get("src/main/java/io/ticketlab");
    List<String> offenders = new ArrayList<>();
    for (String pkg : PURE_JAVA) {
      Path dir = root.resolve(pkg);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String src = Files.readString(f);
          if (src.contains("import ai.djl.") || src.contains("io.ticketlab.engine.")
              || src.contains("io.ticketlab.model.") || src.contains("io.ticketlab.train.")) {
            offenders.add(root.relativize(f).toString());
          }
        }
      }
    }
    assertThat(offenders).as("pure-Java sources that reach the engine").isEmpty();
  }

  /** STYLE.md "One decoder, one resize": image files are read only by data.image.ImageDecoder. */
  @Test
  void imagesAreDecodedOnlyByTheOneDecoder() throws IOException {
    Path root = Paths.get("src/main/java/io/ticketlab");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (f.startsWith(root.resolve("data/image"))) {
          continue;
        }
        String src = Files.readString(f);
        if (src.contains("ImageIO.read") || src.contains(".getRGB(")
            || src.contains("ImageReader") || src.contains("drawImage(")) {
          offenders.add(root.relativize(f).toString());
        }
      }
    }
    assertThat(offenders).as("sources that decode or resample images themselves").isEmpty();
  }
}
