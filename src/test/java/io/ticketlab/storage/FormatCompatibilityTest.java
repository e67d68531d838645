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
      assertLossyFixtureValues(format, expected, contents.tensors());
    }
    assertThat(SparseCheckpoint.encode(expected, format).toByteArray()).isEqualTo(Files.readAllBytes(file));
  }

  /**
   * The lossy (float16) fixture's decoded values, against values worked out by hand: every finite
   * fixture value is a multiple of 1/16 below 4 in magnitude (at most 7 significant bits), so float16
   * holds it exactly and it must come back bit for bit, -0.0 included; the NaN 0x7FC00123 keeps
   * float16's 10 mantissa bits (quiet bit set, the low payload bits 0x123 lost): 0x7FC00000.
   */
  private static void assertLossyFixtureValues(
      SparseFormat format, LinkedHashMap<String, FloatTensor> expected, LinkedHashMap<String, FloatTensor> actual) {
    assertThat(format.storedDtype()).isEqualTo(SparseFormat.StoredDtype.FLOAT16);
    int nans = 0;
    for (String name : expected.keySet()) {
      float[] e = expected.get(name).data();
      float[] a = actual.get(name).data();
      assertThat(actual.get(name).shape()).as(name).containsExactly(expected.get(name).shape());
      for (int i = 0; i < e.length; i++) {
        int want = Float.floatToRawIntBits(e[i]);
        if (Float.isNaN(e[i])) {
          nans++;
          assertThat(want).isEqualTo(0x7FC00123);
          want = 0x7FC00000;
        } else {
          assertThat(e[i] * 16 % 1).as("%s[%d] = %s is a multiple of 1/16", name, i, e[i]).isZero();
          assertThat(Math.abs(e[i])).isLessThan(4f);
        }
        assertThat(Integer.toHexString(Float.floatToRawIntBits(a[i])))
            .as("%s[%d] decoded from the %s fixture (original %s)", name, i, format.name(), e[i])
            .isEqualTo(Integer.toHexString(want));
      }
    }
    assertThat(nans).isEqualTo(1);
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
