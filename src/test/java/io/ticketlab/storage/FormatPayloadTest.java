package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each format's payload on its own, below the file's CRC: a payload that decodes is read from any
 * offset of a larger buffer, and one cut short at any length or followed by a stray byte is refused
 * with a {@link PayloadException} (which the file reader reports naming the tensor), never read as
 * other values or failing with an index error. The CRC of {@link SparseCheckpoint} catches damage
 * on disk; these checks are what stands between a payload written wrongly (with a valid CRC) and
 * silently wrong weights.
 */
class FormatPayloadTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (SparseFormat f : SparseFormats.all()) {
      for (FloatTensor t : tensors()) {
        out.add(Arguments.of(f, t));
      }
    }
    return out.stream();
  }

  private static List<FloatTensor> tensors() {
    Random r = new Random(23);
    float[] sparse = new float[40 * 30];
    for (int i = 0; i < sparse.length; i++) {
      sparse[i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextGaussian();
    }
    float[] dense = new float[257];
    for (int i = 0; i < dense.length; i++) {
      dense[i] = (float) r.nextGaussian() + 1e-3f;
    }
    return List.of(
        new FloatTensor(new int[] {40, 30}, sparse),
        new FloatTensor(new int[] {257}, dense),
        new FloatTensor(new int[] {3, 5}, new float[15]),
        new FloatTensor(new int[] {2, 1, 2, 2}, new float[] {0, 0.5f, 0, 0, 0, 0, -1.25f, 0}));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void aPayload_decodesFromAnyOffset_andIsRefusedCutOrWithAStrayByte(SparseFormat format, FloatTensor t) {
    byte[] payload = format.encode(t);
    float[] expected = format.decode(payload, 0, payload.length, t.shape());
    if (format.lossless()) {
      assertThat(bits(expected)).as("round trip").containsExactly(bits(t.data()));
    } else {
      assertThat(expected).hasSize(t.data().length);
    }
    // the same payload inside a larger buffer, among bytes that are not its own
    byte[] framed = new byte[payload.length + 7];
    Arrays.fill(framed, (byte) 0x5A);
    System.arraycopy(payload, 0, framed, 3, payload.length);
    assertThat(bits(format.decode(framed, 3, payload.length, t.shape()))).as("at offset 3")
        .containsExactly(bits(expected));

    byte[] longer = Arrays.copyOf(payload, payload.length + 1);
    assertThatThrownBy(() -> format.decode(longer, 0, longer.length, t.shape())).as("one stray byte")
        .isInstanceOf(PayloadException.class);
    for (int len = 0; len < payload.length; len++) {
      int cut = len;
      // cut short inside a buffer that goes on: the format must stop at len, not read past it
      assertThatThrownBy(() -> format.decode(padded(payload), 0, cut, t.shape()))
          .as("cut to %d of %d bytes", cut, payload.length)
          .isInstanceOf(PayloadException.class);
    }
  }

  /** The payload followed by zero bytes: what a reader that ignores its length would go on reading. */
  private static byte[] padded(byte[] payload) {
    return Arrays.copyOf(payload, payload.length + 8);
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
