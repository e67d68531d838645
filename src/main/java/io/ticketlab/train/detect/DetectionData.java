package io.ticketlab.train.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.data.Prefetcher;
import io.ticketlab.data.detection.DetectionAugment;
import io.ticketlab.data.detection.DetectionBatches;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.detection.DetectionSample;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.train.BatchSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Detection training data as a {@link BatchSource}: the images of iteration {@code it} chosen by
 * {@link DetectionBatches} (a fresh permutation per epoch from the seed), each flipped
 * horizontally when {@link DetectionBatches#flip} says so (boxes, masks and keypoints with their
 * flip pairs), decoded on background threads a few batches ahead of the loop ({@link Prefetcher}).
 */
public final class DetectionData implements BatchSource<DetectionBatch> {
  private final DetectionDataset dataset;
  private final DetectionBatches batches;
  private final int batchSize;
  private final boolean flip;
  private final long seed;
  private final Prefetcher<DetectionSample[]> prefetcher;

  public DetectionData(DetectionDataset dataset, int batchSize, long seed, boolean flip) {
    if (dataset.size() < batchSize) {
      throw io.ticketlab.common.BadInputException.of(null, null, "--batch", batchSize,
          "larger than the " + dataset.size() + " training images of " + dataset.annotationFile()
              + " (training.batch in a lottery config)");
    }
    this.dataset = dataset;
    this.batches = DetectionBatches.training(dataset.size(), batchSize, seed);
    this.batchSize = batchSize;
    this.flip = flip;
    this.seed = seed;
    this.prefetcher = new Prefetcher<>(this::samples,
        Math.max(1, Runtime.getRuntime().availableProcessors()), 2);
  }

  public DetectionDataset dataset() {
    return dataset;
  }

  @Override
  public int imagesPerIteration() {
    return batchSize;
  }

  @Override
  public long iterationsPerEpoch() {
    return batches.iterationsPerEpoch();
  }

  @Override
  public DetectionBatch batch(long iteration, NDManager manager) {
    DetectionSample[] samples = prefetcher.get(iteration);
    List<NDArray> images = new ArrayList<>();
    List<DetectionTarget> targets = new ArrayList<>();
    for (DetectionSample s : samples) {
      images.add(image(manager, s));
      targets.add(target(s));
    }
    return new DetectionBatch(images, targets, new Random(iterationSeed(seed, iteration)));
  }

  /** The decoded (and, when drawn, flipped) samples of {@code iteration}: a pure function of it. */
  DetectionSample[] samples(long iteration) {
    int[] indices = batches.indicesOfIteration(iteration);
    boolean[] flips = batches.flipsOfIteration(iteration);
    int[] flipIndices = dataset.numKeypoints() > 0 ? dataset.keypointFlipIndices() : new int[0];
    DetectionSample[] samples = new DetectionSample[indices.length];
    for (int i = 0; i < indices.length; i++) {
      DetectionSample s = dataset.sample(indices[i]);
      samples[i] = flip && flips[i] ? DetectionAugment.horizontalFlip(s, flipIndices) : s;
    }
    return samples;
  }

  /** The image of a sample as a float [3, H, W] array. */
  public static NDArray image(NDManager manager, DetectionSample s) {
    return manager.create(s.image(), new Shape(3, s.height(), s.width()));
  }

  /** The targets of a sample in its original pixels. */
  public static DetectionTarget target(DetectionSample s) {
    return new DetectionTarget(
        s.boxes(), s.labels(), s.masks(), s.masks() == null ? 0 : s.height(), s.masks() == null ? 0 : s.width(),
        s.keypoints(), s.keypoints() == null ? 0 : s.numKeypoints());
  }

  /** A seed that depends on the run's seed and the iteration only (splitmix64 of both). */
  static long iterationSeed(long seed, long iteration) {
    long z = seed * 0x9E3779B97F4A7C15L + iteration + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
