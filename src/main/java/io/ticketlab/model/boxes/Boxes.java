package io.ticketlab.model.boxes;

import java.util.Arrays;

/**
 * torchvision's {@code box_iou}, {@code clip_boxes_to_image} and {@code remove_small_boxes} over
 * flat arrays of {@code (x1, y1, x2, y2)} boxes (4 floats a box).
 */
public final class Boxes {
  private Boxes() {}

  /** Number of boxes in a flat array, checking that its length is a multiple of 4. */
  public static int count(float[] boxes) {
    if (boxes.length % 4 != 0) {
      throw new IllegalArgumentException("Box array length is not a multiple of 4: " + boxes.length);
    }
    return boxes.length / 4;
  }

  /** Areas {@code (x2 - x1) * (y2 - y1)}. */
  public static float[] areas(float[] boxes) {
    int n = count(boxes);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
    }
    return a;
  }

  /** Pairwise IoU, row-major {@code [count(a), count(b)]}, as torchvision's {@code box_iou(a, b)}. */
  public static float[] iou(float[] a, float[] b) {
    int na = count(a);
    int nb = count(b);
    float[] areaA = areas(a);
    float[] areaB = areas(b);
    float[] out = new float[na * nb];
    for (int i = 0; i < na; i++) {
      float ax1 = a[4 * i];
      float ay1 = a[4 * i + 1];
      float ax2 = a[4 * i + 2];
      float ay2 = a[4 * i + 3];
      for (int j = 0; j < nb; j++) {
        float w = Math.max(Math.min(ax2, b[4 * j + 2]) - Math.max(ax1, b[4 * j]), 0f);
        float h = Math.max(Math.min(ay2, b[4 * j + 3]) - Math.max(ay1, b[4 * j + 1]), 0f);
        float inter = w * h;
        out[i * nb + j] = inter / (areaA[i] + areaB[j] - inter);
      }
    }
    return out;
  }

  /** Boxes clamped to {@code [0, width] × [0, height]} (a new array). */
  public static float[] clipToImage(float[] boxes, int height, int width) {
    float[] out = Arrays.copyOf(boxes, count(boxes) * 4);
    for (int i = 0; i < out.length; i += 4) {
      out[i] = Math.min(Math.max(out[i], 0f), width);
      out[i + 1] = Math.min(Math.max(out[i + 1], 0f), height);
      out[i + 2] = Math.min(Math.max(out[i + 2], 0f), width);
      out[i + 3] = Math.min(Math.max(out[i + 3], 0f), height);
    }
    return out;
  }

  /** Indices (ascending) of the boxes whose width and height are both at least {@code minSize}. */
  public static int[] removeSmall(float[] boxes, float minSize) {
    int n = count(boxes);
    int[] keep = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      float w = boxes[4 * i + 2] - boxes[4 * i];
      float h = boxes[4 * i + 3] - boxes[4 * i + 1];
      if (w >= minSize && h >= minSize) {
        keep[k++] = i;
      }
    }
    return Arrays.copyOf(keep, k);
  }

  /** The boxes at {@code indices}, in that order. */
  public static float[] select(float[] boxes, int[] indices) {
    float[] out = new float[indices.length * 4];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(boxes, 4 * indices[i], out, 4 * i, 4);
    }
    return out;
  }

  /** {@code values[indices]}. */
  public static float[] select1(float[] values, int[] indices) {
    float[] out = new float[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = values[indices[i]];
    }
    return out;
  }
}
