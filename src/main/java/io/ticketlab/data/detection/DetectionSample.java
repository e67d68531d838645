package io.ticketlab.data.detection;

import java.util.Objects;

/**
 * One image and its training targets, in the layout of torchvision's detection models: what the
 * reference's {@code CocoDetection} + {@code ConvertCocoPolysToMask} + {@code PILToTensor} + {@code
 * ConvertImageDtype(float)} give for one index, before any resizing (the models' transform resizes).
 *
 * <p>Arrays are not copied: treat them as read-only; {@link DetectionAugment} returns new samples.
 *
 * @param imageId the COCO image id (needed to write results)
 * @param fileName the image's {@code file_name} as the annotation file gives it
 * @param height image height in pixels
 * @param width image width in pixels
 * @param image RGB, CHW ({@code 3 × height × width}), values {@code byte / 255f} in [0, 1], as
 *     torchvision's {@code to_tensor} of the decoded file
 * @param boxes {@code K × 4} floats {@code x1, y1, x2, y2} in original pixels (COCO's {@code x, y,
 *     x + w, y + h}, clipped to the image)
 * @param labels {@code K} contiguous labels 1..C (0 is the background and never appears)
 * @param masks {@code K} masks of {@code height × width} bytes (row-major, 0 or 1), or null when
 *     masks were not requested
 * @param keypoints {@code K × numKeypoints × 3} floats {@code x, y, v} in pixels (v: 0 not labelled,
 *     1 labelled but hidden, 2 visible), or null when keypoints were not requested
 * @param numKeypoints keypoints per instance (17 for COCO persons), 0 without keypoints
 */
public record DetectionSample(
    long imageId,
    String fileName,
    int height,
    int width,
    float[] image,
    float[] boxes,
    int[] labels,
    byte[][] masks,
    float[] keypoints,
    int numKeypoints) {

  public DetectionSample {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(boxes, "boxes");
    Objects.requireNonNull(labels, "labels");
    if (height < 0 || width < 0) {
      throw new IllegalArgumentException("negative image size " + width + "x" + height);
    }
    if (image.length != 3 * height * width) {
      throw new IllegalArgumentException(
          "image has " + image.length + " values, expected 3 x " + height + " x " + width);
    }
    int k = labels.length;
    if (boxes.length != 4 * k) {
      throw new IllegalArgumentException(boxes.length + " box values for " + k + " labels");
    }
    if (masks != null) {
      if (masks.length != k) {
        throw new IllegalArgumentException(masks.length + " masks for " + k + " labels");
      }
      for (byte[] m : masks) {
        if (m.length != height * width) {
          throw new IllegalArgumentException(
              "mask has " + m.length + " pixels, expected " + height + " x " + width);
        }
      }
    }
    if (keypoints != null && keypoints.length != 3 * numKeypoints * k) {
      throw new IllegalArgumentException(keypoints.length + " keypoint values for " + k
          + " instances of " + numKeypoints + " keypoints");
    }
    if (numKeypoints < 0) {
      throw new IllegalArgumentException("negative numKeypoints " + numKeypoints);
    }
  }

  /** Number of instances K. */
  public int instances() {
    return labels.length;
  }

  /** Whether masks were loaded. */
  public boolean hasMasks() {
    return masks != null;
  }

  /** Whether keypoints were loaded. */
  public boolean hasKeypoints() {
    return keypoints != null;
  }
}
