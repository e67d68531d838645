package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.Layer;
import io.ticketlab.storage.SparseCheckpoint;
import io.ticketlab.storage.SparseFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageCommandsTest {
  @TempDir Path dir;

  private Path denseCheckpoint() throws Exception {
    Random random = new Random(5);
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    FloatTensor w = FloatTensor.zeros(64, 32, 3, 3);
    for (int i = 0; i < w.size(); i++) {
      w.data()[i] = random.nextDouble() < 0.1 ? (float) random.nextGaussian() : 0f;
    }
    m.put("layer.weight", w);
    m.put("layer.bias", new FloatTensor(new int[] {2}, new float[] {1, -1}));
    Path file = dir.resolve("model.tlsc");
    SparseCheckpoint.write(file, m, SparseFormats.DENSE);
    return file;
  }

  @Test
  void help_listsTheStorageCommands() {
    MainTest.Outcome o = MainTest.run("--help");
    assertThat(o.out()).contains("size").contains("macs").contains("export").contains("import");
  }

  @Test
  void exportThenImport_restoresTheDenseFileBitForBit() throws Exception {
    Path dense = denseCheckpoint();
    Path entropy = dir.resolve("model.entropy");
    MainTest.Outcome e = MainTest.run("export", dense.toString(), "--format", "entropy", "--out", entropy.toString());
    assertThat(e.exitCode()).as(e.err()).isZero();
    assertThat(e.out()).contains("dense").contains("entropy").contains("smaller");
    Path back = dir.resolve("back.tlsc");
    MainTest.Outcome i = MainTest.run("import", entropy.toString(), "--out", back.toString());
    assertThat(i.exitCode()).as(i.err()).isZero();
    assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(dense));
  }

  @Test
  void exportFp16_reportsTheError() throws Exception {
    Path dense = denseCheckpoint();
    MainTest.Outcome o = MainTest.run("export", dense.toString(), "--format", "entropy-fp16", "--out",
        dir.resolve("m.fp16").toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("max relative error");
  }

  @Test
  void size_printsEveryFormatAgainstTheBound() throws Exception {
    MainTest.Outcome o = MainTest.run("size", denseCheckpoint().toString(), "--per-tensor");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("entropy bound").contains("paper").contains("bitmap").contains("delta")
        .contains("entropy-fp16").contains("layer.weight");
  }

  @Test
  void size_pointsOutNegativeZeros() throws Exception {
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    m.put("w", new FloatTensor(new int[] {4}, new float[] {-0.0f, 0f, 1.5f, -0.0f}));
    Path file = dir.resolve("negzero.tlsc");
    SparseCheckpoint.write(file, m, SparseFormats.DENSE);
    MainTest.Outcome o = MainTest.run("size", file.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("note: 2 values are -0.0");
    assertThat(MainTest.run("size", denseCheckpoint().toString()).out()).doesNotContain("-0.0");
  }

  @Test
  void sizeJson_holdsTotalsAndTensors() throws Exception {
    MainTest.Outcome o = MainTest.run("size", denseCheckpoint().toString(), "--format", "paper,entropy", "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(o.out());
    assertThat(json.get("formats")).hasSize(2);
    assertThat(json.get("fileBytes").get("entropy").asLong()).isLessThan(json.get("fileBytes").get("paper").asLong());
    assertThat(json.get("tensors").get(0).get("name").asText()).isEqualTo("layer.weight");
  }

  @Test
  void unknownFormat_exits2NamingTheChoices() throws Exception {
    MainTest.Outcome o = MainTest.run("size", denseCheckpoint().toString(), "--format", "zip");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("zip").contains("entropy");
  }

  @Test
  void corruptCheckpoint_exits2NamingTheTensor() throws Exception {
    Path file = denseCheckpoint();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 1;
    Files.write(file, bytes);
    MainTest.Outcome o = MainTest.run("import", file.toString(), "--out", dir.resolve("x").toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("'layer.bias'").contains("CRC mismatch");
  }

  @Test
  void missingCheckpoint_exits2() {
    MainTest.Outcome o = MainTest.run("size", dir.resolve("nope").toString());
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("no such file");
  }

  @Test
  void macs_resnet50At224() {
    MainTest.Outcome o = MainTest.run("macs", "--arch", "resnet50", "--input", "224x224");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("dense 4.0892 GMACs").contains("layer3").contains("total");
  }

  @Test
  void macsWithCheckpoint_countsSparseMacs() throws Exception {
    Architecture arch = Architectures.resnet(18, 64, 64);
    LinkedHashMap<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Layer l : arch.layers()) {
      weights.put(l.weightName(), FloatTensor.zeros(l.weightShape())); // all pruned
    }
    Layer fc = arch.layers().get(arch.layers().size() - 1);
    weights.get(fc.weightName()).data()[0] = 1f;
    Path file = dir.resolve("r18.tlsc");
    SparseCheckpoint.write(file, weights, SparseFormats.ENTROPY);
    MainTest.Outcome o = MainTest.run("macs", "--arch", "resnet18", "--input", "64", "--checkpoint", file.toString(), "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(o.out());
    assertThat(json.get("sparseMacs").asLong()).isEqualTo(1);
    assertThat(json.get("denseMacs").asLong()).isEqualTo(arch.denseMacs());
  }

  @Test
  void macs_c4DetectorAtVocSize() {
    MainTest.Outcome o = MainTest.run("macs", "--arch", "fasterrcnn_resnet18_c4", "--proposals", "300");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("fasterrcnn_resnet18_c4").contains("3x600x1000").contains("300 proposals");
  }

  @Test
  void macsBadInput_exits2() {
    assertThat(MainTest.run("macs", "--arch", "vgg16").exitCode()).isEqualTo(2);
    MainTest.Outcome o = MainTest.run("macs", "--arch", "resnet50", "--input", "224by224");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("--input").contains("224by224");
  }
}
