package io.ticketlab.data.detection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Training augmentation of detection samples, as pure functions that return new samples (the
 * engine has no random image ops, so augmentation happens here, on the decoded image). Mirrors
 * torchvision's {@code references/detection/transforms.py}; the random decision itself comes from
 * {@link DetectionBatches#flip(long, int)}, so that it depends only on (seed, iteration, position).
 */
public final class DetectionAugment {
  /**
   * COCO's person flip permutation (the reference's {@code flip_inds}): keypoint {@code i} of the
   * flipped instance is keypoint {@code COCO_PERSON_FLIP[i]} of the original.
   */
  private static final int[] COCO_PERSON_FLIP = {
    0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15
  };

  private DetectionAugment() {}

  /**
   * The reference's {@code RandomHorizontalFlip} when it fires: the image's columns reversed; boxes
   * {@code x1' = W − x2, x2' = W − x1} (float32); masks' columns reversed; keypoints permuted by
   * {@code flipIndices} (left ↔ right), then {@code x' = W − x}, then every keypoint with {@code v
   * == 0} set to {@code (0, 0, 0)} (the reference's {@code _flip_coco_person_keypoints}). Applying
   * it twice gives back the sample whenever unlabelled keypoints are stored as zeros (COCO's
   * convention) and box coordinates are exact in float32 arithmetic (e.g. integers).
   *
   * @param flipIndices keypoint permutation, e.g. {@link DetectionDataset#keypointFlipIndices()};
   *     ignored when the sample has no keypoints
   */
  public static DetectionSample horizontalFlip(DetectionSample s, int[] flipIndices) {
    int h = s.height();
    int w = s.width();
    float[] image = new float[s.image().length];
    for (int row = 0; row < 3 * h; row++) {
      int base = row * w;
      for (int x = 0; x < w; x++) {
        image[base + x] = s.image()[base + w - 1 - x];
      }
    }
    float width = w;
    float[] boxes = new float[s.boxes().length];
    for (int j = 0; j < boxes.length; j += 4) {
      boxes[j] = width - s.boxes()[j + 2];
      boxes[j + 1] = s.boxes()[j + 1];
      boxes[j + 2] = width - s.boxes()[j];
      boxes[j + 3] = s.boxes()[j + 3];
    }
    byte[][] masks = null;
    if (s.masks() != null) {
      masks = new byte[s.masks().length][];
      for (int j = 0; j < masks.length; j++) {
        byte[] m = s.masks()[j];
        byte[] f = new byte[m.length];
        for (int y = 0; y < h; y++) {
          int base = y * w;
          for (int x = 0; x < w; x++) {
            f[base + x] = m[base + w - 1 - x];
          }
        }
        masks[j] = f;
      }
    }
    float[] keypoints = null;
    if (s.keypoints() != null) {
      int p = s.numKeypoints();
      if (flipIndices.length != p) {
        throw new IllegalArgumentException(
            "flip permutation of " + flipIndices.length + " keypoints for " + p + " keypoints");
      }
      keypoints = new float[s.keypoints().length];
      for (int j = 0; j < s.instances(); j++) {
        for (int i = 0; i < p; i++) {
          int to = 3 * (j * p + i);
          int from = 3 * (j * p + flipIndices[i]);
          float v = s.keypoints()[from + 2];
          if (v == 0) {
            continue; // stays (0, 0, 0)
          }
          keypoints[to] = width - s.keypoints()[from];
          keypoints[to + 1] = s.keypoints()[from + 1];
          keypoints[to + 2] = v;
        }
      }
    }
    return new DetectionSample(s.imageId(), s.fileName(), h, w, image, boxes, s.labels().clone(),
        masks, keypoints, s.numKeypoints());
  }

  /**
   * The keypoint permutation of a horizontal flip from keypoint names: {@code left_X} ↔ {@code
   * right_X} (also {@code left X}, {@code leftX}, any case), others stay. When the names are
   * missing or pair nothing and there are 17 keypoints, COCO's person permutation; otherwise the
   * identity.
   *
   * @param names keypoint names in annotation order (may be empty)
   * @param numKeypoints keypoints per instance
   */
  public static int[] keypointFlipIndices(List<String> names, int numKeypoints) {
    int[] flip = new int[numKeypoints];
    for (int i = 0; i < numKeypoints; i++) {
      flip[i] = i;
    }
    boolean paired = false;
    if (names.size() == numKeypoints) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        index.put(names.get(i).toLowerCase(java.util.Locale.ROOT), i);
      }
      for (int i = 0; i < numKeypoints; i++) {
        String name = names.get(i).toLowerCase(java.util.Locale.ROOT);
        String mirror = null;
        if (name.startsWith("left")) {
          mirror = "right" + name.substring(4);
        } else if (name.startsWith("right")) {
          mirror = "left" + name.substring(5);
        }
        Integer j = mirror == null ? null : index.get(mirror);
        if (j != null) {
          flip[i] = j;
          paired = true;
        }
      }
    }
    if (!paired && numKeypoints == COCO_PERSON_FLIP.length) {
      return COCO_PERSON_FLIP.clone();
    }
    return flip;
  }

  /** COCO's person flip permutation (17 keypoints), a copy. */
  public static int[] cocoPersonFlipIndices() {
    return COCO_PERSON_FLIP.clone();
  }
}
