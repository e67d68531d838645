package io.ticketlab.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void write_createsFoldersAndContent() throws IOException {
    Path target = dir.resolve("a/b/out.json");
    AtomicFiles.writeString(target, "{\"ok\": true}");
    assertThat(Files.readString(target)).isEqualTo("{\"ok\": true}");
    assertThat(listing(target.getParent())).containsExactly("out.json");
  }

  @Test
  void failedWrite_leavesOldContentAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("metrics.csv");
    AtomicFiles.writeString(target, "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(listing(dir)).containsExactly("metrics.csv");
  }

  private static java.util.List<String> listing(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
