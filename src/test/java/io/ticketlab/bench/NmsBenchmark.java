package io.ticketlab.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.boxes.Nms;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark (not a test): NMS of n RPN-like boxes at IoU 0.7 on the Java side ({@link Nms#nms})
 * against a tensor-op alternative (IoU matrix and the "> threshold" mask computed by the engine,
 * the greedy pass in Java over the copied mask). {@code bench/nms.sh} runs it with torchvision's
 * {@code ops.nms} timed on the same boxes sizes.
 */
public final class NmsBenchmark {
  private NmsBenchmark() {}

  public static void main(String[] args) {
    int[] sizes = {1000, 2000, 4000};
    try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
      for (int n : sizes) {
        float[] boxes = new float[4 * n];
        float[] scores = new float[n];
        Random r = new Random(n);
        for (int i = 0; i < n; i++) {
          float cx = r.nextFloat() * 800;
          float cy = r.nextFloat() * 600;
          float w = 16 + r.nextFloat() * 200;
          float h = 16 + r.nextFloat() * 200;
          boxes[4 * i] = cx - w / 2;
          boxes[4 * i + 1] = cy - h / 2;
          boxes[4 * i + 2] = cx + w / 2;
          boxes[4 * i + 3] = cy + h / 2;
          scores[i] = r.nextFloat();
        }
        int kept = 0;
        for (int warm = 0; warm < 5; warm++) {
          kept = Nms.nms(boxes, scores, 0.7).length + tensorNms(m, boxes, scores, 0.7).length;
        }
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          kept += Nms.nms(boxes, scores, 0.7).length;
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          kept += tensorNms(m, boxes, scores, 0.7).length;
        }
        long t2 = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "n=%d java %.2f ms, tensor-op IoU matrix + Java greedy %.2f ms (%d)%n",
            n,
            (t1 - t0) / 1e6 / reps,
            (t2 - t1) / 1e6 / reps,
            kept);
      }
    }
  }

  /** IoU > t mask on the engine (sorted order), greedy suppression over it in Java. */
  static int[] tensorNms(NDManager m, float[] boxes, float[] scores, double t) {
    int n = scores.length;
    int[] order = Nms.stableDescending(scores);
    float[] sorted = new float[4 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(boxes, 4 * order[i], sorted, 4 * i, 4);
    }
    try (NDManager sub = m.newSubManager()) {
      NDArray b = sub.create(sorted, new Shape(n, 4));
      NDArray x1 = b.get(":, 0");
      NDArray y1 = b.get(":, 1");
      NDArray x2 = b.get(":, 2");
      NDArray y2 = b.get(":, 3");
      NDArray area = x2.sub(x1).mul(y2.sub(y1));
      NDArray w = x2.expandDims(1).minimum(x2.expandDims(0)).sub(x1.expandDims(1).maximum(x1.expandDims(0))).maximum(0f);
      NDArray h = y2.expandDims(1).minimum(y2.expandDims(0)).sub(y1.expandDims(1).maximum(y1.expandDims(0))).maximum(0f);
      NDArray inter = w.mul(h);
      NDArray iou = inter.div(area.expandDims(1).add(area.expandDims(0)).sub(inter));
      boolean[] over = iou.gt(t).toBooleanArray();
      boolean[] suppressed = new boolean[n];
      int[] keep = new int[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (suppressed[i]) {
          continue;
        }
        keep[k++] = order[i];
        for (int j = i + 1; j < n; j++) {
          suppressed[j] |= over[i * n + j];
        }
      }
      return java.util.Arrays.copyOf(keep, k);
    }
  }
}
