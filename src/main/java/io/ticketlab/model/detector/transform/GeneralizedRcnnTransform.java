package io.ticketlab.model.detector.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * torchvision 0.14's {@code GeneralizedRCNNTransform}: normalise each image with the channel
 * mean/std, resize it so the short side is {@code minSize} unless the long side would exceed
 * {@code maxSize}, rescale its boxes, and batch with zero padding to a multiple of
 * {@code sizeDivisible}. {@link #postprocess} maps predicted boxes back to the original sizes.
 *
 * <p>Exact torchvision arithmetic: the scale is {@code min(minSize / shortSide, maxSize /
 * longSide)} in float32 (as reciprocal times size), the output size {@code floor(side * scale)} in double (interpolate's
 * {@code recompute_scale_factor=True}), then bilinear interpolation with {@code
 * align_corners=False} by the engine's own kernel; box ratios are float32 {@code new / old}.
 * Images are float [3, H, W] with values in [0, 1]. Immutable.
 */
public final class GeneralizedRcnnTransform {
  /** ImageNet channel means and standard deviations (torchvision's detection defaults). */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final List<Integer> minSizes;
  private final int maxSize;
  private final float[] mean;
  private final float[] std;
  private final int sizeDivisible;

  /**
   * @param minSizes short-side targets; training picks one per image at random, evaluation uses
   *     the last (torchvision's rule)
   * @param maxSize cap on the long side
   */
  public GeneralizedRcnnTransform(
      List<Integer> minSizes, int maxSize, float[] mean, float[] std, int sizeDivisible) {
    if (minSizes.isEmpty() || minSizes.stream().anyMatch(s -> s <= 0)) {
      throw new IllegalArgumentException("min sizes must be positive, got " + minSizes);
    }
    if (maxSize <= 0 || sizeDivisible <= 0) {
      throw new IllegalArgumentException(
          "max size and size divisor must be positive, got " + maxSize + ", " + sizeDivisible);
    }
    if (mean.length != std.length) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    this.minSizes = List.copyOf(minSizes);
    this.maxSize = maxSize;
    this.mean = mean.clone();
    this.std = std.clone();
    this.sizeDivisible = sizeDivisible;
  }

  /** torchvision's defaults with the given sizes: ImageNet mean/std, padding to multiples of 32. */
  public static GeneralizedRcnnTransform of(int minSize, int maxSize) {
    return new GeneralizedRcnnTransform(List.of(minSize), maxSize, IMAGENET_MEAN, IMAGENET_STD, 32);
  }

  /** torchvision's detection default: short side 800, long side at most 1333. */
  public static GeneralizedRcnnTransform defaults() {
    return of(800, 1333);
  }

  public List<Integer> minSizes() {
    return minSizes;
  }

  public int maxSize() {
    return maxSize;
  }

  /**
   * The resized size of an image: {@code scale = min(minSize / short, maxSize / long)} in float32
   * (each quotient computed as torchvision's Python does, {@code reciprocal(side) * size}, which can
   * differ from a float division in the last bit and change a side by one pixel), each side {@code
   * floor(side * (double) scale)}.
   */
  public static ImageSize resizedSize(ImageSize size, float minSize, float maxSize) {
    float shortSide = Math.min(size.height(), size.width());
    float longSide = Math.max(size.height(), size.width());
    // Python's `800.0 / tensor` is `tensor.reciprocal() * 800.0` in float32, not a division
    float scale = Math.min((1f / shortSide) * minSize, (1f / longSide) * maxSize);
    return new ImageSize(
        (int) Math.floor(size.height() * (double) scale),
        (int) Math.floor(size.width() * (double) scale));
  }

  /** {@code (image - mean) / std} per channel, for a float [C, H, W] image. */
  public NDArray normalize(NDArray image) {
    checkImage(image);
    NDManager m = image.getManager();
    Shape channel = new Shape(mean.length, 1, 1);
    NDArray mu = m.create(mean, channel).toDevice(image.getDevice(), false);
    NDArray sigma = m.create(std, channel).toDevice(image.getDevice(), false);
    return image.sub(mu).div(sigma);
  }

  /** Bilinear resize of a [C, H, W] image to {@code size} ({@code align_corners=False}). */
  public static NDArray resizeImage(NDArray image, ImageSize size) {
    NDArray batch = image.expandDims(0);
    return batch
        .getNDArrayInternal()
        .interpolation(new long[] {size.height(), size.width()}, 1, false)
        .squeeze(0);
  }

  /** Boxes [K, 4] (x1, y1, x2, y2) scaled by the float32 ratios {@code to / from} per axis. */
  public static NDArray resizeBoxes(NDArray boxes, ImageSize from, ImageSize to) {
    float rh = (float) to.height() / (float) from.height();
    float rw = (float) to.width() / (float) from.width();
    NDArray ratio = boxes.getManager().create(new float[] {rw, rh, rw, rh}).toDevice(boxes.getDevice(), false);
    return boxes.mul(ratio);
  }

  /** Keypoints [K, P, 3] (x, y, visibility) with x, y scaled by {@code to / from}. */
  public static NDArray resizeKeypoints(NDArray keypoints, ImageSize from, ImageSize to) {
    float rh = (float) to.height() / (float) from.height();
    float rw = (float) to.width() / (float) from.width();
    NDArray ratio = keypoints.getManager().create(new float[] {rw, rh, 1f}).toDevice(keypoints.getDevice(), false);
    return keypoints.mul(ratio);
  }

  /**
   * Normalises, resizes and batches the images; rescales their boxes when given.
   *
   * @param images float [3, H_i, W_i] images in [0, 1]
   * @param boxes per image [K_i, 4] boxes in original pixels, or {@code null}
   * @param training picks a random short side from {@link #minSizes()} (else the last one)
   * @param random the generator used when training with several short sides
   */
  public ImageBatch apply(
      List<NDArray> images, List<NDArray> boxes, boolean training, RandomGenerator random) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to transform");
    }
    if (boxes != null && boxes.size() != images.size()) {
      throw new IllegalArgumentException(
          "got boxes for " + boxes.size() + " images but " + images.size() + " images");
    }
    List<NDArray> resized = new ArrayList<>();
    List<ImageSize> sizes = new ArrayList<>();
    List<ImageSize> originals = new ArrayList<>();
    List<NDArray> newBoxes = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      NDArray image = images.get(i);
      checkImage(image);
      ImageSize original = new ImageSize((int) image.getShape().get(1), (int) image.getShape().get(2));
      int minSize =
          training && minSizes.size() > 1
              ? minSizes.get(random.nextInt(minSizes.size()))
              : minSizes.get(minSizes.size() - 1);
      ImageSize size = resizedSize(original, minSize, maxSize);
      resized.add(resizeImage(normalize(image), size));
      sizes.add(size);
      originals.add(original);
      if (boxes != null) {
        newBoxes.add(resizeBoxes(boxes.get(i), original, size));
      }
    }
    return new ImageBatch(batch(resized), sizes, originals, newBoxes);
  }

  /** Zero-pads [C, h, w] images to a common [N, C, H, W] with H, W multiples of the divisor. */
  public NDArray batch(List<NDArray> images) {
    long maxH = 0;
    long maxW = 0;
    for (NDArray im : images) {
      maxH = Math.max(maxH, im.getShape().get(1));
      maxW = Math.max(maxW, im.getShape().get(2));
    }
    long h = (long) Math.ceil((double) maxH / sizeDivisible) * sizeDivisible;
    long w = (long) Math.ceil((double) maxW / sizeDivisible) * sizeDivisible;
    NDList padded = new NDList();
    for (NDArray im : images) {
      NDManager m = im.getManager();
      long c = im.getShape().get(0);
      long ih = im.getShape().get(1);
      long iw = im.getShape().get(2);
      NDArray x = im;
      if (iw < w) {
        x = NDArrays.concat(new NDList(x, m.zeros(new Shape(c, ih, w - iw), x.getDataType(), x.getDevice())), 2);
      }
      if (ih < h) {
        x = NDArrays.concat(new NDList(x, m.zeros(new Shape(c, h - ih, w), x.getDataType(), x.getDevice())), 1);
      }
      padded.add(x);
    }
    return NDArrays.stack(padded, 0);
  }

  /** Maps each image's predicted boxes from its resized size back to its original size. */
  public static List<NDArray> postprocess(
      List<NDArray> boxes, List<ImageSize> imageSizes, List<ImageSize> originalSizes) {
    if (boxes.size() != imageSizes.size() || boxes.size() != originalSizes.size()) {
      throw new IllegalArgumentException(
          "postprocess needs one size pair per image: " + boxes.size() + " box sets, "
              + imageSizes.size() + " sizes, " + originalSizes.size() + " original sizes");
    }
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      out.add(resizeBoxes(boxes.get(i), imageSizes.get(i), originalSizes.get(i)));
    }
    return out;
  }

  private static void checkImage(NDArray image) {
    if (image.getShape().dimension() != 3 || image.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "images must be float32 [C, H, W], got " + image.getDataType() + " " + image.getShape());
    }
  }
}
