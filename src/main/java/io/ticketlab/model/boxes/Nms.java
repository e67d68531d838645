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
    // the boxes in visiting order, one array per coordinate: the inner loop reads them in sequence
    float[] x1 = new float[n];
    float[] y1 = new float[n];
    float[] x2 = new float[n];
    float[] y2 = new float[n];
    float[] area = new float[n];
    for (int a = 0; a < n; a++) {
      int i = order[a];
      x1[a] = boxes[4 * i];
      y1[a] = boxes[4 * i + 1];
      x2[a] = boxes[4 * i + 2];
      y2[a] = boxes[4 * i + 3];
      area[a] = areas[i];
    }
    // overlap > iouThreshold (a float against a double) for every float overlap, as one float test
    float threshold = floatBelow(iouThreshold);
    boolean[] suppressed = new boolean[n];
    float[] overlap = new float[n];
    int[] keep = new int[n];
    int k = 0;
    for (int a = 0; a < n; a++) {
      if (suppressed[a]) {
        continue;
      }
      keep[k++] = order[a];
      float ix1 = x1[a];
      float iy1 = y1[a];
      float ix2 = x2[a];
      float iy2 = y2[a];
      float iarea = area[a];
      // the overlaps of the later boxes in one straight pass the JIT vectorizes, then the test
      for (int b = a + 1; b < n; b++) {
        float w = Math.max(0f, Math.min(ix2, x2[b]) - Math.max(ix1, x1[b]));
        float h = Math.max(0f, Math.min(iy2, y2[b]) - Math.max(iy1, y1[b]));
        float inter = w * h;
        overlap[b] = inter / (iarea + area[b] - inter);
      }
      for (int b = a + 1; b < n; b++) {
        if (overlap[b] > threshold) {
          suppressed[b] = true;
        }
      }
    }
    return Arrays.copyOf(keep, k);
  }

  /**
   * The largest float not above {@code t}: for every float {@code x}, {@code x > t} exactly when
   * {@code x > floatBelow(t)}.
   */
  static float floatBelow(double t) {
    float f = (float) t;
    return f > t ? Math.nextDown(f) : f;
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
