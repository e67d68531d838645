package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.lottery.ExperimentLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab demo --quick}: the whole pipeline (synthetic shapes and crops, Mask R-CNN dense,
 * its 80% ticket, the random-pruning control, the classifier lottery on crops, ImageNet ticket, mask
 * transfer, report) on a tiny scale; a second call reuses everything; {@code --full} continues the
 * folder with the rest of the paper's story; and a demo killed mid-way finishes with the same
 * numbers as an uninterrupted one.
 */
@Tag("engine")
class DemoCommandTest {
  private static final List<String> ROWS = List.of("dense (level 0)", "ticket, direct pruning",
      "random pruning (control)", "ImageNet ticket", "mask transfer");

  @TempDir Path tmp;

  @Test
  void quickDemo_runsEveryStage_writesTheReport_andResumesFromItsFolder() throws Exception {
    Path out = tmp.resolve("demo");
    // progress (the stage counter among it) goes to the process's standard error
    java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
    java.io.PrintStream standardError = System.err;
    MainTest.Outcome first;
    System.setErr(new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      first = MainTest.run("demo", "--quick", "--out", out.toString());
    } finally {
      System.setErr(standardError);
    }
    assertThat(first.exitCode()).as(first.err()).isZero();
    // the stage counter, in order
    List<String> stages = java.util.regex.Pattern.compile("\\[\\d/9] [^\\r\\n]*")
        .matcher(progress.toString(java.nio.charset.StandardCharsets.UTF_8)).results()
        .map(java.util.regex.MatchResult::group).toList();
    assertThat(stages).hasSize(9);
    assertThat(stages.get(0)).startsWith("[1/9] synthetic shapes");
    assertThat(stages.get(1)).startsWith("[2/9] classifier on crops, dense");
    assertThat(stages.get(3)).startsWith("[4/9] Mask R-CNN dense");
    assertThat(stages.get(7)).startsWith("[8/9] mask transfer 80%");
    assertThat(stages.get(8)).isEqualTo("[9/9] report");

    List<String> lines = first.out().lines().toList();
    assertThat(lines.get(0)).contains("Mask R-CNN").contains("prune").contains("sparsity").contains("bbox AP")
        .contains("segm AP").contains("GMACs").contains("on disk");
    for (int i = 0; i < ROWS.size(); i++) {
      assertThat(lines.get(1 + i)).startsWith(ROWS.get(i)).endsWith(" MB");
    }
    assertThat(lines.get(1)).contains(" 0.0% ");
    assertThat(percents(lines.get(1))[2]).as("dense backbone").isZero();
    // the ticket and its control: the same network sparsity, about 80% of the pruned set
    assertThat(percents(lines.get(2))[0]).isBetween(79.0, 81.0);
    assertThat(percents(lines.get(2))[1]).isBetween(60.0, 80.0).isEqualTo(percents(lines.get(3))[1]);
    // the transfers: 80% of the backbone's convs, so a lower network sparsity than the direct ticket's
    for (int row : new int[] {4, 5}) {
      assertThat(percents(lines.get(row))[0]).as(lines.get(row)).isBetween(79.0, 81.0);
      assertThat(percents(lines.get(row))[1]).as(lines.get(row)).isBetween(5.0, percents(lines.get(2))[1]);
      // ... and 80% of the detector's backbone convs: the column that compares them with direct pruning
      assertThat(percents(lines.get(row))[2]).as(lines.get(row)).isBetween(79.0, 81.0);
    }
    assertThat(percents(lines.get(2))[2]).as("direct ticket's backbone").isBetween(1.0, 99.9);
    // the ticket's weights take less room than the dense model's, and disk size falls faster than MACs
    assertThat(megabytes(lines.get(2))).isLessThan(megabytes(lines.get(1)) / 2);
    assertThat(gmacs(lines.get(2))).isPositive().isLessThan(gmacs(lines.get(1)));
    // the summary's ratios are those of its columns (MACs fall with layer-wise pruning's uniform density)
    java.util.regex.Matcher ratios = java.util.regex.Pattern.compile("ticket: ([0-9.]+)x smaller on disk, ([0-9.]+)x"
        + " fewer MACs").matcher(first.out());
    assertThat(ratios.find()).as(first.out()).isTrue();
    assertThat(Double.parseDouble(ratios.group(1))).isCloseTo(megabytes(lines.get(1)) / megabytes(lines.get(2)),
        org.assertj.core.api.Assertions.within(0.1));
    assertThat(Double.parseDouble(ratios.group(2))).isCloseTo(gmacs(lines.get(1)) / gmacs(lines.get(2)),
        org.assertj.core.api.Assertions.within(0.1));
    assertThat(first.out()).contains("--quick: a smoke test").contains("report: " + out.resolve("report.html"));
    // the findings, each read off the rows (their verdicts on a quick run mean nothing)
    assertThat(first.out()).contains("the paper's findings (bbox AP50 unless said)")
        .containsPattern("the 80% ticket within a few AP points of dense: (shows|does not show) here \\(")
        .containsPattern("random pruning clearly below the ticket: (shows|does not show) here")
        .containsPattern("mask transfer below direct pruning at the same backbone sparsity: (shows|does not show) here");

    // the report holds every arm
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("Instance segmentation (Mask R-CNN)", "Classification (ResNet)", "random-pruning",
        "ImageNet ticket", "mask transfer", "segm/AP");
    assertThat(out.resolve("report-files/table-seg.csv")).exists();
    // every section, filled from the real runs: no section is a "not run" box for what the demo ran
    for (String section : List.of("findings", "tables", "sparsity", "paper-tables", "ablations", "sizes", "errors", "convergence",
        "costs", "runs")) {
      assertThat(html).as(section).contains("<h2 id=\"" + section + "\"");
    }
    assertThat(html).contains("id=\"mask-transfer-seg\"", "id=\"categories-seg-bbox-", "id=\"categories-seg-segm-",
        "TIDE", "sparsity per layer", "disk size vs sparsity", "convergence-seg-validation-loss",
        "Every level and branch folder found has a level record.");
    assertThat(html).doesNotContain("data-form=\"mask-transfer\"", "class=\"unreadable\"");
    // the findings of the summary, in the report
    assertThat(html).contains("random pruning clearly below the ticket</td>", "--quick: a smoke test whose numbers");
    assertThat(Files.readString(out.resolve("report-files/findings.csv")).lines()).hasSize(6);
    // the detector has its random-pruning control (the classifier, the transfers' source, has none: a box)
    String detector = io.ticketlab.lottery.Experiment.read(out.resolve("mask-rcnn.yaml")).spec().runId();
    assertThat(html).doesNotContain("random-pruning control of lottery_" + detector)
        .contains("random-reinit control of lottery_" + detector);
    for (String config : List.of("mask-rcnn.yaml", "classifier.yaml", "imagenet-ticket.yaml", "mask-transfer.yaml")) {
      assertThat(out.resolve(config)).exists();
    }

    // ... and opens in a real browser: no console error, the figures painted (skipped without chromium)
    Path browser = ReportBrowserTest.chromium();
    if (browser == null) {
      System.out.println("DemoCommandTest: the demo's report not opened in a browser: no chromium on PATH");
    } else {
      ReportBrowserTest.Shot shot = ReportBrowserTest.open(browser, out.resolve("report.html"),
          Files.createDirectories(tmp.resolve("browser")));
      assertThat(shot.console()).as("console messages of the demo's report").isEmpty();
      assertThat(ReportBrowserTest.count(shot.image(), 0x1f4e79)).as("direct-pruning series painted")
          .isGreaterThan(200);
    }

    // again: nothing to train, the same summary
    MainTest.Outcome second = MainTest.run("demo", "--quick", "--quiet", "--out", out.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());

    TreeMap<String, String> plainRecords = records(out);
    fullDemo_continuesThePlainDemosFolder(out, plainRecords);

    // killed in the middle of a stage and run again: the same numbers, the same level records
    Path killed = tmp.resolve("killed");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path err = tmp.resolve("child.err");
    Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "demo", "--quick", "--out", killed.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    // the random-pruning control (stage 6) has begun training: a checkpoint of its branch exists
    while (child.isAlive() && !branchStarted(killed)) {
      assertThat(System.nanoTime()).as("the child reaches stage 6").isLessThan(deadline);
      Thread.sleep(20);
    }
    boolean interrupted = child.isAlive();
    child.destroyForcibly();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).as("killed before the end: %s", Files.readString(err)).isTrue();
    assertThat(killed.resolve("report.html")).doesNotExist();
    MainTest.Outcome resumed = MainTest.run("demo", "--quick", "--quiet", "--out", killed.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out().lines().limit(1 + ROWS.size()).toList())
        .isEqualTo(first.out().lines().limit(1 + ROWS.size()).toList());
    assertThat(records(killed)).isEqualTo(plainRecords);
    try (Stream<Path> all = Files.walk(killed)) {
      assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
    }
  }

  /**
   * {@code demo --full --quick} in the plain demo's folder: its eight stages reused (the same records),
   * the rest of the story added — a second replicate of the main arms as mean ± std, one-shot 50% and
   * 90%, iterative to 90%, a global threshold, an early-bird ticket, Keypoint R-CNN, cross-task both
   * ways — in the summary and in the report's sections.
   */
  private void fullDemo_continuesThePlainDemosFolder(Path out, TreeMap<String, String> before) throws Exception {
    java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
    java.io.PrintStream standardError = System.err;
    MainTest.Outcome full;
    System.setErr(new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      full = MainTest.run("demo", "--full", "--quick", "--out", out.toString());
    } finally {
      System.setErr(standardError);
    }
    assertThat(full.exitCode()).as(full.err()).isZero();
    List<String> stages = java.util.regex.Pattern.compile("\\[\\d+/19] [^\\r\\n]*")
        .matcher(progress.toString(java.nio.charset.StandardCharsets.UTF_8)).results()
        .map(java.util.regex.MatchResult::group).toList();
    assertThat(stages).hasSize(19);
    assertThat(stages.get(8)).startsWith("[9/19] Mask R-CNN dense and 80% ticket, second replicate");
    assertThat(stages.get(15)).startsWith("[16/19] Keypoint R-CNN dense");
    assertThat(stages.get(18)).isEqualTo("[19/19] report");
    // the plain demo's runs are reused as they are
    TreeMap<String, String> after = records(out);
    before.forEach((file, content) -> assertThat(after.get(file)).as(file).isEqualTo(content));

    List<String> lines = full.out().lines().toList();
    assertThat(lines.get(0)).startsWith("Mask R-CNN").contains("segm AP");
    // the main arms with two replicates: mean±std cells; the plain demo's arms first, in its order
    for (int i = 0; i < ROWS.size(); i++) {
      assertThat(lines.get(1 + i)).startsWith(ROWS.get(i) + " ×2").matches(".*( +[0-9.]+±[0-9.]+){4} .*");
    }
    // seed 0's replicate of every main arm is the plain demo's: its cells are means, so compare the records
    String[] seg = {"ticket 50%, one-shot", "ticket 90%, one-shot", "ticket, iterative round 1",
        "ticket, iterative round 2", "ticket, iterative round 3", "ticket 80%, global threshold", "early-bird ticket",
        "cross-task ticket from Keypoint R-CNN"};
    double[] prune = {50, 90, 53.6, 78.5, 90, 80, 80, 80};
    for (int i = 0; i < seg.length; i++) {
      String line = lines.get(1 + ROWS.size() + i);
      assertThat(line).as("row %d", i).startsWith(seg[i]).endsWith(" MB");
      assertThat(percents(line)[0]).as(line).isCloseTo(prune[i], org.assertj.core.api.Assertions.within(0.6));
    }
    // the global threshold: the same network sparsity as layer-wise, more of it outside the backbone here
    assertThat(percents(lines.get(1 + ROWS.size() + 5))[1]).isCloseTo(percents(lines.get(2))[1],
        org.assertj.core.api.Assertions.within(0.5));
    int kp = 1 + ROWS.size() + seg.length;
    assertThat(lines.get(kp)).startsWith("Keypoint R-CNN R18-FPN, persons").contains("kp AP");
    assertThat(lines.get(kp + 1)).startsWith("dense (level 0)").contains(" 0.0% ");
    assertThat(percents(lines.get(kp + 2))[0]).isBetween(79.0, 81.0);
    assertThat(lines.get(kp + 2)).startsWith("ticket, direct pruning");
    assertThat(lines.get(kp + 3)).startsWith("cross-task ticket from Mask R-CNN");
    // the cross-task tickets move the backbone's mask (and FPN/RPN/box head): 80% of the backbone convs
    assertThat(percents(lines.get(kp + 3))[2]).isBetween(79.0, 81.0);
    assertThat(full.out()).contains("×2: mean ± standard deviation over 2 replicates")
        .containsPattern("one-shot vs iterative at 90% \\(paper Fig. 2d\\): bbox AP50 [0-9.]+ one-shot, [0-9.]+ after three rounds")
        .containsPattern("global vs layer-wise at 80% \\(Fig. 2e\\): bbox AP50 [0-9.]+ global, [0-9.±]+ layer-wise; [0-9.]+ vs [0-9.]+ GMACs")
        .contains("--quick: a smoke test");
    java.util.regex.Matcher iou = java.util.regex.Pattern.compile("mask from 25% of dense training, IoU ([0-9.]+)")
        .matcher(full.out());
    assertThat(iou.find()).as(full.out()).isTrue();
    assertThat(Double.parseDouble(iou.group(1))).isBetween(0.5, 1.0);

    assertThat(full.out()).containsPattern("one-shot pruning at least as good as iterative pruning at 90% \\(the paper's"
        + " detectors\\): (shows|does not show) here").containsPattern("Keypoint R-CNN's ticket in Mask R-CNN below Mask"
        + " R-CNN's own ticket: (shows|does not show) here").contains("; mask IoU ");
    // the report: the findings, the ablations, the early-bird table, both cross-task tables, the keypoint sections
    String html = Files.readString(out.resolve("report.html"));
    assertThat(Files.readString(out.resolve("report-files/findings.csv")).lines()).hasSize(14);
    assertThat(html).contains("id=\"ablation-seg-pruning-rounds\"", "id=\"ablation-seg-pruning-strategy\"",
        "id=\"early-bird\"", "id=\"cross-task-seg\"", "id=\"cross-task-kp\"", "id=\"table-kp\"",
        "id=\"keypoint-errors\"", "Keypoint R-CNN");
    assertThat(html).doesNotContain("data-ablation=\"pruning.rounds\" data-task=\"seg\"",
        "data-ablation=\"pruning.strategy\" data-task=\"seg\"", "data-ablation=\"early-bird\"",
        "data-form=\"cross-task\"", "data-form=\"mask-transfer\"", "class=\"unreadable\"");
    // one-shot 90% against three rounds to 90%: the rounds figure's series, one per value
    String rounds = Files.readString(out.resolve("report-files/figure-ablation-seg-pruning-rounds.csv"));
    assertThat(rounds).contains("pruning.rounds 2 (one-shot)").contains("pruning.rounds 4 (iterative)");
    String strategy = Files.readString(out.resolve("report-files/figure-ablation-seg-pruning-strategy.csv"));
    assertThat(strategy).contains("pruning.strategy global").contains("pruning.strategy layerwise");
    // the main arms' two replicates in the direct-pruning table
    assertThat(strategy.lines().filter(l -> l.startsWith("pruning.strategy layerwise")).toList())
        .allSatisfy(l -> assertThat(l).endsWith(",2"));
    for (String config : List.of("mask-rcnn-50.yaml", "mask-rcnn-90.yaml", "mask-rcnn-90-iterative.yaml",
        "mask-rcnn-global.yaml", "keypoint-rcnn.yaml", "kp-from-mask-rcnn.yaml", "mask-rcnn-from-kp.yaml")) {
      assertThat(out.resolve(config)).exists();
    }
  }

  private static boolean branchStarted(Path out) throws Exception {
    Path runs = out.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return false;
    }
    for (ExperimentLayout e : ExperimentLayout.under(runs)) {
      Path branch = e.branch(0, 1, "random-pruning");
      if (Files.isDirectory(branch)) {
        try (Stream<Path> files = Files.list(branch)) {
          if (files.anyMatch(p -> p.getFileName().toString().matches("checkpoint_[1-9]\\d*\\.tlck"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Every level record and evaluation under {@code out}/runs, by relative path → content. */
  private static TreeMap<String, String> records(Path out) throws Exception {
    TreeMap<String, String> m = new TreeMap<>();
    Path runs = out.resolve("runs");
    try (Stream<Path> all = Files.walk(runs)) {
      for (Path p : all.filter(p -> p.getFileName().toString().matches("level\\.json|eval\\.json|sparsity\\.json"))
          .toList()) {
        // eval.json records where its ground truth was: another folder for each demo
        m.put(runs.relativize(p).toString(), Files.readString(p).replaceAll("\"ground_truth\" : \"[^\"]*\"", ""));
      }
    }
    assertThat(m).hasSizeGreaterThanOrEqualTo(7);
    return m;
  }

  /** The prune %, network sparsity % and backbone sparsity % of a summary row. */
  private static double[] percents(String line) {
    List<Double> v = new ArrayList<>();
    // after the 38-column name, which may hold a percent of its own ("ticket 50%, one-shot")
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(" ([0-9.]+)%").matcher(line.substring(38));
    while (m.find()) {
      v.add(Double.parseDouble(m.group(1)));
    }
    assertThat(v).as(line).hasSize(3);
    return new double[] {v.get(0), v.get(1), v.get(2)};
  }

  /** The GMACs column: the number before the size on disk. */
  private static double gmacs(String line) {
    return Double.parseDouble(line.replaceAll(".* ([0-9.]+) +[0-9.]+ MB$", "$1"));
  }

  private static double megabytes(String line) {
    return Double.parseDouble(line.replaceAll(".* ([0-9.]+) MB$", "$1"));
  }
}
