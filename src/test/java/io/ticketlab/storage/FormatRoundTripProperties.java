package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.DoubleRange;
import org.assertj.core.api.Assertions;

/** Round trips of every format over random shapes, densities from 0 to 100% and random bits. */
class FormatRoundTripProperties {

  @Provide
  Arbitrary<SparseFormat> lossless() {
    return Arbitraries.of(SparseFormats.lossless());
  }

  @Provide
  Arbitrary<int[]> shapes() {
    Arbitrary<Integer> dim = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(10, 1), net.jqwik.api.Tuple.of(30, 2),
        net.jqwik.api.Tuple.of(59, 3))
        .flatMap(kind -> switch (kind) {
          case 0 -> Arbitraries.just(0);
          case 1 -> Arbitraries.just(1);
          case 2 -> Arbitraries.integers().between(2, 9);
          default -> Arbitraries.integers().between(10, 70);
        });
    return dim.list().ofMinSize(0).ofMaxSize(4)
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
        .filter(s -> FloatTensor.numel(s) <= 200_000);
  }

  static FloatTensor randomTensor(int[] shape, double density, long seed, boolean rawBits) {
    Random random = new Random(seed);
    float[] d = new float[(int) FloatTensor.numel(shape)];
    for (int i = 0; i < d.length; i++) {
      if (random.nextDouble() < density) {
        float v = rawBits ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian();
        d[i] = Float.floatToRawIntBits(v) == 0 ? Float.MIN_VALUE : v;
      }
    }
    return new FloatTensor(shape, d);
  }

  @Property(tries = 300)
  void losslessFormats_roundTripRandomTensorsBitForBit(
      @ForAll("lossless") SparseFormat format,
      @ForAll("shapes") int[] shapeA,
      @ForAll("shapes") int[] shapeB,
      @ForAll @DoubleRange(min = 0, max = 1) double densityA,
      @ForAll("densities") double densityB,
      @ForAll long seed,
      @ForAll boolean rawBits) {
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("a.weight", randomTensor(shapeA, densityA, seed, rawBits));
    tensors.put("b.weight", randomTensor(shapeB, densityB, seed + 1, rawBits));
    byte[] file = SparseCheckpoint.encode(tensors, format).toByteArray();
    FormatContractTest.assertBitExact(tensors, SparseCheckpoint.decode(file, null).tensors());
  }

  /** Densities with the edges (0 and 1) and the very sparse end well represented. */
  @Provide
  Arbitrary<Double> densities() {
    return Arbitraries.oneOf(
        Arbitraries.of(0.0, 1.0, 0.5),
        Arbitraries.doubles().between(0, 1),
        Arbitraries.doubles().between(0, 0.02),
        Arbitraries.doubles().between(0.98, 1));
  }

  @Property(tries = 100)
  void fp16Entropy_keepsTheMaskAndRoundsValuesToHalfPrecision(
      @ForAll("shapes") int[] shape, @ForAll("densities") double density, @ForAll long seed) {
    FloatTensor t = randomTensor(shape, density, seed, false);
    LinkedHashMap<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("w", t);
    byte[] file = SparseCheckpoint.encode(tensors, SparseFormats.ENTROPY_FP16).toByteArray();
    float[] back = SparseCheckpoint.decode(file, null).tensors().get("w").data();
    for (int i = 0; i < back.length; i++) {
      float v = t.data()[i];
      if (!Masks.isNonZero(v)) {
        Assertions.assertThat(Float.floatToRawIntBits(back[i])).isZero();
      } else {
        double tolerance = Math.max(Math.abs(v) * 0x1p-11, 0x1p-25);
        Assertions.assertThat((double) back[i]).isCloseTo(v, Assertions.within(tolerance));
      }
    }
  }

  @Property(tries = 200)
  void nibbleRans_decodesWhatItEncodes(
      @ForAll @IntRange(min = 0, max = 5000) int n, @ForAll("densities") double density, @ForAll long seed) {
    float[] d = randomTensor(new int[] {n}, density, seed, false).data();
    byte[] coded = NibbleRans.encode(d, 0, n);
    byte[] bits = new byte[n];
    int ones = NibbleRans.decode(coded, 0, coded.length, n, bits);
    Assertions.assertThat(ones).isEqualTo(Masks.countNonZero(d, 0, n));
    for (int i = 0; i < n; i++) {
      Assertions.assertThat(bits[i] != 0).isEqualTo(Masks.isNonZero(d[i]));
    }
  }

  @Property(tries = 200)
  void nibbleFrequencies_sumToTheScaleAndKeepEveryOccurringSymbol(
      @ForAll("counts") long[] counts) {
    net.jqwik.api.Assume.that(java.util.Arrays.stream(counts).sum() > 0);
    int[] freq = NibbleRans.normalize(counts);
    Assertions.assertThat(java.util.Arrays.stream(freq).sum()).isEqualTo(1 << 14);
    for (int s = 0; s < 16; s++) {
      Assertions.assertThat(freq[s] > 0).as("symbol %d", s).isEqualTo(counts[s] > 0);
    }
  }

  @Provide
  Arbitrary<long[]> counts() {
    return Arbitraries.oneOf(
            Arbitraries.longs().between(0, 5), Arbitraries.longs().between(0, 1_000_000),
            Arbitraries.of(0L, 1L, 1_000_000_000L))
        .array(long[].class).ofSize(16);
  }

  @Property(tries = 200)
  void maskCoder_decodesWhatItEncodes(
      @ForAll @IntRange(min = 0, max = 5000) int n,
      @ForAll @IntRange(min = 0, max = 100) int rowLength,
      @ForAll("densities") double density,
      @ForAll long seed) {
    float[] d = randomTensor(new int[] {n}, density, seed, false).data();
    byte[] coded = MaskCoder.encode(d, 0, n, rowLength);
    byte[] bits = new byte[n];
    int ones = MaskCoder.decode(coded, 0, coded.length, n, rowLength, bits);
    Assertions.assertThat(ones).isEqualTo(Masks.countNonZero(d, 0, n));
    for (int i = 0; i < n; i++) {
      Assertions.assertThat(bits[i] != 0).isEqualTo(Masks.isNonZero(d[i]));
    }
  }
}
