package io.ticketlab.model.boxes;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Non-maximum suppression as torchvision's CPU kernel: boxes in order of descending score (a
 * stable sort, as the kernel's {@code scores.sort(stable=true)}: equal scores in input order), each
 * kept box
 * suppressing later ones whose IoU with it is {@code > iouThreshold}, IoU in float32. The engine has
 * no NMS op, so this runs on the Java side.
 */
public final class Nms {
  private Nms() {}

  /** Kept indices in the order NMS visits them: torchvision's {@code nms(boxes, scores, iouThreshold)}. */
  public static int[] nms(float[] boxes, float[] scores, double iouThreshold) {
    int n = Boxes.count(boxes);
    if (scores.length != n) {
      throw new IllegalArgumentException(n + " boxes but " + scores.length + " scores");
    }
    int[] order = stableDescending(scores);
    float[] areas = Boxes.areas(boxes);
    boolean[] suppressed = new boolean[n];
    int[] keep = new int[n];
    int k = 0;
    for (int a = 0; a < n; a++) {
      int i = order[a];
      if (suppressed[i]) {
        continue;
      }
      keep[k++] = i;
      float ix1 = boxes[4 * i];
      float iy1 = boxes[4 * i + 1];
      float ix2 = boxes[4 * i + 2];
      float iy2 = boxes[4 * i + 3];
      float iarea = areas[i];
      for (int b = a + 1; b < n; b++) {
        int j = order[b];
        if (suppressed[j]) {
          continue;
        }
        float w = Math.max(0f, Math.min(ix2, boxes[4 * j + 2]) - Math.max(ix1, boxes[4 * j]));
        float h = Math.max(0f, Math.min(iy2, boxes[4 * j + 3]) - Math.max(iy1, boxes[4 * j + 1]));
        float inter = w * h;
        float overlap = inter / (iarea + areas[j] - inter);
        if (overlap > iouThreshold) {
          suppressed[j] = true;
        }
      }
    }
    return Arrays.copyOf(keep, k);
  }

  /**
   * NMS within each class ({@code classes[i]}), torchvision's {@code batched_nms}: on CPU it runs
   * {@link #batchedVanilla} above 4000 box coordinates and {@link #batchedCoordinateTrick}
   * otherwise, and so does this.
   */
  public static int[] batched(float[] boxes, float[] scores, int[] classes, double iouThreshold) {
    return boxes.length > 4000
        ? batchedVanilla(boxes, scores, classes, iouThreshold)
        : batchedCoordinateTrick(boxes, scores, classes, iouThreshold);
  }

  /**
   * Per-class NMS by offsetting each class's boxes by {@code class * (max coordinate + 1)} so that
   * boxes of different classes never overlap, then one {@link #nms}.
   */
  public static int[] batchedCoordinateTrick(
      float[] boxes, float[] scores, int[] classes, double iouThreshold) {
    int n = Boxes.count(boxes);
    if (n == 0) {
      return new int[0];
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : boxes) {
      max = Math.max(max, v);
    }
    float step = max + 1f;
    float[] shifted = new float[boxes.length];
    for (int i = 0; i < n; i++) {
      float offset = (float) classes[i] * step;
      for (int c = 0; c < 4; c++) {
        shifted[4 * i + c] = boxes[4 * i + c] + offset;
      }
    }
    return nms(shifted, scores, iouThreshold);
  }

  /**
   * Per-class NMS by a loop over classes; kept indices re-sorted by descending score with torch's
   * unstable CPU sort ({@link TorchSort}), as torchvision's Python code does.
   */
  public static int[] batchedVanilla(float[] boxes, float[] scores, int[] classes, double iouThreshold) {
    int n = Boxes.count(boxes);
    boolean[] kept = new boolean[n];
    int[] distinct = Arrays.stream(classes).distinct().sorted().toArray();
    for (int c : distinct) {
      int[] members = IntStream.range(0, n).filter(i -> classes[i] == c).toArray();
      for (int k : nms(Boxes.select(boxes, members), Boxes.select1(scores, members), iouThreshold)) {
        kept[members[k]] = true;
      }
    }
    int[] keep = IntStream.range(0, n).filter(i -> kept[i]).toArray();
    int[] order = TorchSort.descendingIndices(Boxes.select1(scores, keep));
    int[] out = new int[keep.length];
    for (int i = 0; i < keep.length; i++) {
      out[i] = keep[order[i]];
    }
    return out;
  }

  /** Indices sorting {@code values} descending; equal values keep their order, NaN first. */
  public static int[] stableDescending(float[] values) {
    return IntStream.range(0, values.length)
        .boxed()
        .sorted((a, b) -> Float.compare(values[b], values[a]))
        .mapToInt(Integer::intValue)
        .toArray();
  }
}
