package io.ticketlab.data.detection;

import io.ticketlab.common.BadInputException;
import java.util.SplittableRandom;

/**
 * Which samples make up each training batch, as a pure function of the iteration: the batch of
 * iteration {@code k} depends only on (dataset size, batch size, seed, drop-last, k), never on the
 * batches asked for before, which is what bit-identical resume needs (the training loop's
 * {@code BatchSource} contract).
 *
 * <ul>
 *   <li>Epoch {@code e = k / iterationsPerEpoch()} visits the samples in a fresh permutation drawn
 *       from (seed, e) only (Fisher–Yates on a {@link SplittableRandom}).
 *   <li>Iteration {@code k} takes positions {@code [b·B, (b+1)·B)} of that permutation, {@code b = k
 *       mod iterationsPerEpoch()}.
 *   <li>Drop-last (the reference's {@code BatchSampler(..., drop_last=True)}, the default for
 *       training): the {@code N mod B} samples left at the end of an epoch's permutation are not
 *       used in that epoch, every batch has exactly B samples, and there are {@code floor(N / B)}
 *       iterations an epoch. Without drop-last there are {@code ceil(N / B)} and the last batch of
 *       an epoch is smaller.
 *   <li>The horizontal-flip decision of each batch position (the reference's {@code
 *       RandomHorizontalFlip(0.5)}) is a hash of (seed, iteration, position) only.
 * </ul>
 *
 * Instances are immutable in behaviour and thread-safe (the last permutation is cached).
 */
public final class DetectionBatches {
  private static final long FLIP_STREAM = 0x5DEECE66DL;

  private final int datasetSize;
  private final int batchSize;
  private final long seed;
  private final boolean dropLast;
  private final long iterationsPerEpoch;
  private volatile EpochPermutation cached;

  private record EpochPermutation(long epoch, int[] order) {}

  /**
   * @param datasetSize number of samples N (e.g. {@link DetectionDataset#size()})
   * @param batchSize images per batch B
   * @param seed the data-order seed
   * @param dropLast whether to leave out the incomplete last batch of each epoch
   */
  public DetectionBatches(int datasetSize, int batchSize, long seed, boolean dropLast) {
    if (batchSize < 1) {
      throw BadInputException.of(null, null, "batch size", batchSize, "must be at least 1");
    }
    if (datasetSize < 1) {
      throw BadInputException.of(null, null, "dataset size", datasetSize,
          "no images to make batches of");
    }
    if (dropLast && datasetSize < batchSize) {
      throw BadInputException.of(null, null, "batch size", batchSize,
          "larger than the " + datasetSize + " training images (with drop-last no batch is left)");
    }
    this.datasetSize = datasetSize;
    this.batchSize = batchSize;
    this.seed = seed;
    this.dropLast = dropLast;
    this.iterationsPerEpoch = dropLast
        ? datasetSize / batchSize
        : (datasetSize + (long) batchSize - 1) / batchSize;
  }

  /** Drop-last batches, as the detection reference trains. */
  public static DetectionBatches training(int datasetSize, int batchSize, long seed) {
    return new DetectionBatches(datasetSize, batchSize, seed, true);
  }

  public int datasetSize() {
    return datasetSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  public boolean dropLast() {
    return dropLast;
  }

  /** Iterations in one epoch: {@code floor(N / B)} with drop-last, else {@code ceil(N / B)}. */
  public long iterationsPerEpoch() {
    return iterationsPerEpoch;
  }

  /** The epoch that iteration {@code iteration} belongs to (0-based). */
  public long epochOf(long iteration) {
    checkIteration(iteration);
    return iteration / iterationsPerEpoch;
  }

  /** The order of epoch {@code epoch}: a permutation of 0..N−1 drawn from (seed, epoch) only. */
  public int[] permutationOfEpoch(long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch " + epoch);
    }
    return permutation(epoch).clone();
  }

  /** The sample indices (into the dataset) of the batch of {@code iteration}, 0-based. */
  public int[] indicesOfIteration(long iteration) {
    checkIteration(iteration);
    long epoch = iteration / iterationsPerEpoch;
    int start = (int) ((iteration % iterationsPerEpoch) * batchSize);
    int end = Math.min(start + batchSize, datasetSize);
    int[] order = permutation(epoch);
    int[] batch = new int[end - start];
    System.arraycopy(order, start, batch, 0, batch.length);
    return batch;
  }

  /** Whether the sample at {@code position} of the batch of {@code iteration} is flipped (p = ½). */
  public boolean flip(long iteration, int position) {
    checkIteration(iteration);
    if (position < 0 || position >= batchSize) {
      throw new IllegalArgumentException("position " + position + " of a batch of " + batchSize);
    }
    long h = mix(mix(mix(seed ^ FLIP_STREAM) + iteration) + position);
    return (h >>> 11) * 0x1.0p-53 < 0.5;
  }

  /** {@link #flip(long, int)} for every position of the batch of {@code iteration}. */
  public boolean[] flipsOfIteration(long iteration) {
    int n = indicesOfIteration(iteration).length;
    boolean[] flips = new boolean[n];
    for (int i = 0; i < n; i++) {
      flips[i] = flip(iteration, i);
    }
    return flips;
  }

  private int[] permutation(long epoch) {
    EpochPermutation c = cached;
    if (c != null && c.epoch() == epoch) {
      return c.order();
    }
    SplittableRandom random = new SplittableRandom(mix(mix(seed) + epoch));
    int[] order = new int[datasetSize];
    for (int i = 0; i < datasetSize; i++) {
      order[i] = i;
    }
    for (int i = datasetSize - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    cached = new EpochPermutation(epoch, order);
    return order;
  }

  private static void checkIteration(long iteration) {
    if (iteration < 0) {
      throw new IllegalArgumentException("negative iteration " + iteration);
    }
  }

  /** splitmix64's finaliser: a bijective 64-bit mix. */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
