package io.ticketlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): global magnitude pruning of a ResNet-50 Mask R-CNN-sized parameter set
 * (torchvision 0.14's maskrcnn_resnet50_fpn shapes, 44.45M parameters, Gaussian values), paper-coco
 * preset, 80% of the prunable set, and a second level to 90% from the first mask.
 * {@code bench/prune.sh} runs it.
 */
public final class PruningBenchmark {
  private PruningBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Map<String, int[]> shapes = new LinkedHashMap<>();
    try (InputStream in = PruningBenchmark.class.getResourceAsStream("/shapes/maskrcnn_resnet50_fpn.json")) {
      for (JsonNode t : new ObjectMapper().readTree(in).get("tensors")) {
        if (t.get("parameter").asBoolean()) {
          int[] s = new int[t.get("shape").size()];
          for (int i = 0; i < s.length; i++) {
            s[i] = t.get("shape").get(i).asInt();
          }
          shapes.put(t.get("name").asText(), s);
        }
      }
    }
    SplittableRandom r = new SplittableRandom(0);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    long n = 0;
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      FloatTensor t = FloatTensor.zeros(e.getValue());
      for (int i = 0; i < t.size(); i++) {
        t.data()[i] = (float) (r.nextDouble() * 2 - 1);
      }
      weights.put(e.getKey(), t);
      n += t.size();
    }
    Map<String, int[]> prunable = PrunableSet.preset("paper-coco").select(shapes);
    Mask dense = Mask.ones(prunable);
    double[] t80 = new double[runs];
    double[] t90 = new double[runs];
    Mask m80 = null;
    for (int i = 0; i < runs + 1; i++) {
      long a = System.nanoTime();
      m80 = MagnitudePruning.global().prune(weights, dense, 0.2);
      long b = System.nanoTime();
      Mask m90 = MagnitudePruning.global().prune(weights, m80, 0.1);
      long c = System.nanoTime();
      if (i > 0) {
        t80[i - 1] = (b - a) / 1e9;
        t90[i - 1] = (c - b) / 1e9;
      }
      if (m90.kept() != Math.round(0.1 * dense.total())) {
        throw new IllegalStateException("wrong survivor count");
      }
    }
    Arrays.sort(t80);
    Arrays.sort(t90);
    System.out.printf(Locale.ROOT,
        "%,d parameters, %,d prunable (paper-coco); global magnitude to 80%%: median %.3f s, best %.3f s;"
            + " 80%% -> 90%% from the mask: median %.3f s, best %.3f s (%d runs, %d cpus)%n",
        n, dense.total(), t80[runs / 2], t80[0], t90[runs / 2], t90[0], runs,
        Runtime.getRuntime().availableProcessors());
  }
}
