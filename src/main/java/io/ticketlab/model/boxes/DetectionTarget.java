package io.ticketlab.model.boxes;

import java.util.Arrays;

/**
 * The ground truth of one image, as torchvision's detection {@code target} dict: boxes (x1, y1, x2,
 * y2) in pixels of the image it belongs to, labels 1..C (0 is background), and optionally instance
 * masks and keypoints. The same record carries targets in original pixels (what data gives) and in
 * resized pixels (what the heads see, after {@link #resized}).
 *
 * @param boxes K×4 floats
 * @param labels K contiguous labels ≥ 1
 * @param masks K binary masks of {@code maskHeight × maskWidth} (row-major 0/1), or {@code null}
 * @param maskHeight height of the masks (the image height), 0 without masks
 * @param maskWidth width of the masks (the image width), 0 without masks
 * @param keypoints K×P×3 floats (x, y, visibility), or {@code null}
 * @param numKeypoints P, 0 without keypoints
 */
public record DetectionTarget(
    float[] boxes,
    int[] labels,
    byte[][] masks,
    int maskHeight,
    int maskWidth,
    float[] keypoints,
    int numKeypoints) {

  public DetectionTarget {
    if (boxes == null || labels == null || boxes.length != 4 * labels.length) {
      throw new IllegalArgumentException(
          "a target needs 4 box coordinates per label: "
              + (boxes == null ? "no boxes" : boxes.length + " coordinates")
              + " for " + (labels == null ? "no" : labels.length) + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 1) {
        throw new IllegalArgumentException("target label " + i + " is " + labels[i] + "; labels start at 1");
      }
    }
    if (masks != null) {
      if (masks.length != labels.length) {
        throw new IllegalArgumentException(masks.length + " masks for " + labels.length + " boxes");
      }
      for (byte[] m : masks) {
        if (m.length != maskHeight * maskWidth) {
          throw new IllegalArgumentException(
              "mask of " + m.length + " pixels, expected " + maskHeight + "×" + maskWidth);
        }
      }
    }
    if (keypoints != null && (numKeypoints <= 0 || keypoints.length != labels.length * numKeypoints * 3)) {
      throw new IllegalArgumentException(
          keypoints.length + " keypoint values for " + labels.length + " instances of " + numKeypoints + " keypoints");
    }
  }

  /** Boxes and labels only. */
  public static DetectionTarget boxes(float[] boxes, int[] labels) {
    return new DetectionTarget(boxes, labels, null, 0, 0, null, 0);
  }

  public int count() {
    return labels.length;
  }

  /**
   * This target on an image resized from {@code fromH × fromW} to {@code toH × toW}, as
   * torchvision's {@code GeneralizedRCNNTransform}: boxes and keypoint x, y times the float32 ratios
   * {@code to / from}; masks by nearest-neighbour interpolation (source index {@code
   * min(floor(dst · (in / out)), in − 1)} in float32, PyTorch's {@code nearest}).
   */
  public DetectionTarget resized(int fromH, int fromW, int toH, int toW) {
    float rh = (float) toH / (float) fromH;
    float rw = (float) toW / (float) fromW;
    float[] b = boxes.clone();
    for (int i = 0; i < b.length; i += 4) {
      b[i] *= rw;
      b[i + 1] *= rh;
      b[i + 2] *= rw;
      b[i + 3] *= rh;
    }
    float[] k = null;
    if (keypoints != null) {
      k = keypoints.clone();
      for (int i = 0; i < k.length; i += 3) {
        k[i] *= rw;
        k[i + 1] *= rh;
      }
    }
    byte[][] m = null;
    if (masks != null) {
      m = new byte[masks.length][];
      int[] rows = nearestIndex(maskHeight, toH);
      int[] cols = nearestIndex(maskWidth, toW);
      for (int j = 0; j < masks.length; j++) {
        byte[] src = masks[j];
        byte[] dst = new byte[toH * toW];
        for (int y = 0; y < toH; y++) {
          int sy = rows[y] * maskWidth;
          for (int x = 0; x < toW; x++) {
            dst[y * toW + x] = src[sy + cols[x]];
          }
        }
        m[j] = dst;
      }
    }
    return new DetectionTarget(
        b, labels.clone(), m, m == null ? 0 : toH, m == null ? 0 : toW, k, numKeypoints);
  }

  /** PyTorch's nearest source indices for {@code out} outputs of {@code in} inputs. */
  static int[] nearestIndex(int in, int out) {
    int[] idx = new int[out];
    if (in == out) {
      for (int i = 0; i < out; i++) {
        idx[i] = i;
      }
      return idx;
    }
    if (out == 2 * in) {
      for (int i = 0; i < out; i++) {
        idx[i] = i >> 1;
      }
      return idx;
    }
    float scale = (float) in / (float) out;
    for (int i = 0; i < out; i++) {
      idx[i] = Math.min((int) Math.floor(i * scale), in - 1);
    }
    return idx;
  }

  @Override
  public String toString() {
    return "DetectionTarget[" + labels.length + " instances, labels " + Arrays.toString(labels)
        + (masks != null ? ", masks " + maskHeight + "×" + maskWidth : "")
        + (keypoints != null ? ", " + numKeypoints + " keypoints" : "") + "]";
  }
}
