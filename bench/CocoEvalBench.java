import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark of COCO evaluation: loads a GT and a results file, then times loading the results and
 * evaluate+accumulate over several runs (after warm-up runs), and reports best, median and the peak
 * heap. Run through bench/coco_eval.sh.
 *
 * <p>Usage: java -cp target/classes:target/lib/* bench/CocoEvalBench.java GT RESULTS IOUTYPE RUNS
 * [EXPECTED_AP]. For IOUTYPE segm the (box) results are turned into box-shaped RLE masks first,
 * untimed; the "load" time then includes only reading the file.
 */
public class CocoEvalBench {
  public static void main(String[] args) {
    Path gtPath = Path.of(args[0]);
    Path dtPath = Path.of(args[1]);
    IouType type = IouType.parse(args[2]);
    int runs = Integer.parseInt(args[3]);
    Double expectedAp = args.length > 4 ? Double.parseDouble(args[4]) : null;

    long t0 = System.nanoTime();
    CocoDataset gt = CocoReader.readDataset(gtPath);
    double gtSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "GT: %s in %.3f s%n", gt, gtSeconds);

    List<Double> load = new ArrayList<>();
    List<Double> eval = new ArrayList<>();
    Evaluation e = null;
    int warmup = 2;
    for (int run = 0; run < warmup + runs; run++) {
      long a = System.nanoTime();
      List<CocoResult> dt = CocoReader.readResults(dtPath, gt);
      long b = System.nanoTime();
      long b2 = b;
      if (type == IouType.SEGM) {
        dt = boxesAsMasks(gt, dt);
        b2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "  (boxes to masks, untimed: %.3f s)%n", (b2 - b) / 1e9);
      }
      long cpu0 = cpuNanos();
      e = CocoEvaluator.evaluate(gt, dt, EvalParams.defaults(type));
      long c = System.nanoTime();
      double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
      c -= b2 - b;
      String tag = run < warmup ? "warm-up" : "run";
      System.out.printf(Locale.ROOT,
          "%s %d: load %d results %.3f s, evaluate+accumulate %.3f s (cpu time, all threads %.3f s)%n",
          tag, run, dt.size(), (b - a) / 1e9, (c - b) / 1e9, cpuSeconds);
      if (run >= warmup) {
        load.add((b - a) / 1e9);
        eval.add((c - b) / 1e9);
      }
      dt = null;
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.print(e.summary());
    System.out.printf(Locale.ROOT, "load results:        best %.3f s, median %.3f s over %d runs%n",
        min(load), median(load), runs);
    System.out.printf(Locale.ROOT, "evaluate+accumulate: best %.3f s, median %.3f s over %d runs%n",
        min(eval), median(eval), runs);
    System.out.printf(Locale.ROOT, "peak heap (sum of pool peaks): %.0f MB, max heap %d MB, %d cpus%n",
        peak / 1e6, Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    if (expectedAp != null) {
      double diff = Math.abs(e.stat("AP") - expectedAp);
      System.out.printf(Locale.ROOT, "AP %.15f, pycocotools %.15f, |diff| %.3g%n",
          e.stat("AP"), expectedAp, diff);
      if (diff > 1e-12) {
        System.out.println("AP MISMATCH");
        System.exit(1);
      }
    }
  }

  /**
   * For the segm benchmark: every detection box becomes an RLE mask of that box at the image size
   * (compressed-RLE results without a bbox, so areas come from the masks, as detectron2 writes
   * them). Not timed.
   */
  private static List<CocoResult> boxesAsMasks(CocoDataset gt, List<CocoResult> dt) {
    return dt.parallelStream().map(r -> {
      CocoImage image = gt.image(r.imageId());
      Rle mask = Rle.fromBbox(r.bbox(), image.height(), image.width());
      return new CocoResult(r.imageId(), r.categoryId(), r.score(), null, mask, null);
    }).toList();
  }

  /** CPU time of all live threads (the evaluator's worker threads stay alive in the pool). */
  private static long cpuNanos() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }

  private static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double median(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
