import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark of TIDE (bbox): loads a GT and a results file, then times the whole analysis (matching,
 * errors, the 8 fixed APs and evaluate_range over 0.50:0.95) over several runs after warm-ups, and
 * separately the analysis at the foreground threshold only (tidecv's evaluate + summarize).
 *
 * <p>Usage: java -cp target/classes:target/lib/* bench/TideBench.java GT RESULTS RUNS
 */
public class TideBench {
  public static void main(String[] args) {
    Path gtPath = Path.of(args[0]);
    Path dtPath = Path.of(args[1]);
    int runs = Integer.parseInt(args[2]);
    long t0 = System.nanoTime();
    CocoDataset gt = CocoReader.readDataset(gtPath);
    long t1 = System.nanoTime();
    List<CocoResult> dt = CocoReader.readResults(dtPath, gt);
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "GT: %s in %.3f s; %d results in %.3f s%n", gt,
        (t1 - t0) / 1e9, dt.size(), (t2 - t1) / 1e9);
    TideSettings full = TideSettings.defaults(TideMode.BBOX);
    TideSettings single = full.withRangeThresholds();
    List<Double> fullTimes = new ArrayList<>();
    List<Double> singleTimes = new ArrayList<>();
    TideResult r = null;
    int warmup = 2;
    for (int run = 0; run < warmup + runs; run++) {
      long a = System.nanoTime();
      r = Tide.analyze(gt, dt, full);
      long b = System.nanoTime();
      Tide.analyze(gt, dt, single);
      long c = System.nanoTime();
      String tag = run < warmup ? "warm-up" : "run";
      System.out.printf(Locale.ROOT, "%s %d: TIDE + evaluate_range %.3f s, TIDE at IoU 0.5 only %.3f s%n",
          tag, run, (b - a) / 1e9, (c - b) / 1e9);
      if (run >= warmup) {
        fullTimes.add((b - a) / 1e9);
        singleTimes.add((c - b) / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "AP50 %.4f  AP[50:95] %.4f%n", r.ap(), r.apRangeMean());
    StringBuilder main = new StringBuilder("dAP");
    for (TideErrorType t : TideErrorType.values()) {
      main.append(String.format(Locale.ROOT, "  %s %.2f", t.shortName(), r.dAp(t)));
    }
    System.out.println(main + String.format(Locale.ROOT, "  FalsePos %.2f  FalseNeg %.2f",
        r.falsePositiveDap(), r.falseNegativeDap()));
    System.out.printf(Locale.ROOT,
        "best/median of %d: TIDE + evaluate_range %.3f / %.3f s; TIDE at 0.5 only %.3f / %.3f s%n",
        runs, Collections.min(fullTimes), median(fullTimes), Collections.min(singleTimes),
        median(singleTimes));
    System.out.printf(Locale.ROOT, "load once: GT %.3f s, results %.3f s%n", (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
