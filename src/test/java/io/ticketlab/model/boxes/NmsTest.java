package io.ticketlab.model.boxes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Nms#nms} against the greedy algorithm written plainly (score order, each kept box
 * suppressing later unsuppressed boxes whose float32 IoU is above the double threshold), on random
 * boxes with the cases that decide between implementations: equal scores, duplicate boxes, boxes of
 * zero area, IoU near the threshold, thresholds that are not floats.
 */
class NmsTest {
  @Test
  void nms_equalsThePlainGreedyAlgorithm() {
    double[] thresholds = {0.7, 0.5, 0.3, 1.0 / 3, 0.0, 0.9999999, 1.0};
    for (int seed = 0; seed < 300; seed++) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(seed < 250 ? 60 : 2500);
      float[] boxes = new float[4 * n];
      float[] scores = new float[n];
      for (int i = 0; i < n; i++) {
        if (i > 0 && r.nextInt(8) == 0) {
          // a duplicate or a box sharing an edge with an earlier one
          int j = r.nextInt(i);
          System.arraycopy(boxes, 4 * j, boxes, 4 * i, 4);
          if (r.nextBoolean()) {
            boxes[4 * i + 2] += r.nextInt(3);
          }
        } else {
          float x = r.nextInt(5) == 0 ? r.nextInt(20) : r.nextFloat() * 100;
          float y = r.nextFloat() * 100;
          float w = r.nextInt(10) == 0 ? 0 : r.nextFloat() * 40;
          float h = r.nextInt(10) == 0 ? 0 : r.nextFloat() * 40;
          boxes[4 * i] = x;
          boxes[4 * i + 1] = y;
          boxes[4 * i + 2] = x + w;
          boxes[4 * i + 3] = y + h;
        }
        scores[i] = r.nextInt(4) == 0 ? r.nextInt(3) / 4f : r.nextFloat();
      }
      for (double t : thresholds) {
        assertThat(Nms.nms(boxes, scores, t)).as("seed %d, n %d, threshold %s", seed, n, t)
            .containsExactly(plainGreedy(boxes, scores, t));
      }
    }
  }

  @Test
  void floatBelow_decidesEveryFloatAsTheDoubleComparison() {
    Random r = new Random(7);
    double[] special = {0.7, 0.5, 1.0 / 3, 0, -0.0, 1, 1e300, -1e300, Double.MIN_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
    for (int k = 0; k < 20_000; k++) {
      double t = k < special.length ? special[k] : r.nextDouble() * (r.nextBoolean() ? 1 : 1e-30);
      float f = Nms.floatBelow(t);
      float nearest = (float) t;
      float[] probes = {nearest, Math.nextUp(nearest), Math.nextDown(nearest), f, Math.nextUp(f),
          r.nextFloat(), Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f};
      for (float x : probes) {
        assertThat(x > f).as("x %s, t %s", x, t).isEqualTo(x > t);
      }
    }
  }

  /** The textbook loop, kept independent of the implementation's layout and branch removal. */
  private static int[] plainGreedy(float[] boxes, float[] scores, double t) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    boolean[] removed = new boolean[n];
    int[] keep = new int[n];
    int k = 0;
    for (int a = 0; a < n; a++) {
      int i = order[a];
      if (removed[i]) {
        continue;
      }
      keep[k++] = i;
      for (int b = a + 1; b < n; b++) {
        int j = order[b];
        if (removed[j]) {
          continue;
        }
        float areaI = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        float areaJ = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1]);
        float w = Math.max(0f, Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]));
        float h = Math.max(0f,
            Math.min(boxes[4 * i + 3], boxes[4 * j + 3]) - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]));
        float inter = w * h;
        if (inter / (areaI + areaJ - inter) > t) {
          removed[j] = true;
        }
      }
    }
    return java.util.Arrays.copyOf(keep, k);
  }
}
