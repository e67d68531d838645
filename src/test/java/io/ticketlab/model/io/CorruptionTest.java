package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files, byte by byte (a sample of positions): every reader either reads the file or refuses it with a
 * {@link BadInputException}; nothing else (no ClassCastException, no out-of-memory, no silent
 * garbage in a checksummed file).
 */
class CorruptionTest {
  @TempDir Path dir;

  @Test
  void ticketCheckpoint_flippedBytesAndTruncations_areAllRefused() throws IOException {
    Path original = dir.resolve("c.tlckpt");
    TicketCheckpointTest.sample().write(original);
    byte[] bytes = Files.readAllBytes(original);
    Path damaged = dir.resolve("damaged.tlckpt");
    for (int i : positions(bytes.length)) {
      byte[] b = bytes.clone();
      b[i] ^= (byte) 0x5a;
      Files.write(damaged, b);
      int at = i;
      assertThatThrownBy(() -> TicketCheckpoint.read(damaged))
          .as("byte %d flipped", at)
          .isInstanceOf(BadInputException.class);
    }
    for (int n : positions(bytes.length)) {
      Files.write(damaged, Arrays.copyOf(bytes, n));
      int at = n;
      assertThatThrownBy(() -> TicketCheckpoint.read(damaged))
          .as("truncated to %d bytes", at)
          .isInstanceOf(BadInputException.class);
    }
  }

  @Test
  void legacyPth_flippedBytes_readOrAreRefused() throws IOException {
    assertEveryFlipReadsOrIsRefused(Fixtures.path("tiny_legacy.pth"), PthReader::readObject);
  }

  @Test
  void zipPth_flippedBytes_readOrAreRefused() throws IOException {
    assertEveryFlipReadsOrIsRefused(Fixtures.path("tiny_zip.pth"), PthReader::readObject);
  }

  @Test
  void safetensors_flippedBytes_readOrAreRefused() throws IOException {
    assertEveryFlipReadsOrIsRefused(Fixtures.path("dtypes.safetensors"), Safetensors::read);
  }

  @Test
  void npz_flippedBytes_readOrAreRefused() throws IOException {
    assertEveryFlipReadsOrIsRefused(Fixtures.path("arrays.npz"), NpzReader::read);
  }

  /**
   * The byte positions to damage: the first and last 48 (headers, zip central directories) and
   * every 13th in between, so each file costs a few hundred reads.
   */
  private static int[] positions(int length) {
    return java.util.stream.IntStream.range(0, length)
        .filter(i -> i < 48 || i >= length - 48 || i % 13 == 0)
        .toArray();
  }

  private void assertEveryFlipReadsOrIsRefused(Path fixture, Consumer<Path> reader)
      throws IOException {
    byte[] bytes = Files.readAllBytes(fixture);
    Path damaged = dir.resolve("damaged-" + fixture.getFileName());
    List<String> failures = new ArrayList<>();
    for (int i : positions(bytes.length)) {
      byte[] b = bytes.clone();
      b[i] ^= (byte) 0x5a;
      Files.write(damaged, b);
      try {
        reader.accept(damaged);
      } catch (BadInputException e) {
        // refused cleanly
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        failures.add("byte " + i + ": " + e);
      }
    }
    assertThat(failures).isEmpty();
  }
}
