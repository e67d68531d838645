package io.ticketlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.RunIndex;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.report.HtmlReport;
import io.ticketlab.report.ReportInput;
import io.ticketlab.storage.Architectures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): {@code ticketlab report} over one experiment of LEVELS finished levels of a ResNet-18
 * classifier of width WIDTH at 32x32 (each level a real final checkpoint with its mask, {@code mask.tlck},
 * {@code sparsity.json} and {@code level.json}, written as the runner writes them), timed from the scan to the
 * page: once with an empty cost cache (every checkpoint read and measured in seven formats) and once cached.
 * {@code bench/report-costs.sh} runs it.
 */
public final class ReportCostsBenchmark {
  private ReportCostsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int levels = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    double width = args.length > 1 ? Double.parseDouble(args[1]) : 0.125;
    Path dir = Files.createTempDirectory("report-costs-bench");
    System.setProperty("ticketlab.cache", dir.resolve("cache").toString());
    Path run = dir.resolve("runs/lottery_bench");
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), spec(width));
    Map<String, int[]> shapes = Architectures.resnet(18, 32, 32, width, 10).parameterShapes();
    PrunableSet prunable = PrunableSet.preset("classifier-convs");
    Map<String, int[]> prunableShapes = new LinkedHashMap<>();
    shapes.forEach((n, s) -> {
      if (!NetworkSparsity.isBuffer(n) && prunable.contains(n, s)) {
        prunableShapes.put(n, s);
      }
    });
    SplittableRandom random = new SplittableRandom(0);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    shapes.forEach((n, s) -> {
      float[] d = new float[(int) FloatTensor.numel(s)];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) random.nextGaussian();
      }
      weights.put(n, new FloatTensor(s, d));
    });
    ObjectMapper json = new ObjectMapper();
    long bytes = 0;
    Mask mask = Mask.ones(prunableShapes);
    for (int k = 0; k < levels; k++) {
      // 20 levels per replicate at 0.8 density each, then the next replicate
      int replicate = k / 20;
      int level = k % 20;
      if (level == 0) {
        mask = Mask.ones(prunableShapes);
      } else {
        mask = MagnitudePruning.global().prune(weights, mask, Math.pow(0.8, level));
      }
      Map<String, FloatTensor> trained = mask.applyTo(weights);
      NetworkSparsity s = NetworkSparsity.of(trained, prunable);
      Path d = run.resolve("replicate_" + replicate + "/level_" + level + "/main");
      Files.createDirectories(d);
      Path ckpt = ExperimentLayout.checkpoint(d, 5);
      TicketCheckpoint.of(StateDict.ofFloats(trained), 5, "bench").withMasks(level == 0 ? Map.of() : mask.tensors())
          .write(ckpt);
      bytes += Files.size(ckpt);
      if (level > 0) {
        new TicketCheckpoint(StateDict.of(Map.of()), mask.tensors(), StateDict.of(Map.of()), level, "", Map.of())
            .write(ExperimentLayout.mask(d));
      }
      Files.writeString(ExperimentLayout.sparsity(d), json.writeValueAsString(s.perTensor()));
      Files.writeString(ExperimentLayout.record(d), String.format(Locale.ROOT,
          "{\"replicate\": %d, \"level\": %d, \"targetDensity\": %s, \"prunePercent\": %s,"
              + " \"networkSparsityPercent\": %s, \"metric\": \"top1\", \"metrics\": {\"top1\": 0.5}}",
          replicate, level, Math.pow(0.8, level), 100 * s.pruneFraction(), 100 * s.networkSparsity()));
    }
    System.out.printf(Locale.ROOT, "%d levels of resnet18 width %s (%d parameters and buffers), %.1f MB of"
        + " checkpoints, %d processors%n", levels, width, weights.values().stream().mapToLong(FloatTensor::size).sum(),
        bytes / 1e6, Runtime.getRuntime().availableProcessors());
    for (String pass : List.of("empty cache", "cached")) {
      long t0 = System.nanoTime();
      ReportInput input = RunIndex.scan(List.of(dir.resolve("runs")), null);
      HtmlReport report = HtmlReport.of(input);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "%-12s %6.2f s  (%d cost records, page %d KB)%n", pass, seconds,
          input.costs().size(), report.html().length() / 1000);
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String spec(double width) throws Exception {
    Path cfg = Files.createTempFile("report-costs-bench", ".yaml");
    cfg.toFile().deleteOnExit();
    Files.writeString(cfg, String.join("\n", "task: classify", "data: {train: train, val: val}",
        "model: {arch: resnet18, width: " + width + "}",
        "training: {iterations: 5it, batch: 6, size: 32, lr: 0.02, schedule: step, milestones: [1000it]}",
        "pruning: {preset: classifier-convs, fraction: 0.2, levels: 20}", "rewind: {at: 2it}", ""));
    return io.ticketlab.lottery.Experiment.read(cfg).spec().canonicalJson();
  }
}
