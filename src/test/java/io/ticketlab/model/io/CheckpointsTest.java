package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;

  @Test
  void formats_areRecognisedByContent() throws IOException {
    assertThat(Checkpoints.detect(Fixtures.path("tiny_zip.pth")))
        .isEqualTo(Checkpoints.Format.PYTORCH_ZIP);
    assertThat(Checkpoints.detect(Fixtures.path("tiny_legacy.pth")))
        .isEqualTo(Checkpoints.Format.PYTORCH_LEGACY);
    assertThat(Checkpoints.detect(Fixtures.path("dtypes.safetensors")))
        .isEqualTo(Checkpoints.Format.SAFETENSORS);
    assertThat(Checkpoints.detect(Fixtures.path("arrays.npz"))).isEqualTo(Checkpoints.Format.NPZ);
    Path own = dir.resolve("weights.bin");
    TicketCheckpointTest.sample().write(own);
    assertThat(Checkpoints.detect(own)).isEqualTo(Checkpoints.Format.TICKETLAB);
    assertThat(Checkpoints.readStateDict(own)).isEqualTo(TicketCheckpointTest.sample().weights());
  }

  @Test
  void sameWeights_readAlikeFromPthAndSafetensorsWrittenByUs() throws IOException {
    StateDict fromPth = Checkpoints.readStateDict(Fixtures.path("tiny_dataparallel_zip.pth"));
    Path st = dir.resolve("tiny.safetensors");
    Safetensors.write(st, fromPth);
    assertThat(Checkpoints.readStateDict(st)).isEqualTo(fromPth);
    assertThat(fromPth.names()).doesNotContain("module.conv.weight").contains("conv.weight");
  }

  @Test
  void unknownContent_isRefused() throws IOException {
    Path f = dir.resolve("x.pth");
    Files.writeString(f, "just text, not weights");
    assertThatThrownBy(() -> Checkpoints.readStateDict(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unrecognised weights file");
  }

  /** STYLE.md: checkpoint I/O stays pure Java; conversion to engine arrays happens elsewhere. */
  @Test
  void packageImportsNothingFromTheEngine() throws IOException {
    Path root = Path.of("src/main/java/io/ticketlab/model/io");
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            try {
              String src = Files.readString(p);
              return src.contains("import ai.djl.") || src.contains("io.ticketlab.engine.");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .toList();
      assertThat(offenders).isEmpty();
    }
  }
}
