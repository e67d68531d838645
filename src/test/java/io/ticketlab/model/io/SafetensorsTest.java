package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void handWrittenFile_loadsEveryDtypeAndTheMetadata() {
    Safetensors.Contents c = Safetensors.read(Fixtures.path("dtypes.safetensors"));
    Fixtures.assertMatches(c.tensors(), Fixtures.expected("safetensors"),
        Map.of("bf16", DType.BFLOAT16, "f16", DType.FLOAT16, "bool", DType.BOOL,
            "i64", DType.INT64, "u8", DType.UINT8));
    assertThat(c.metadata()).containsEntry("format", "pt").containsEntry("note", "hand-written");
  }

  @Test
  void writeThenRead_roundTripsDtypesValuesOrderAndMetadata() throws IOException {
    Safetensors.Contents original = Safetensors.read(Fixtures.path("dtypes.safetensors"));
    Path out = dir.resolve("copy.safetensors");
    Safetensors.write(out, original.tensors(), original.metadata());
    Safetensors.Contents back = Safetensors.read(out);
    assertThat(back.tensors()).isEqualTo(original.tensors());
    assertThat(back.metadata()).isEqualTo(original.metadata());
    long headerLength =
        ByteBuffer.wrap(Files.readAllBytes(out), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
  }

  @Test
  void floatTensors_roundTripWithoutMetadata() throws IOException {
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    m.put("w", new FloatTensor(new int[] {2, 2}, new float[] {1, -2, 3.5f, 0}));
    m.put("s", new FloatTensor(new int[0], new float[] {7}));
    Path out = dir.resolve("f.safetensors");
    Safetensors.write(out, StateDict.ofFloats(m));
    StateDict back = Safetensors.readStateDict(out);
    assertThat(back.floatTensor("w")).isEqualTo(m.get("w"));
    assertThat(back.get("s").isScalar()).isTrue();
  }

  @Test
  void unsupportedDtype_isRefusedBeforeDecoding_namingTheTensor() throws IOException {
    Path f = file("{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("x.dtype")
        .hasMessageContaining("F8_E4M3");
  }

  @Test
  void byteRangeNotMatchingTheShape_isRefused() throws IOException {
    Path f = file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4);
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("w.data_offsets")
        .hasMessageContaining("needs 6");
  }

  @Test
  void truncatedData_isRefusedNamingTheTensor() throws IOException {
    Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("w.data_offsets")
        .hasMessageContaining("truncated");
  }

  @Test
  void absurdHeaderLength_isRefused() throws IOException {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(Long.MAX_VALUE).array());
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("header length");
  }

  @Test
  void duplicateTensorName_isRefused() throws IOException {
    String entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
    Path f = file("{\"w\":" + entry + ",\"w\":" + entry + "}", 1);
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("Duplicate field 'w'");
  }

  @Test
  void malformedJson_isRefused() throws IOException {
    Path f = file("{\"w\": [", 0);
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("malformed JSON header");
  }

  private Path file(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("t.safetensors");
    Files.write(f, b.array());
    return f;
  }
}
