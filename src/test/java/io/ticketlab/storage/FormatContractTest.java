package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one contract every {@link SparseFormat} honours: bit-exact float32 round trips (lossless
 * formats), a versioned header with names, shapes and dtypes, and corrupt or truncated files
 * refused with a message naming the tensor.
 */
class FormatContractTest {
  @TempDir Path dir;

  static Stream<SparseFormat> formats() {
    return SparseFormats.all().stream();
  }

  static Stream<SparseFormat> losslessFormats() {
    return SparseFormats.lossless().stream();
  }

  /** Tensors covering the edge cases: empty, scalar, all zero, all non-zero, odd lengths, NaNs. */
  static LinkedHashMap<String, FloatTensor> edgeCases() {
    Random random = new Random(7);
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    m.put("empty", FloatTensor.zeros(0, 3));
    m.put("scalar", new FloatTensor(new int[0], new float[] {1.5f}));
    m.put("zeros", FloatTensor.zeros(5, 3));
    m.put("negative.zero", new FloatTensor(new int[] {3}, new float[] {-0.0f, 0f, -0.0f}));
    float[] special = {Float.NaN, Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC00123),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE, 0f, 1e-45f};
    m.put("special", new FloatTensor(new int[] {special.length}, special));
    float[] full = new float[13];
    for (int i = 0; i < full.length; i++) {
      full[i] = (float) random.nextGaussian();
    }
    m.put("dense.odd", new FloatTensor(new int[] {13}, full));
    float[] conv = new float[8 * 3 * 3 * 3];
    for (int i = 0; i < conv.length; i++) {
      conv[i] = random.nextDouble() < 0.2 ? Float.intBitsToFloat(random.nextInt()) : 0f;
    }
    m.put("layer1.0.conv1.weight", new FloatTensor(new int[] {8, 3, 3, 3}, conv));
    float[] big = new float[EntropyFormat.CHUNK * 2 + 77];
    for (int i = 0; i < big.length; i++) {
      big[i] = random.nextDouble() < 0.1 ? (float) random.nextGaussian() : 0f;
    }
    m.put("big.spanning.chunks", new FloatTensor(new int[] {big.length}, big));
    return m;
  }

  static void assertBitExact(LinkedHashMap<String, FloatTensor> expected, LinkedHashMap<String, FloatTensor> actual) {
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    for (String name : expected.keySet()) {
      FloatTensor e = expected.get(name);
      FloatTensor a = actual.get(name);
      assertThat(a.shape()).as(name).containsExactly(e.shape());
      for (int i = 0; i < e.size(); i++) {
        if (Float.floatToRawIntBits(a.data()[i]) != Float.floatToRawIntBits(e.data()[i])) {
          throw new AssertionError(name + "[" + i + "]: " + Integer.toHexString(Float.floatToRawIntBits(a.data()[i]))
              + " != " + Integer.toHexString(Float.floatToRawIntBits(e.data()[i])));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("losslessFormats")
  void losslessFormat_roundTripsEdgeCasesBitForBit(SparseFormat format) {
    LinkedHashMap<String, FloatTensor> tensors = edgeCases();
    byte[] file = SparseCheckpoint.encode(tensors, format).toByteArray();
    SparseCheckpoint.Contents back = SparseCheckpoint.decode(file, Path.of("x.tlsc"));
    assertThat(back.format()).isSameAs(format);
    assertBitExact(tensors, back.tensors());
  }

  @ParameterizedTest
  @MethodSource("formats")
  void everyFormat_keepsNamesShapesOrderAndZeroPattern(SparseFormat format) {
    LinkedHashMap<String, FloatTensor> tensors = edgeCases();
    SparseCheckpoint.Encoded encoded = SparseCheckpoint.encode(tensors, format);
    SparseCheckpoint.Contents back = SparseCheckpoint.decode(encoded.toByteArray(), null);
    assertThat(back.entries()).isEqualTo(encoded.entries());
    assertThat(back.entries()).extracting(SparseCheckpoint.Entry::dtype).containsOnly(format.storedDtype());
    assertThat(back.tensors().keySet()).containsExactlyElementsOf(tensors.keySet());
    assertThat(back.fileBytes()).isEqualTo(encoded.fileBytes());
    for (String name : tensors.keySet()) {
      float[] e = tensors.get(name).data();
      float[] a = back.tensors().get(name).data();
      for (int i = 0; i < e.length; i++) {
        if (!Masks.isNonZero(e[i])) {
          assertThat(Float.floatToRawIntBits(a[i])).as(name + "[" + i + "]").isZero();
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void writeAndRead_goThroughTheFile(SparseFormat format) throws IOException {
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("fc.weight", new FloatTensor(new int[] {2, 3}, new float[] {0, 1, 0, 0, -2, 0}));
    tensors.put("fc.bias", new FloatTensor(new int[] {2}, new float[] {0.5f, 0}));
    Path file = dir.resolve("sub/model." + format.name());
    SparseCheckpoint.Encoded written = SparseCheckpoint.write(file, tensors, format);
    assertThat(Files.size(file)).isEqualTo(written.fileBytes());
    SparseCheckpoint.Contents back = SparseCheckpoint.read(file);
    assertBitExact(tensors, back.tensors());
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model." + format.name());
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void flippedByteAnywhere_isRefusedAndPayloadFlipsNameTheTensor(SparseFormat format) {
    LinkedHashMap<String, FloatTensor> tensors = small();
    SparseCheckpoint.Encoded encoded = SparseCheckpoint.encode(tensors, format);
    byte[] good = encoded.toByteArray();
    long payloadStart = encoded.headerBytes();
    List<SparseCheckpoint.Entry> entries = encoded.entries();
    long firstEnd = payloadStart + entries.get(0).payloadBytes();
    for (int i = 0; i < good.length; i++) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        var thrown = assertThatThrownBy(() -> SparseCheckpoint.decode(bad, Path.of("m.tlsc")))
            .as("flip at byte %d", at)
            .isInstanceOf(BadInputException.class)
            .hasMessageStartingWith("m.tlsc: ");
        if (i >= payloadStart) {
          String name = i < firstEnd ? entries.get(0).name() : entries.get(1).name();
          thrown.hasMessageContaining("'" + name + "'").hasMessageContaining("CRC mismatch");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void truncatedFile_isRefusedAtEveryLength(SparseFormat format) {
    LinkedHashMap<String, FloatTensor> tensors = small();
    SparseCheckpoint.Encoded encoded = SparseCheckpoint.encode(tensors, format);
    byte[] good = encoded.toByteArray();
    long payloadStart = encoded.headerBytes();
    for (int length = 0; length < good.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(good, length);
      var thrown = assertThatThrownBy(() -> SparseCheckpoint.decode(cut, Path.of("m.tlsc")))
          .as("truncated to %d bytes", length)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("truncated");
      if (length >= FIXED_HEADER + MIN_ENTRY * tensors.size() && length < payloadStart) {
        thrown.hasMessageContaining("tensor #");
      }
      if (length >= payloadStart) {
        thrown.hasMessageContaining("tensor #").hasMessageContaining("'");
      }
    }
  }

  private static final int FIXED_HEADER = 20;
  /** Below this many bytes per tensor the count alone shows that the file is cut. */
  private static final int MIN_ENTRY = 17;

  @ParameterizedTest
  @MethodSource("formats")
  void trailingBytes_areRefused(SparseFormat format) {
    byte[] good = SparseCheckpoint.encode(small(), format).toByteArray();
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> SparseCheckpoint.decode(longer, Path.of("m.tlsc")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unexpected bytes after the last tensor");
  }

  static LinkedHashMap<String, FloatTensor> small() {
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    m.put("conv1.weight", new FloatTensor(new int[] {2, 1, 2, 2}, new float[] {0, 0.5f, 0, 0, 0, 0, -1.25f, 0}));
    m.put("fc.bias", new FloatTensor(new int[] {3}, new float[] {1, 0, 2}));
    return m;
  }
}
