package io.ticketlab.eval.coco;

/**
 * Threshold grids computed exactly as numpy's {@code linspace} computes them, so that they equal
 * pycocotools' grids bit for bit: element i is {@code i * step + start} with {@code step = (stop -
 * start) / (num - 1)}, and the last element is {@code stop} itself. For the recall grid this makes
 * {@code [70] = 0.7000000000000001}, not 0.7; for the IoU grid {@code [8] = 0.8999999999999999}.
 */
public final class Thresholds {
  private Thresholds() {}

  /** numpy's {@code linspace(start, stop, num)} with {@code endpoint=True}. */
  public static double[] linspace(double start, double stop, int num) {
    double[] y = new double[num];
    if (num == 1) {
      y[0] = start;
      return y;
    }
    int div = num - 1;
    double delta = stop - start;
    double step = delta / div;
    for (int i = 0; i < num; i++) {
      y[i] = step == 0 ? (i / (double) div) * delta + start : i * step + start;
    }
    y[num - 1] = stop;
    return y;
  }

  /** COCO's IoU (and OKS) thresholds 0.50:0.05:0.95. */
  public static double[] cocoIou() {
    return linspace(0.5, 0.95, 10);
  }

  /** COCO's 101 recall thresholds 0:0.01:1. */
  public static double[] cocoRecall() {
    return linspace(0.0, 1.0, 101);
  }
}
