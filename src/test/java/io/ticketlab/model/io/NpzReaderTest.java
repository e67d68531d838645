package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.common.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NpzReaderTest {
  private static final Map<String, DType> DTYPES =
      Map.of("c_f32", DType.FLOAT32, "fortran_f64", DType.FLOAT64, "big_i32", DType.INT32,
          "big_f32_fortran", DType.FLOAT32, "f16", DType.FLOAT16, "i64", DType.INT64,
          "u8", DType.UINT8, "b", DType.BOOL, "scalar", DType.FLOAT32);

  @ParameterizedTest
  @ValueSource(strings = {"arrays.npz", "arrays_compressed.npz"})
  void savezArchive_loadsEndiannessAndFortranOrderAsRowMajor(String file) {
    StateDict sd = NpzReader.read(Fixtures.path(file));
    Fixtures.assertMatches(sd, Fixtures.expected("npz"), DTYPES);
  }

  @Test
  void version2Headers_load() {
    StateDict sd = NpzReader.read(Fixtures.path("arrays_v2.npz"));
    JsonNode all = Fixtures.expected("npz");
    assertThat(sd.names()).containsExactly("c_f32", "fortran_f64");
    assertThat(sd.get("fortran_f64").doubles()[1])
        .isEqualTo(all.get("fortran_f64").get("values").get(1).asDouble());
    assertThat(sd.get("c_f32").floats()[5])
        .isEqualTo((float) all.get("c_f32").get("values").get(5).asDouble());
  }

  @Test
  void objectArray_isRefused() {
    byte[] npy = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8);
    assertThatThrownBy(() -> NpzReader.parseNpy(Path.of("a.npz"), "x", npy))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("a.npz: x.descr: bad value |O");
  }

  @Test
  void truncatedArray_isRefusedNamingTheArray() {
    byte[] npy = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 20);
    assertThatThrownBy(() -> NpzReader.parseNpy(Path.of("a.npz"), "w", npy))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("a.npz: w: ")
        .hasMessageContaining("needs 24 bytes");
  }

  @Test
  void notAZip_isRefused() {
    Path file = Fixtures.path("expected.json");
    assertThatThrownBy(() -> NpzReader.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected.json");
  }

  private static byte[] npy(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + h.length + dataBytes];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
    System.arraycopy(magic, 0, out, 0, 10);
    System.arraycopy(h, 0, out, 10, h.length);
    return out;
  }
}
