import io.ticketlab.common.FloatTensor;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.LossyError;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseCheckpoint;
import io.ticketlab.storage.SparseFormat;
import io.ticketlab.storage.SparseFormats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Storage benchmark: a ResNet-50 Mask R-CNN-sized state dict (torchvision's shapes and names,
 * Gaussian values with Kaiming-like per-tensor scales), a global-magnitude mask over the paper's
 * prunable set at 80/90/95%, then bytes per format against the entropy bound and encode/decode
 * times at 80%. Run with bench/storage/run.sh; not a unit test.
 */
public class StorageBench {
  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Architecture arch = Architectures.maskRcnnFpn(50, 800, 1333, 1000, 100);
    LinkedHashMap<String, FloatTensor> dense = stateDict(arch, 42);
    List<String> prunable = prunable(arch, dense);
    long total = dense.values().stream().mapToLong(FloatTensor::size).sum();
    System.out.printf("parameter set: %s state dict, %d tensors, %d float32 values; prunable %d tensors%n",
        arch.name(), dense.size(), total, prunable.size());
    System.out.printf("cpus: %d, java %s%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    boolean timingOnly = args.length > 2 && args[2].equals("--timing-only");
    List<String> everything = new ArrayList<>(dense.keySet());
    LinkedHashMap<String, FloatTensor> t80;
    if (timingOnly) {
      t80 = globalMagnitude(dense, everything, 0.8);
    } else {
      t80 = sizesAndFigures(arch, dense, everything, prunable, args.length > 1 ? args[1] : "target/bench-storage");
    }
    System.out.println("load average before timing: " + loadAverage());
    System.out.println("| format (80%) | encode best s | encode median s | decode best s | decode median s |");
    System.out.println("|---|---|---|---|---|");
    for (SparseFormat f : SparseFormats.all()) {
      double[] enc = new double[runs];
      double[] dec = new double[runs];
      byte[] file = null;
      for (int i = -3; i < runs; i++) {
        long t0 = System.nanoTime();
        file = SparseCheckpoint.encode(t80, f).toByteArray();
        long t1 = System.nanoTime();
        SparseCheckpoint.Contents c = SparseCheckpoint.decode(file, null);
        long t2 = System.nanoTime();
        if (c.tensors().size() != t80.size()) {
          throw new AssertionError();
        }
        if (i >= 0) {
          enc[i] = (t1 - t0) / 1e9;
          dec[i] = (t2 - t1) / 1e9;
        }
      }
      if (f.lossless() && !SparseCheckpoint.decode(file, null).tensors().equals(t80)) {
        throw new AssertionError("round trip failed for " + f.name());
      }
      Arrays.sort(enc);
      Arrays.sort(dec);
      System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f |%n", f.name(), enc[0], enc[runs / 2], dec[0], dec[runs / 2]);
    }
    System.out.println("load average after timing: " + loadAverage());
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** The size tables, the mask-coder comparison, the float16 error, MACs and the figures. */
  static LinkedHashMap<String, FloatTensor> sizesAndFigures(Architecture arch, LinkedHashMap<String, FloatTensor> dense,
      List<String> everything, List<String> prunable, String figureDir) {
    System.out.println("Global-magnitude mask over the whole state dict (sparsity = fraction of all values that are zero):");
    Map<Double, LinkedHashMap<String, FloatTensor>> pruned = sizeTable(dense, everything, "sparsity");
    System.out.println();
    System.out.println("Global-magnitude mask over the paper's prunable set only (shortcut convs, RPN outputs, final"
        + " predictors, biases and norms stay dense):");
    Map<Double, LinkedHashMap<String, FloatTensor>> prunedPaper = sizeTable(dense, prunable, "prune %");
    System.out.println();
    System.out.println("Mask only (values excluded), bits per position, whole state dict:");
    System.out.println("| sparsity | n·H(density) | nibble rANS (entropy) | context arithmetic (entropy-context) | Rice-coded gaps, best k per tensor | bitmap |");
    System.out.println("|---|---|---|---|---|---|");
    for (Map.Entry<Double, LinkedHashMap<String, FloatTensor>> e : pruned.entrySet()) {
      maskRow(e.getKey(), e.getValue());
    }
    System.out.println();
    LossyError e = LossyError.ofFloat16(pruned.get(0.8));
    System.out.printf("entropy-fp16 at 80%%: max abs error %.3g, max rel error %.3g, rms error %.3g, overflowed %d, flushed to zero %d%n%n",
        e.maxAbsError(), e.maxRelError(), e.rmsError(), e.overflowed(), e.flushedToZero());

    for (double p : new double[] {0.8, 0.9, 0.95}) {
      MacCounter.Report macs = MacCounter.count(arch, prunedPaper.get(p), null);
      System.out.printf("MACs %s: dense %.2f G, %.0f%% of the prunable set pruned: %.2f G (%.1f%%)%n", arch.input(),
          macs.denseMacs() / 1e9, 100 * p, macs.sparseMacs() / 1e9, 100 * macs.ratio());
    }
    System.out.println();

    figures(arch, dense, prunable, java.nio.file.Path.of(figureDir));
    return pruned.get(0.8);

  }

  static Map<Double, LinkedHashMap<String, FloatTensor>> sizeTable(
      LinkedHashMap<String, FloatTensor> dense, List<String> candidates, String label) {
    StringBuilder head = new StringBuilder("| " + label + " | network sparsity | bound MB |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (SparseFormat f : SparseFormats.all()) {
      head.append(' ').append(f.name()).append(" |");
      rule.append("---|");
    }
    System.out.println(head + " paper / entropy |");
    System.out.println(rule + "---|");
    Map<Double, LinkedHashMap<String, FloatTensor>> pruned = new LinkedHashMap<>();
    for (double p : new double[] {0.8, 0.9, 0.95}) {
      LinkedHashMap<String, FloatTensor> t = globalMagnitude(dense, candidates, p);
      pruned.put(p, t);
      SizeReport r = SizeReport.of(t, SparseFormats.all());
      StringBuilder row = new StringBuilder(String.format("| %.0f%% | %.2f%% | %.2f |", 100 * p, 100 * r.sparsity(), r.boundBytes() / 1e6));
      for (String f : r.formats()) {
        row.append(String.format(" %.2f MB (%.3f×) |", r.fileBytes().get(f) / 1e6, r.ratioToBound(f)));
      }
      row.append(String.format(" %.2f× |", (double) r.fileBytes().get("paper") / r.fileBytes().get("entropy")));
      System.out.println(row);
    }
    return pruned;
  }

  /** The paper's supplementary Figure 4 (disk space and MACs vs sparsity) for the prunable-set masks. */
  static void figures(Architecture arch, LinkedHashMap<String, FloatTensor> dense, List<String> prunable,
      java.nio.file.Path dir) {
    List<SizeReport> sizes = new ArrayList<>();
    List<MacCounter.Report> macs = new ArrayList<>();
    List<Double> sparsity = new ArrayList<>();
    for (double p : new double[] {0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98}) {
      LinkedHashMap<String, FloatTensor> t = p == 0 ? dense : globalMagnitude(dense, prunable, p);
      SizeReport r = SizeReport.of(t, List.of(SparseFormats.DENSE, SparseFormats.PAPER, SparseFormats.ENTROPY));
      // (entropy-context is within 0.1% of entropy on these unstructured masks)
      sizes.add(r);
      sparsity.add(r.sparsity());
      macs.add(MacCounter.count(arch, t, null));
    }
    try {
      io.ticketlab.report.StoragePlots.savePng(io.ticketlab.report.StoragePlots.diskSizeChart(sizes), dir.resolve("disk-vs-sparsity.png"));
      io.ticketlab.report.StoragePlots.savePng(io.ticketlab.report.StoragePlots.macsChart(sparsity, macs), dir.resolve("macs-vs-sparsity.png"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    System.out.println("| prune % of prunable set | network sparsity | paper MB | entropy MB | dense GMACs | sparse GMACs |");
    System.out.println("|---|---|---|---|---|---|");
    double[] prunes = {0, 20, 40, 50, 60, 70, 80, 90, 95, 98};
    for (int i = 0; i < sizes.size(); i++) {
      System.out.printf("| %.0f | %.2f%% | %.2f | %.2f | %.2f | %.2f |%n", prunes[i], 100 * sparsity.get(i),
          sizes.get(i).fileBytes().get("paper") / 1e6, sizes.get(i).fileBytes().get("entropy") / 1e6,
          macs.get(i).denseMacs() / 1e9, macs.get(i).sparseMacs() / 1e9);
    }
    System.out.println("figures: " + dir.resolve("disk-vs-sparsity.png") + ", " + dir.resolve("macs-vs-sparsity.png"));
    System.out.println();
  }

  /** Mask cost in bits per position: entropy, the arithmetic coder, Rice-coded gaps, a bitmap. */
  static void maskRow(double sparsity, LinkedHashMap<String, FloatTensor> tensors) {
    double entropyBits = 0;
    double riceBits = 0;
    long n = 0;
    SparseCheckpoint.Encoded encoded = SparseCheckpoint.encode(tensors, SparseFormats.ENTROPY);
    SparseCheckpoint.Encoded context = SparseCheckpoint.encode(tensors, SparseFormats.ENTROPY_CONTEXT);
    double ransBits = 0;
    double arithmeticBits = 0;
    int k = 0;
    for (FloatTensor t : tensors.values()) {
      long nnz = t.size() - t.countZeros();
      n += t.size();
      entropyBits += t.size() * io.ticketlab.storage.Masks.binaryEntropy((double) nnz / t.size());
      // entropy payload minus the values and the 1-byte dtype: the coded mask and its chunk table
      ransBits += 8.0 * (encoded.entries().get(k).payloadBytes() - 4 * nnz - 1);
      arithmeticBits += 8.0 * (context.entries().get(k++).payloadBytes() - 4 * nnz - 1);
      riceBits += riceBits(t.data());
    }
    System.out.printf("| %.0f%% | %.4f | %.4f | %.4f | %.4f | 1 |%n", 100 * sparsity, entropyBits / n, ransBits / n,
        arithmeticBits / n, riceBits / n);
  }

  /** Bits of the zero-run lengths before each non-zero (and the tail) in Rice code, best k. */
  static double riceBits(float[] d) {
    List<Integer> gaps = new ArrayList<>();
    int run = 0;
    for (float v : d) {
      if (v == 0f) {
        run++;
      } else {
        gaps.add(run);
        run = 0;
      }
    }
    gaps.add(run);
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 20; k++) {
      double bits = 0;
      for (int g : gaps) {
        bits += (g >>> k) + 1 + k;
      }
      best = Math.min(best, bits);
    }
    return best;
  }

  /** The state dict with Gaussian values: weights std sqrt(2/fan_in), biases 0.01, BN near 1/0. */
  static LinkedHashMap<String, FloatTensor> stateDict(Architecture arch, long seed) {
    List<Map.Entry<String, int[]>> entries = new ArrayList<>(arch.parameterShapes().entrySet());
    FloatTensor[] out = new FloatTensor[entries.size()];
    IntStream.range(0, entries.size()).parallel().forEach(k -> {
      String name = entries.get(k).getKey();
      int[] shape = entries.get(k).getValue();
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
      FloatTensor t = FloatTensor.zeros(shape);
      float[] d = t.data();
      double std;
      double mean = 0;
      if (shape.length >= 2) {
        long fanIn = t.size() / shape[0];
        std = Math.sqrt(2.0 / fanIn);
      } else if (name.endsWith("running_var")) {
        std = 0.1;
        mean = 1;
      } else if (name.contains("bn") || name.contains("downsample.1")) {
        std = 0.1;
        mean = name.endsWith(".weight") ? 1 : 0;
      } else {
        std = 0.01;
      }
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) (mean + std * random.nextGaussian());
      }
      out[k] = t;
    });
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    for (int k = 0; k < out.length; k++) {
      m.put(entries.get(k).getKey(), out[k]);
    }
    return m;
  }

  /** The paper's prunable set: conv/linear weights but shortcuts and final predictors. */
  static List<String> prunable(Architecture arch, Map<String, FloatTensor> dense) {
    return arch.layers().stream().map(l -> l.weightName()).distinct()
        .filter(n -> !n.contains("downsample") && !n.contains("rpn.head.cls_logits") && !n.contains("rpn.head.bbox_pred")
            && !n.contains("box_predictor") && !n.contains("mask_fcn_logits") && !n.contains("keypoint_predictor"))
        .toList();
  }

  /** Zeroes the fraction {@code prune} of smallest-magnitude weights over all prunable tensors. */
  static LinkedHashMap<String, FloatTensor> globalMagnitude(Map<String, FloatTensor> dense, List<String> prunable, double prune) {
    long n = prunable.stream().mapToLong(k -> dense.get(k).size()).sum();
    float[] all = new float[(int) n];
    int p = 0;
    for (String k : prunable) {
      for (float v : dense.get(k).data()) {
        all[p++] = Math.abs(v);
      }
    }
    Arrays.parallelSort(all);
    float threshold = all[(int) Math.round(prune * n)];
    LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : dense.entrySet()) {
      if (!prunable.contains(e.getKey())) {
        out.put(e.getKey(), e.getValue());
        continue;
      }
      float[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        if (Math.abs(d[i]) < threshold) {
          d[i] = 0f;
        }
      }
      out.put(e.getKey(), new FloatTensor(e.getValue().shape(), d));
    }
    return out;
  }
}
