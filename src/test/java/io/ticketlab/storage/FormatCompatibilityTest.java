package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Files written by version 1 stay readable, and writing them again gives the same bytes. */
class FormatCompatibilityTest {
  private static final Path FIXTURES = Path.of("src/test/resources/storage/v1");

  static java.util.stream.Stream<SparseFormat> formats() {
    return SparseFormats.all().stream();
  }

  @ParameterizedTest
  @MethodSource("formats")
  void version1Fixture_readsBackAndIsRewrittenByteForByte(SparseFormat format) throws Exception {
    Path file = FIXTURES.resolve("fixture." + format.name() + ".tlsc");
    SparseCheckpoint.Contents contents = SparseCheckpoint.read(file);
    assertThat(contents.format().name()).isEqualTo(format.name());
    LinkedHashMap<String, FloatTensor> expected = FixtureTensors.tensors();
    if (format.lossless()) {
      FormatContractTest.assertBitExact(expected, contents.tensors());
    } else {
      assertThat(contents.tensors().keySet()).containsExactlyElementsOf(expected.keySet());
    }
    assertThat(SparseCheckpoint.encode(expected, format).toByteArray()).isEqualTo(Files.readAllBytes(file));
  }

  private static byte[] withHeaderByte(byte[] file, int offset, int value) {
    byte[] b = file.clone();
    b[offset] = (byte) value;
    CRC32C crc = new CRC32C();
    crc.update(b, 0, 16);
    int c = (int) crc.getValue();
    b[16] = (byte) c;
    b[17] = (byte) (c >>> 8);
    b[18] = (byte) (c >>> 16);
    b[19] = (byte) (c >>> 24);
    return b;
  }

  @Test
  void newerVersion_isRefusedNamingTheVersion() throws Exception {
    byte[] file = Files.readAllBytes(FIXTURES.resolve("fixture.dense.tlsc"));
    assertThatThrownBy(() -> SparseCheckpoint.decode(withHeaderByte(file, 8, 2), Path.of("new.tlsc")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("new.tlsc: header.version: bad value 2: this TicketLab reads sparse checkpoint version 1 only");
  }

  @Test
  void unknownEncoding_isRefusedNamingTheKnownOnes() throws Exception {
    byte[] file = Files.readAllBytes(FIXTURES.resolve("fixture.dense.tlsc"));
    assertThatThrownBy(() -> SparseCheckpoint.decode(withHeaderByte(file, 10, 99), Path.of("x.tlsc")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("encoding id: bad value 99")
        .hasMessageContaining("entropy");
  }

  @Test
  void otherFiles_areNotMistakenForCheckpoints() {
    assertThatThrownBy(() -> SparseCheckpoint.decode("PK\u0003\u0004 a zip file, not ours".getBytes(), Path.of("model.pth")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("model.pth: not a TicketLab sparse checkpoint (the file does not start with TLSPARSE)");
  }
}
