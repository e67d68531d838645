package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SizeReportTest {

  static LinkedHashMap<String, FloatTensor> sparseSet(double density, long seed) {
    Random random = new Random(seed);
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    FloatTensor w = FloatTensor.zeros(256, 128, 3, 3);
    for (int i = 0; i < w.size(); i++) {
      if (random.nextDouble() < density) {
        w.data()[i] = (float) random.nextGaussian();
      }
    }
    m.put("layer.weight", w);
    m.put("layer.bias", new FloatTensor(new int[] {4}, new float[] {1, 2, 3, 4}));
    return m;
  }

  @Test
  void bound_isMaskEntropyPlus32BitsPerValue() {
    assertThat(Masks.entropyBoundBits(8, 4)).isEqualTo(8 * 1.0 + 32 * 4);
    assertThat(Masks.entropyBoundBits(10, 0)).isZero();
    assertThat(Masks.entropyBoundBits(10, 10)).isEqualTo(320);
    assertThat(Masks.binaryEntropy(0.1)).isCloseTo(0.4690, within(1e-4));
  }

  @Test
  void report_measuresEveryFormatPerTensorAndInTotal() {
    LinkedHashMap<String, FloatTensor> set = sparseSet(0.1, 1);
    SizeReport r = SizeReport.of(set, SparseFormats.all());
    assertThat(r.formats()).containsExactly("dense", "paper", "bitmap", "delta", "entropy", "entropy-context", "entropy-fp16");
    SizeReport.TensorSize w = r.tensors().get(0);
    assertThat(w.payloadBytes().get("dense")).isEqualTo(4L * w.numel());
    assertThat(w.payloadBytes().get("paper")).isEqualTo(1 + 4 + 8L * w.nonZero());
    assertThat(w.payloadBytes().get("bitmap")).isEqualTo(w.numel() / 8 + 4L * w.nonZero());
    assertThat(r.tensors().get(1).payloadBytes().get("paper")).as("dense below the break-even").isEqualTo(1 + 16L);
    assertThat(r.numel()).isEqualTo(256 * 128 * 9 + 4);
    assertThat(r.sparsity()).isCloseTo(0.9, within(0.01));
    for (String f : r.formats()) {
      long payloads = r.tensors().stream().mapToLong(t -> t.payloadBytes().get(f)).sum();
      assertThat(r.fileBytes().get(f)).isGreaterThan(payloads);
    }
  }

  @Test
  void entropyFormat_isWithinTwoPercentOfTheBoundOnARandomMask() {
    for (double density : new double[] {0.05, 0.1, 0.2, 0.5}) {
      SizeReport r = SizeReport.of(sparseSet(density, 2),
          java.util.List.of(SparseFormats.ENTROPY, SparseFormats.ENTROPY_CONTEXT, SparseFormats.PAPER));
      assertThat(r.ratioToBound("entropy")).as("density %s", density).isBetween(0.99, 1.02);
      assertThat(r.ratioToBound("entropy-context")).as("density %s", density).isBetween(0.99, 1.02);
    }
  }

  @Test
  void contextCoder_exploitsPrunedInputChannels() {
    // every second input channel pruned entirely, the rest at 90%: the row-above context sees it
    Random random = new Random(4);
    FloatTensor w = FloatTensor.zeros(128, 64, 3, 3);
    for (int i = 0; i < w.size(); i++) {
      int inChannel = (i / 9) % 64;
      if (inChannel % 2 == 0 && random.nextDouble() < 0.9) {
        w.data()[i] = 1f + random.nextFloat();
      }
    }
    LinkedHashMap<String, FloatTensor> set = new LinkedHashMap<>();
    set.put("conv.weight", w);
    SizeReport r = SizeReport.of(set, java.util.List.of(SparseFormats.ENTROPY, SparseFormats.ENTROPY_CONTEXT));
    long values = 4L * r.nonZero();
    long rans = r.tensors().get(0).payloadBytes().get("entropy") - values;
    long context = r.tensors().get(0).payloadBytes().get("entropy-context") - values;
    assertThat((double) context).as("context %d vs rANS %d bytes", context, rans).isLessThan(0.8 * rans);
  }

  @Test
  void paperFormat_switchesToIndexValueAboveTheThreshold() {
    LinkedHashMap<String, FloatTensor> set = sparseSet(0.3, 3);
    SizeReport low = SizeReport.of(set, java.util.List.of(SparseFormats.paper(0.8)));
    SizeReport high = SizeReport.of(set, java.util.List.of(SparseFormats.paper(0.5)));
    long numel = set.get("layer.weight").size();
    assertThat(low.tensors().get(0).payloadBytes().get("paper")).isEqualTo(1 + 4 * numel);
    assertThat(high.tensors().get(0).payloadBytes().get("paper")).isLessThan(4 * numel);
  }
}
