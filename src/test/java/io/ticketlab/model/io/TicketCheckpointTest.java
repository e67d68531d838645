package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TicketCheckpointTest {
  @TempDir Path dir;

  static TicketCheckpoint sample() {
    LinkedHashMap<String, StoredTensor> w = new LinkedHashMap<>();
    float[] conv = new float[2 * 3 * 3 * 3];
    for (int i = 0; i < conv.length; i++) {
      conv[i] = (i % 7 == 0) ? 0f : i * 0.25f - 3f;
    }
    w.put("conv1.weight", StoredTensor.of(new FloatTensor(new int[] {2, 3, 3, 3}, conv)));
    w.put("bn1.running_mean", StoredTensor.ofFloats(DType.FLOAT16, new int[] {2}, new float[] {0.5f, -1}));
    w.put("bn1.num_batches_tracked", StoredTensor.scalarLong(12345678901L));
    w.put("fc.weight", StoredTensor.ofFloats(DType.BFLOAT16, new int[] {1, 2}, new float[] {2, -0.75f}));
    LinkedHashMap<String, BitMask> masks = new LinkedHashMap<>();
    masks.put("conv1.weight", BitMask.ofNonZero(new FloatTensor(new int[] {2, 3, 3, 3}, conv)));
    masks.put("fc.weight", BitMask.ofBooleans(new int[] {1, 2}, new boolean[] {true, false}));
    LinkedHashMap<String, StoredTensor> opt = new LinkedHashMap<>();
    opt.put("momentum_buffer/conv1.weight", StoredTensor.of(FloatTensor.zeros(2, 3, 3, 3)));
    opt.put("flags", StoredTensor.ofBooleans(new int[] {3}, true, false, true));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("level", 3);
    meta.put("note", "rewind point");
    meta.put("sparsity", List.of(0.2, 0.36));
    return new TicketCheckpoint(StateDict.of(w), masks, StateDict.of(opt), 1500, "a1b2c3d4", meta);
  }

  @Test
  void writeThenRead_givesBackEverything() throws IOException {
    TicketCheckpoint c = sample();
    Path file = dir.resolve("ckpt/level_3/rewind.tlckpt");
    c.write(file);
    TicketCheckpoint back = TicketCheckpoint.read(file);
    assertThat(back).isEqualTo(c);
    assertThat(back.weights().names()).containsExactlyElementsOf(c.weights().names());
    assertThat(back.masks().get("conv1.weight").countOnes()).isEqualTo(54 - 9); // zeros at i % 7 == 0 and at i = 12
    assertThat(back.weights().get("bn1.num_batches_tracked").longs()).containsExactly(12345678901L);
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("rewind.tlckpt");
    }
  }

  @Test
  void readWithoutOptimizer_givesTheWeightsAndMasks_leavesTheOptimizerUnread() throws IOException {
    TicketCheckpoint c = sample();
    Path file = dir.resolve("ckpt.tlckpt");
    c.write(file);
    TicketCheckpoint back = TicketCheckpoint.readWithoutOptimizer(file);
    assertThat(back.weights()).isEqualTo(c.weights());
    assertThat(back.masks()).isEqualTo(c.masks());
    assertThat(back.step()).isEqualTo(c.step());
    assertThat(back.optimizerState().size()).isZero();
    // a damaged optimizer tensor is not seen; a damaged weight still is
    byte[] b = Files.readAllBytes(file);
    b[b.length - 2] ^= 0x10; // inside the last optimizer tensor
    Files.write(file, b);
    assertThat(TicketCheckpoint.readWithoutOptimizer(file).weights()).isEqualTo(c.weights());
    assertThatThrownBy(() -> TicketCheckpoint.read(file)).hasMessageContaining("optimizer/flags");
    int dataStart = 20 + ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    b[dataStart + 9] ^= 0x10;
    Files.write(file, b);
    assertThatThrownBy(() -> TicketCheckpoint.readWithoutOptimizer(file)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("weights/conv1.weight");
  }

  @Test
  void weightsOnly_roundTrip() throws IOException {
    TicketCheckpoint c = TicketCheckpoint.of(
        StateDict.ofFloats(Map.of("w", new FloatTensor(new int[] {3}, new float[] {1, 2, 3}))), 0, "");
    Path file = dir.resolve("w.tlckpt");
    c.write(file);
    assertThat(TicketCheckpoint.read(file)).isEqualTo(c);
  }

  @Test
  void unknownVersion_isRefusedCleanly() throws IOException {
    Path file = written();
    byte[] b = Files.readAllBytes(file);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
    Files.write(file, b);
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("version: bad value 2")
        .hasMessageContaining("reads version 1");
  }

  @Test
  void flippedByteInATensor_isRefusedNamingTheTensor() throws IOException {
    Path file = written();
    byte[] b = Files.readAllBytes(file);
    int dataStart = 20 + ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    b[dataStart + 9] ^= 0x10; // inside conv1.weight, the first tensor
    Files.write(file, b);
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("weights/conv1.weight")
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void flippedByteInTheHeader_isRefused() throws IOException {
    Path file = written();
    byte[] b = Files.readAllBytes(file);
    b[30] ^= 0x01;
    Files.write(file, b);
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("header checksum mismatch");
  }

  @Test
  void truncatedFile_isRefusedNamingTheFirstMissingTensor() throws IOException {
    Path file = written();
    byte[] b = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(b, b.length - 2)); // cuts into the last tensor (3 bytes)
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("optimizer/flags")
        .hasMessageContaining("truncated");
  }

  @Test
  void trailingBytes_areRefused() throws IOException {
    Path file = written();
    Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("padded");
  }

  @Test
  void otherFile_isNotACheckpoint() {
    Path file = Fixtures.path("tiny_zip.pth");
    assertThatThrownBy(() -> TicketCheckpoint.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("not a TicketLab checkpoint");
  }

  @Test
  void maskForUnknownWeightOrWrongShape_isRejected() {
    TicketCheckpoint c = sample();
    assertThatThrownBy(() -> c.withMasks(Map.of("nope", BitMask.ones(2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> c.withMasks(Map.of("fc.weight", BitMask.ones(2, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 1]");
  }

  @Test
  void bitMask_packsAndCounts() {
    boolean[] keep = new boolean[130];
    for (int i = 0; i < keep.length; i += 3) {
      keep[i] = true;
    }
    BitMask m = BitMask.ofBooleans(new int[] {10, 13}, keep);
    assertThat(m.toBooleans()).containsExactly(keep);
    assertThat(m.countOnes()).isEqualTo(44);
    assertThat(BitMask.ones(130).countOnes()).isEqualTo(130);
    assertThat(m.toFloat().data()[3]).isEqualTo(1f);
  }

  private Path written() throws IOException {
    Path file = dir.resolve("c.tlckpt");
    sample().write(file);
    return file;
  }
}
