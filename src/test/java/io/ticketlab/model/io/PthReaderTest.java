package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PthReaderTest {
  private static final Map<String, DType> DTYPES =
      Map.ofEntries(
          Map.entry("f32", DType.FLOAT32),
          Map.entry("f16", DType.FLOAT16),
          Map.entry("bf16", DType.BFLOAT16),
          Map.entry("f64", DType.FLOAT64),
          Map.entry("i64", DType.INT64),
          Map.entry("i32", DType.INT32),
          Map.entry("i16", DType.INT16),
          Map.entry("i8", DType.INT8),
          Map.entry("u8", DType.UINT8),
          Map.entry("bool", DType.BOOL),
          Map.entry("scalar_i64", DType.INT64),
          Map.entry("transposed", DType.FLOAT32),
          Map.entry("bn.num_batches_tracked", DType.INT64),
          Map.entry("conv.weight", DType.FLOAT32));

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tiny_zip.pth",
        "tiny_legacy.pth",
        "tiny_protocol4_zip.pth",
        "tiny_big_endian_zip.pth",
        "tiny_big_endian_legacy.pth"
      })
  void tinyStateDict_loadsWithNamesShapesAndValues(String file) {
    StateDict sd = PthReader.readStateDict(Fixtures.path(file));
    Fixtures.assertMatches(sd, Fixtures.expected("tiny"), DTYPES);
    StoredTensor tracked = sd.get("bn.num_batches_tracked");
    assertThat(tracked.isScalar()).isTrue();
    assertThat(tracked.longs()).containsExactly(7L);
    assertThat(sd.toFloatTensors().get("bn.num_batches_tracked").data()).containsExactly(7f);
    assertThat(sd.toFloatTensors().get("conv.weight").data()).isSameAs(sd.get("conv.weight").floats());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtypes_zip.pth", "dtypes_legacy.pth"})
  void everyDtypeAndViewKind_loadsAsRowMajorValues(String file) {
    StateDict sd = PthReader.readStateDict(Fixtures.path(file));
    Fixtures.assertMatches(sd, Fixtures.expected("dtypes"), DTYPES);
    assertThat(sd.get("scalar_f32").shape()).isEmpty();
    assertThat(sd.get("empty").shape()).containsExactly(0, 3);
    assertThat(sd.get("u8").getDouble(2)).isEqualTo(255.0);
  }

  @Test
  void dataParallelPrefix_isStrippedByDefault_andKeptOnRequest() {
    Path file = Fixtures.path("tiny_dataparallel_zip.pth");
    StateDict stripped = PthReader.readStateDict(file);
    assertThat(stripped.names()).containsExactlyElementsOf(Fixtures.names(Fixtures.expected("tiny")));
    StateDict kept =
        PthReader.readStateDict(file, PthReader.Options.defaults().withStripModulePrefix(false));
    assertThat(kept.names()).allMatch(n -> n.startsWith("module.")).hasSize(stripped.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_nested_zip.pth", "tiny_nested_legacy.pth", "tiny_model_key_zip.pth"})
  void nestedStateDict_isFoundUnderItsKey(String file) {
    StateDict sd = PthReader.readStateDict(Fixtures.path(file));
    Fixtures.assertMatches(sd, Fixtures.expected("tiny"), DTYPES);
  }

  @Test
  void readObject_givesTheTrainingScriptsOtherValues() {
    Object top = PthReader.readObject(Fixtures.path("tiny_nested_zip.pth"));
    assertThat(top).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) top;
    assertThat(map.get("epoch")).isEqualTo(3L);
    assertThat(map.get("arch")).isEqualTo("tiny");
    assertThat(map.get("best_acc1")).isEqualTo(0.25);
    assertThat((byte[]) map.get("blob")).containsExactly(0, 1);
    List<?> flags = (List<?>) map.get("flags");
    assertThat(flags.get(0)).isEqualTo(true);
    assertThat(flags.get(1)).isNull();
    assertThat(flags.get(2)).isEqualTo(new PyTuple(List.of(1L, 2.5, "x")));
    Map<?, ?> optimizer = (Map<?, ?>) map.get("optimizer");
    Map<?, ?> state = (Map<?, ?>) optimizer.get("state");
    Map<?, ?> first = (Map<?, ?>) state.get(0L);
    assertThat(first.get("momentum_buffer")).isInstanceOf(StoredTensor.class);
    assertThat(((StoredTensor) first.get("momentum_buffer")).shape()).containsExactly(4, 3, 3, 3);
    List<?> groups = (List<?>) optimizer.get("param_groups");
    assertThat(((Map<?, ?>) groups.get(0)).get("momentum")).isEqualTo(0.9);
  }

  @Test
  void trainingScriptArgs_areReadAsAMapOfAttributes() {
    Map<?, ?> top = (Map<?, ?>) PthReader.readObject(Fixtures.path("tiny_model_key_zip.pth"));
    @SuppressWarnings("unchecked")
    Map<Object, Object> args = (Map<Object, Object>) top.get("args");
    assertThat(args).containsEntry("lr", 0.02).containsEntry("arch", "tiny")
        .containsEntry("epochs", 26L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"malicious_system_zip.pth", "malicious_system_legacy.pth"})
  void osSystemPickle_isRefusedWithoutRunningIt(String file) throws IOException {
    Path marker = Path.of("/tmp/ticketlab_pwned_marker");
    Files.deleteIfExists(marker);
    Path path = Fixtures.path(file);
    assertThatThrownBy(() -> PthReader.readStateDict(path))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(path.toString())
        .hasMessageContaining("posix.system")
        .hasMessageContaining("refused global");
    assertThatThrownBy(() -> PthReader.readObject(path)).isInstanceOf(BadInputException.class);
    assertThat(marker).doesNotExist();
  }

  @Test
  void evalPickle_isRefusedNamingBuiltinsEval() {
    Path path = Fixtures.path("malicious_eval_zip.pth");
    assertThatThrownBy(() -> PthReader.readStateDict(path))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("builtins.eval");
    assertThat(Path.of("/tmp/ticketlab_pwned_marker")).doesNotExist();
  }

  @Test
  void wholePickledModule_isRefusedNamingItsClass() {
    Path path = Fixtures.path("whole_module_zip.pth");
    assertThatThrownBy(() -> PthReader.readStateDict(path))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("__main__.Tiny")
        .hasMessageContaining("state_dict()");
  }

  @Test
  void truncatedZip_isRefusedNamingTheFile() throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.path("tiny_zip.pth"));
    Path cut = dir.resolve("cut.pth");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> PthReader.readStateDict(cut))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(cut.toString());
  }

  @Test
  void truncatedLegacyFile_isRefusedNamingTheStorage() throws IOException {
    byte[] all = Files.readAllBytes(Fixtures.path("tiny_legacy.pth"));
    Path cut = dir.resolve("cut.pth");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 5));
    assertThatThrownBy(() -> PthReader.readStateDict(cut))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("storage")
        .hasMessageContaining("truncated");
  }

  @Test
  void notACheckpoint_isRefused() throws IOException {
    Path text = dir.resolve("weights.pth");
    Files.writeString(text, "hello");
    assertThatThrownBy(() -> PthReader.readStateDict(text))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("not a PyTorch checkpoint");
  }

  @Test
  void legacyMagicNumber_isReadAsABigInteger() {
    byte[] pickle = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
        (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'};
    Object v = new RestrictedUnpickler(null, "x", pickle, 0, null).load();
    assertThat(v).isEqualTo(new BigInteger("1950a86a20f9469cfc6c", 16));
  }

  /**
   * torchvision's real ResNet state dicts, written by {@link TorchSaveWriter} into a temporary
   * folder: names, order and shapes from torchvision 0.14's {@code resnet18()/resnet50()} (the
   * {@code keys}/{@code shapes} of {@code parity/resnetNN_eval.json}, which list parameters and
   * running statistics), a {@code num_batches_tracked} int64 scalar after every batch norm's
   * {@code running_var} as in {@code state_dict()}, and distinct values in every tensor; every
   * value read back must be the one written.
   */
  @ParameterizedTest
  @CsvSource({"resnet18, 11689512, 122, 512", "resnet50, 25557032, 320, 2048"})
  void torchvisionResNet_loadsWithItsParameterCountAndNames(
      String arch, long expectedParameters, int expectedTensors, int features,
      @TempDir Path tmp) throws IOException {
    JsonNode fx;
    try (var in = PthReaderTest.class.getResourceAsStream("/parity/" + arch + "_eval.json")) {
      fx = new ObjectMapper().readTree(in);
    }
    Map<String, TorchSaveWriter.Tensor> written = new LinkedHashMap<>();
    for (int k = 0; k < fx.get("keys").size(); k++) {
      String name = fx.get("keys").get(k).asText();
      int[] shape = new int[fx.get("shapes").get(k).size()];
      int numel = 1;
      for (int d = 0; d < shape.length; d++) {
        shape[d] = fx.get("shapes").get(k).get(d).asInt();
        numel *= shape[d];
      }
      float[] values = new float[numel];
      for (int i = 0; i < numel; i++) {
        values[i] = k + i * 1e-3f;
      }
      written.put(name, new TorchSaveWriter.Tensor(shape, values, null));
      if (name.endsWith(".running_var")) {
        String tracked = name.substring(0, name.length() - "running_var".length()) + "num_batches_tracked";
        written.put(tracked, new TorchSaveWriter.Tensor(new int[0], null, new long[] {1000L + k}));
      }
    }
    Path file = tmp.resolve(arch + ".pth");
    TorchSaveWriter.write(file, arch, written);

    StateDict sd = PthReader.readStateDict(file);
    long parameters =
        sd.tensors().entrySet().stream()
            .filter(e -> !e.getKey().endsWith("running_mean")
                && !e.getKey().endsWith("running_var")
                && !e.getKey().endsWith("num_batches_tracked"))
            .mapToLong(e -> e.getValue().numel())
            .sum();
    assertThat(parameters).isEqualTo(expectedParameters);
    assertThat(sd.size()).isEqualTo(expectedTensors);
    assertThat(sd.names()).containsExactlyElementsOf(written.keySet());
    assertThat(sd.names())
        .contains("conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked",
            "layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer4.1.bn2.bias",
            "fc.weight", "fc.bias");
    assertThat(sd.get("conv1.weight").shape()).containsExactly(64, 3, 7, 7);
    assertThat(sd.get("fc.weight").shape()).containsExactly(1000, features);
    assertThat(sd.get("layer1.0.bn1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    assertThat(sd.get("layer1.0.bn1.num_batches_tracked").isScalar()).isTrue();
    for (var e : written.entrySet()) {
      StoredTensor t = sd.get(e.getKey());
      assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
      if (e.getValue().floats() != null) {
        assertThat(t.dtype()).as(e.getKey()).isEqualTo(DType.FLOAT32);
        assertThat(Arrays.equals(t.floats(), e.getValue().floats()))
            .as("every value of %s", e.getKey()).isTrue();
      } else {
        assertThat(t.longs()).as(e.getKey()).containsExactly(e.getValue().longs());
      }
    }
  }
}
