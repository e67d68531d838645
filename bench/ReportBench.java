import io.ticketlab.cli.Main;
import io.ticketlab.lottery.Experiment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark of {@code ticketlab report}: writes 200 synthetic level records as the runner writes them
 * (10 experiments of det/seg/kp, direct pruning with its ablations, a mask transfer and a cross-task
 * transfer; 2 replicates × 6 levels + a random-pruning branch at levels 1–4; each folder with
 * {@code level.json}, {@code eval.json} and a 24-point {@code validation.csv}; {@code spec.json} per
 * experiment), then times the report over them: the first call in this JVM (class loading, JIT) and
 * the second.
 *
 * <p>Usage: {@code bench/report.sh [DIR] [CALLS]} (compiles this file, then runs it with
 * {@code java -cp CLASSES:target/classes:target/lib/* ReportBench DIR CALLS}; DIR: an empty or absent
 * folder; the records are written once and reused when DIR/runs exists).
 */
public class ReportBench {
  static final String DATA = "data: {train: coco/train.json, val: coco/val.json}";
  static final String TRAINING = "training: {iterations: 12ep, batch: 16, lr: 0.02, eval_every: 6000it}";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path root = dir.resolve("runs");
    if (!Files.exists(root)) {
      long t0 = System.nanoTime();
      int n = write(dir, root);
      System.out.printf(Locale.ROOT, "wrote %d level records under %s in %.2f s%n", n, root, (System.nanoTime() - t0) / 1e9);
    }
    Path page = dir.resolve("report.html");
    for (int c = 1; c <= calls; c++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      long t0 = System.nanoTime();
      int code = Main.run(new PrintWriter(out), new PrintWriter(err), "report", "--root", root.toString(), "--out",
          page.toString());
      double s = (System.nanoTime() - t0) / 1e9;
      if (code != 0) {
        throw new IllegalStateException("report exited " + code + ": " + err);
      }
      System.out.printf(Locale.ROOT, "call %d: %.3f s  (%s)%n", c, s, out.toString().strip());
    }
    System.out.printf(Locale.ROOT, "page: %d bytes%n", Files.size(page));
  }

  /** The experiments: task, pruning (null for a transfer), rewind, transfer. */
  static List<String> configs() {
    String base = "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 6}";
    List<String> c = new ArrayList<>();
    c.add(String.join("\n", "task: det", DATA, TRAINING, base, "rewind: {at: 1ep}"));
    c.add(String.join("\n", "task: det", DATA, TRAINING, base, "rewind: {at: 0it}"));
    c.add(String.join("\n", "task: det", DATA, TRAINING, "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 2}",
        "rewind: {at: 1ep}"));
    c.add(String.join("\n", "task: det", DATA, TRAINING,
        "pruning: {preset: paper-coco, strategy: layerwise, sparsity: 0.8, rounds: 6}", "rewind: {at: 1ep}"));
    c.add(String.join("\n", "task: det", DATA, TRAINING, "pruning: {preset: backbone-only, sparsity: 0.8, rounds: 6}",
        "rewind: {at: 1ep}"));
    c.add(String.join("\n", "task: seg", DATA, TRAINING, base, "rewind: {at: 1ep}", "early_bird: {fractions: [0.2]}"));
    c.add(String.join("\n", "task: seg", DATA, TRAINING, base, "rewind: {at: 0it}"));
    c.add(String.join("\n", "task: kp", DATA, TRAINING, base, "rewind: {at: 1ep}"));
    c.add(String.join("\n", "task: det", DATA, TRAINING, "transfer: {kind: mask, source: r18.pth, prune: 0.8}"));
    c.add(String.join("\n", "task: kp", DATA, TRAINING, "transfer: {kind: task, source: det-ticket}"));
    return c;
  }

  static int write(Path dir, Path root) throws Exception {
    Random random = new Random(17);
    List<String> configs = configs();
    int records = 0;
    for (int e = 0; e < configs.size(); e++) {
      Path cfg = Files.createDirectories(dir.resolve("configs")).resolve("exp" + e + ".yaml");
      Files.writeString(cfg, configs.get(e) + "\n");
      Experiment x = Experiment.read(cfg);
      Path run = x.layout(root).runDir();
      Files.createDirectories(run);
      Files.writeString(run.resolve("spec.json"), x.spec().canonicalJson());
      String task = x.spec().task().key();
      List<String> types = switch (task) {
        case "seg" -> List.of("bbox", "segm");
        case "kp" -> List.of("bbox", "keypoints");
        default -> List.of("bbox");
      };
      for (int r = 0; r < 2; r++) {
        for (int k = 0; k < 6; k++) {
          double prune = 100 * (1 - Math.pow(0.2, k / 5.0));
          records += folder(run.resolve("replicate_" + r + "/level_" + k + "/main"), r, k, prune, types, random, 0);
          if (k >= 1 && k <= 4) {
            records += folder(run.resolve("replicate_" + r + "/level_" + k + "/branch_random-pruning"), r, k, prune,
                types, random, 0.1);
          }
        }
      }
    }
    return records;
  }

  static final String[] STATS = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

  static int folder(Path d, int replicate, int level, double prune, List<String> types, Random random, double loss)
      throws Exception {
    Files.createDirectories(d);
    double ap = 0.30 - loss - 0.02 * level * level / 5 + 0.01 * random.nextGaussian();
    StringBuilder metrics = new StringBuilder();
    StringBuilder eval = new StringBuilder("{\n  \"iteration\" : 90000");
    for (String t : types) {
      eval.append(",\n  \"").append(t).append("\" : {");
      for (int s = 0; s < STATS.length; s++) {
        if (t.equals("keypoints") && STATS[s].endsWith("s")) {
          continue;
        }
        double v = Math.max(0, ap * (1 + 0.3 * s / STATS.length) + 0.005 * random.nextGaussian());
        eval.append(s == 0 ? "" : ", ").append('"').append(STATS[s]).append("\" : ").append(v);
        if (s < 6) {
          metrics.append(metrics.length() == 0 ? "" : ",\n    ").append('"').append(t).append('/').append(STATS[s])
              .append("\" : ").append(v);
        }
      }
      eval.append('}');
    }
    Files.writeString(d.resolve("eval.json"), eval.append("\n}\n").toString());
    Files.writeString(d.resolve("level.json"), String.format(Locale.ROOT,
        "{\n  \"replicate\" : %d,\n  \"level\" : %d,\n  \"targetDensity\" : %s,\n  \"prunePercent\" : %s,\n"
            + "  \"networkSparsityPercent\" : %s,\n  \"metric\" : \"bbox/AP\",\n  \"metrics\" : {\n    %s\n  }\n}\n",
        replicate, level, 1 - prune / 100, prune, prune * 0.98, metrics));
    StringBuilder csv = new StringBuilder("iteration,epoch,val_loss_classifier,val_loss_box_reg,val_loss_objectness,"
        + "val_loss_rpn_box_reg");
    types.forEach(t -> csv.append(',').append(t).append("/AP,").append(t).append("/AP50,").append(t).append("/AP75"));
    csv.append('\n');
    for (int p = 1; p <= 24; p++) {
      double f = p / 24.0;
      csv.append(p * 3750).append(',').append(f * 12).append(',').append(0.6 - 0.3 * f).append(',')
          .append(0.5 - 0.2 * f).append(',').append(0.1 - 0.05 * f).append(',').append(0.08 - 0.03 * f);
      for (String t : types) {
        csv.append(',').append(ap * f).append(',').append(ap * f * 1.6).append(',').append(p % 5 == 0 ? "NaN" : ap * f);
      }
      csv.append('\n');
    }
    Files.writeString(d.resolve("validation.csv"), csv.toString());
    return 1;
  }
}
