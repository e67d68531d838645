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
 * transfer, report) on a tiny scale; a second call reuses everything, and a demo killed mid-way
 * finishes with the same numbers as an uninterrupted one.
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

    // the report holds every arm
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("Instance segmentation (Mask R-CNN)", "Classification (ResNet)", "random-pruning",
        "ImageNet ticket", "mask transfer", "segm/AP");
    assertThat(out.resolve("report-files/table-seg.csv")).exists();
    // every section, filled from the real runs: no section is a "not run" box for what the demo ran
    for (String section : List.of("tables", "sparsity", "paper-tables", "ablations", "sizes", "errors", "convergence",
        "costs", "runs")) {
      assertThat(html).as(section).contains("<h2 id=\"" + section + "\"");
    }
    assertThat(html).contains("id=\"mask-transfer-seg\"", "id=\"categories-seg-bbox-", "id=\"categories-seg-segm-",
        "TIDE", "sparsity per layer", "disk size vs sparsity", "convergence-seg-validation-loss",
        "Every level and branch folder found has a level record.");
    assertThat(html).doesNotContain("data-form=\"mask-transfer\"", "class=\"unreadable\"");
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
    assertThat(records(killed)).isEqualTo(records(out));
    try (Stream<Path> all = Files.walk(killed)) {
      assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
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
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(" ([0-9.]+)%").matcher(line);
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
