package io.ticketlab.train.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.data.Prefetcher;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.data.image.ClassificationTransforms;
import io.ticketlab.data.image.ImageDecoder;
import io.ticketlab.train.BatchSource;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training batches from an {@link ImageFolder}: each epoch visits the images in a fresh permutation
 * (seeded by run seed and epoch), incomplete last batches are dropped, and each image gets
 * RandomResizedCrop + flip from its own random stream (seed, epoch, position). The batch of an
 * iteration therefore never depends on what ran before, which resuming needs. Images are decoded
 * ({@link ImageDecoder}) and augmented ({@link ClassificationTransforms}) on background threads a
 * few batches ahead of the loop ({@link Prefetcher}), with the same batches for any thread count.
 */
public final class ClassificationData implements BatchSource<ClassificationData.Batch> {
  /** Images [N, 3, size, size] (normalised) and labels [N] (int64). */
  public record Batch(NDArray images, NDArray labels) {
    /** The batch as {@code parts} consecutive equal slices (one per device in data parallel). */
    public List<Batch> split(int parts) {
      long n = images.getShape().get(0);
      if (parts == 1) {
        return List.of(this);
      }
      if (parts < 1 || n % parts != 0) {
        throw new IllegalArgumentException("cannot split " + n + " images into " + parts + " equal parts");
      }
      long size = n / parts;
      List<Batch> out = new java.util.ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        String rows = (p * size) + ":" + ((p + 1) * size);
        out.add(new Batch(images.get(rows), labels.get(rows)));
      }
      return out;
    }

    /** This batch on {@code manager}'s device, owned by it. */
    public Batch to(NDManager manager) {
      return new Batch(io.ticketlab.engine.Placement.to(images, manager),
          io.ticketlab.engine.Placement.to(labels, manager));
    }
  }

  /** A batch on the host: normalised CHW pixels of {@code labels.length} images, and labels. */
  public record HostBatch(float[] pixels, long[] labels) {}

  /** Background decode threads of {@link #ClassificationData(ImageFolder, int, int, long)}. */
  public static final int DEFAULT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final ImageFolder folder;
  private final int batchSize;
  private final int size;
  private final long seed;
  private final double cropScale;
  private final Prefetcher<HostBatch> prefetcher;

  /** Training batches decoded on {@link #DEFAULT_THREADS} background threads, 2 batches ahead. */
  public ClassificationData(ImageFolder folder, int batchSize, int size, long seed) {
    this(folder, batchSize, size, seed, DEFAULT_THREADS, 2);
  }

  /**
   * Training batches decoded and augmented on {@code threads} background threads, {@code
   * prefetch} batches ahead of the training loop; the batches do not depend on either.
   */
  public ClassificationData(
      ImageFolder folder, int batchSize, int size, long seed, int threads, int prefetch) {
    this(folder, batchSize, size, ClassificationTransforms.IMAGENET_SCALE, seed, threads, prefetch);
  }

  /**
   * As {@link #ClassificationData(ImageFolder, int, int, long, int, int)}, with {@code cropScale}
   * the lower bound of RandomResizedCrop's area fraction (ImageNet's: 0.08).
   */
  public ClassificationData(
      ImageFolder folder, int batchSize, int size, double cropScale, long seed, int threads, int prefetch) {
    if (!(cropScale > 0 && cropScale <= 1)) {
      throw new IllegalArgumentException("Invalid crop scale: " + cropScale);
    }
    this.cropScale = cropScale;
    if (batchSize < 1 || size < 8) {
      throw new IllegalArgumentException("Invalid batch size / image size: " + batchSize + "/" + size);
    }
    this.folder = folder;
    this.batchSize = batchSize;
    this.size = size;
    this.seed = seed;
    this.prefetcher = new Prefetcher<>(this::hostBatch, threads, prefetch);
  }

  @Override
  public int imagesPerIteration() {
    return batchSize;
  }

  @Override
  public long iterationsPerEpoch() {
    return Math.max(1, folder.size() / batchSize);
  }

  @Override
  public Batch batch(long iteration, NDManager manager) {
    HostBatch b = prefetchedBatch(iteration);
    return new Batch(
        manager.create(b.pixels(), new Shape(batchSize, 3, size, size)),
        manager.create(b.labels(), new Shape(batchSize)).toType(DataType.INT64, false));
  }

  /** {@link #hostBatch} of {@code iteration}, from the background threads' read-ahead. */
  public HostBatch prefetchedBatch(long iteration) {
    return prefetcher.get(iteration);
  }

  /** Nanoseconds the training loop waited for decoded batches since the last call. */
  public long takeDataWaitNanos() {
    return prefetcher.takeWaitNanos();
  }

  /**
   * The images and labels of iteration {@code iteration}: a pure function of seed and iteration
   * (the epoch's permutation, and RandomResizedCrop + flip from each position's own stream).
   */
  public HostBatch hostBatch(long iteration) {
    long epoch = iteration / iterationsPerEpoch();
    long offset = (iteration % iterationsPerEpoch()) * batchSize;
    int[] order = permutation(epoch);
    List<ImageFolder.Sample> samples = folder.samples();
    int plane = 3 * size * size;
    float[] pixels = new float[batchSize * plane];
    long[] labels = new long[batchSize];
    for (int i = 0; i < batchSize; i++) {
      int position = (int) ((offset + i) % order.length);
      ImageFolder.Sample s = samples.get(order[position]);
      SplittableRandom rng = new SplittableRandom(mix(seed, epoch, position));
      ClassificationTransforms.trainTensor(
          ImageDecoder.decode(s.path()), size, cropScale, rng, pixels, i * plane);
      labels[i] = s.label();
    }
    return new HostBatch(pixels, labels);
  }

  private int[] permutation(long epoch) {
    int n = folder.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(mix(seed, epoch, -1));
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  static long mix(long seed, long epoch, long position) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 31)) * 0xD6E8FEB86659FD93L;
    return z ^ (z >>> 32);
  }
}
