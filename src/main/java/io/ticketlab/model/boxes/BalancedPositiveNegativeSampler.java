package io.ticketlab.model.boxes;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * torchvision's {@code BalancedPositiveNegativeSampler}: per image, at most {@code batchSizePerImage
 * * positiveFraction} positives (label ≥ 1) and the rest of the batch as negatives (label 0), each a
 * uniformly random subset; labels −1 are ignored. Deterministic for a seeded {@link Random} (not
 * torch's generator, so the subsets differ from torchvision's; the counts are equal).
 *
 * @param batchSizePerImage samples per image (RPN 256, RoI heads 512)
 * @param positiveFraction largest fraction of positives (RPN 0.5, RoI heads 0.25)
 */
public record BalancedPositiveNegativeSampler(int batchSizePerImage, double positiveFraction) {
  public BalancedPositiveNegativeSampler {
    if (batchSizePerImage < 1 || !(positiveFraction >= 0 && positiveFraction <= 1)) {
      throw new IllegalArgumentException(
          "Invalid sampler: batchSizePerImage=" + batchSizePerImage + ", positiveFraction=" + positiveFraction);
    }
  }

  /** Sampled positive and negative indices of one image, each ascending. */
  public record Sample(int[] positive, int[] negative) {}

  /** Samples one image's {@code labels} (1.. positive, 0 negative, −1 ignored). */
  public Sample sample(int[] labels, Random random) {
    int[] pos = indicesWhere(labels, true);
    int[] neg = indicesWhere(labels, false);
    int numPos = Math.min(pos.length, (int) (batchSizePerImage * positiveFraction));
    int numNeg = Math.min(neg.length, batchSizePerImage - numPos);
    return new Sample(randomSubset(pos, numPos, random), randomSubset(neg, numNeg, random));
  }

  private static int[] indicesWhere(int[] labels, boolean positive) {
    return IntStream.range(0, labels.length)
        .filter(i -> positive ? labels[i] >= 1 : labels[i] == 0)
        .toArray();
  }

  private static int[] randomSubset(int[] candidates, int k, Random random) {
    int[] c = candidates.clone();
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(c.length - i);
      int t = c[i];
      c[i] = c[j];
      c[j] = t;
    }
    int[] out = Arrays.copyOf(c, k);
    Arrays.sort(out);
    return out;
  }
}
