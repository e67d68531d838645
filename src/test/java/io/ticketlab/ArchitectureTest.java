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
      assertThat(dir).as("source folder of pure-Java package %s (run from the project root)", pkg)
          .isDirectory();
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
}
