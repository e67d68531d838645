package io.ticketlab.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.roi.MultiScaleRoiAlign;
import io.ticketlab.testing.Splitmix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (not a test): the Faster R-CNN box-head pooler (MultiScaleRoiAlign 7×7, sampling 2)
 * on FPN maps '0'..'3' of a batch of images, forward and forward + backward, median over runs.
 * {@code bench/roi-align.sh} runs it next to torchvision's {@code MultiScaleRoIAlign} on the same
 * inputs. Arguments: images, image size, channels, RoIs per image, output size, runs.
 */
public final class RoiAlignBenchmark {
  private RoiAlignBenchmark() {}

  public static void main(String[] args) {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    int channels = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int roisPerImage = args.length > 3 ? Integer.parseInt(args[3]) : 512;
    int output = args.length > 4 ? Integer.parseInt(args[4]) : 7;
    int runs = args.length > 5 ? Integer.parseInt(args[5]) : 10;
    Engine engine = Engines.pytorch();
    MultiScaleRoiAlign pooler = MultiScaleRoiAlign.of(output, 2);
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      Map<String, NDArray> features = new LinkedHashMap<>();
      for (int l = 0; l < 4; l++) {
        int s = size >> (l + 2);
        NDArray f = Splitmix.array(m, 100 + l, images, channels, s, s);
        f.setRequiresGradient(true);
        features.put(String.valueOf(l), f);
      }
      List<NDArray> boxes = new ArrayList<>();
      List<int[]> sizes = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        boxes.add(m.create(boxes(200 + i, roisPerImage, size), new Shape(roisPerImage, 4)));
        sizes.add(new int[] {size, size});
      }
      double[] fwd = new double[runs];
      double[] both = new double[runs];
      for (int r = -2; r < runs; r++) {
        long t0 = System.nanoTime();
        try (NDManager step = m.newSubManager()) {
          NDArray y = pooler.apply(features, boxes, sizes);
          y.toFloatArray();
          long t1 = System.nanoTime();
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray z = pooler.apply(features, boxes, sizes);
            gc.backward(z.sum());
          }
          features.get("0").getGradient().getFloat(0, 0, 0, 0);
          long t2 = System.nanoTime();
          if (r >= 0) {
            fwd[r] = (t1 - t0) / 1e6;
            both[r] = (t2 - t1) / 1e6;
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "TicketLab MultiScaleRoiAlign %d images %dpx C=%d, %d RoIs/image, %dx%d: forward %.1f ms, forward+backward %.1f ms (median of %d)%n",
          images, size, channels, roisPerImage, output, output, median(fwd), median(both), runs);
    }
  }

  /** Boxes of the Python reference: centre uniform in the image, sides 8 to 308 pixels. */
  static float[] boxes(long stream, int n, int size) {
    float[] out = new float[4 * n];
    for (int i = 0; i < n; i++) {
      double cx = (Splitmix.uniform(stream, 4L * i) + 1) / 2 * size;
      double cy = (Splitmix.uniform(stream, 4L * i + 1) + 1) / 2 * size;
      double w = 8 + (Splitmix.uniform(stream, 4L * i + 2) + 1) / 2 * 300;
      double h = 8 + (Splitmix.uniform(stream, 4L * i + 3) + 1) / 2 * 300;
      out[4 * i] = (float) (cx - w / 2);
      out[4 * i + 1] = (float) (cy - h / 2);
      out[4 * i + 2] = (float) (cx + w / 2);
      out[4 * i + 3] = (float) (cy + h / 2);
    }
    return out;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
