package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Random state dicts of every dtype survive the formats TicketLab writes. */
class RoundTripPropertiesTest {

  static StateDict randomStateDict(long seed) {
    Random r = new Random(seed);
    LinkedHashMap<String, StoredTensor> m = new LinkedHashMap<>();
    int count = r.nextInt(6);
    for (int k = 0; k < count; k++) {
      int rank = r.nextInt(4);
      int[] shape = new int[rank];
      int n = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = r.nextInt(5);
        n *= shape[d];
      }
      DType dtype = DType.values()[r.nextInt(DType.values().length)];
      m.put("layer" + k + ".t" + r.nextInt(1000), random(dtype, shape, n, r));
    }
    return StateDict.of(m);
  }

  private static StoredTensor random(DType dtype, int[] shape, int n, Random r) {
    Object data = switch (dtype) {
      case FLOAT32 -> floats(n, r, v -> v);
      case FLOAT16 -> floats(n, r, v -> RawTensors.halfToFloat(RawTensors.floatToHalf((float) v)));
      case BFLOAT16 -> floats(n, r, v -> RawTensors.bfloat16ToFloat(RawTensors.floatToBfloat16((float) v)));
      case FLOAT64 -> r.doubles(n).toArray();
      case INT64 -> r.longs(n).toArray();
      case INT32 -> r.ints(n).toArray();
      case INT16 -> {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
          s[i] = (short) r.nextInt();
        }
        yield s;
      }
      case INT8, UINT8 -> {
        byte[] b = new byte[n];
        r.nextBytes(b);
        yield b;
      }
      case BOOL -> {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
          b[i] = r.nextBoolean();
        }
        yield b;
      }
    };
    return new StoredTensor(dtype, shape, data);
  }

  private static float[] floats(int n, Random r, java.util.function.DoubleUnaryOperator exact) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) exact.applyAsDouble((float) (r.nextGaussian() * 100));
    }
    return f;
  }

  @Property(tries = 40)
  void safetensors_writeThenRead_isIdentity(@ForAll long seed) throws IOException {
    StateDict sd = randomStateDict(seed);
    Path file = Files.createTempFile("roundtrip", ".safetensors");
    try {
      Safetensors.write(file, sd, Map.of("seed", Long.toString(seed)));
      Safetensors.Contents back = Safetensors.read(file);
      assertThat(back.tensors()).isEqualTo(sd);
      assertThat(back.metadata()).containsEntry("seed", Long.toString(seed));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Property(tries = 40)
  void ticketCheckpoint_writeThenRead_isIdentity(@ForAll long seed) throws IOException {
    StateDict weights = randomStateDict(seed);
    Random r = new Random(~seed);
    LinkedHashMap<String, BitMask> masks = new LinkedHashMap<>();
    for (Map.Entry<String, StoredTensor> e : weights.tensors().entrySet()) {
      if (r.nextBoolean()) {
        boolean[] keep = new boolean[e.getValue().numel()];
        for (int i = 0; i < keep.length; i++) {
          keep[i] = r.nextBoolean();
        }
        masks.put(e.getKey(), BitMask.ofBooleans(e.getValue().shape(), keep));
      }
    }
    TicketCheckpoint c = new TicketCheckpoint(weights, masks, randomStateDict(seed + 1),
        Math.abs(seed % 100_000), Long.toHexString(seed), Map.of("seed", Long.toString(seed)));
    Path file = Files.createTempFile("roundtrip", ".tlckpt");
    try {
      c.write(file);
      assertThat(TicketCheckpoint.read(file)).isEqualTo(c);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
