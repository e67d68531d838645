package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.lottery.Experiment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab report} over hand-written run folders (spec.json from a real config, level.json and
 * validation.csv as the runner writes them; no training): what the tables and figures show.
 */
class ReportCommandTest {
  @TempDir Path dir;

  static final String DET = String.join("\n",
      "task: det", "data: {train: coco/train.json, val: coco/val.json}",
      "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it, eval_every: 5it}",
      "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 3}", "rewind: {at: 2it}", "");
  static final String MASK = String.join("\n",
      "task: seg", "data: {train: coco/train.json, val: coco/val.json}",
      "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it}",
      "transfer: {kind: mask, source: ticket.tlck, prune: 0.5}", "");

  /** Writes the experiment's spec.json under {@code root}; returns its folder. */
  Path experiment(Path root, String yaml, String name) throws Exception {
    Path cfg = Files.writeString(dir.resolve(name + ".yaml"), yaml);
    Experiment e = Experiment.read(cfg);
    Path run = e.layout(root).runDir();
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), e.spec().canonicalJson());
    return run;
  }

  static Path level(Path run, int replicate, int level, String branch, double prune, double sparsity,
      Map<String, Double> metrics) throws Exception {
    Path d = run.resolve("replicate_" + replicate).resolve("level_" + level).resolve(branch == null ? "main" : "branch_" + branch);
    Files.createDirectories(d);
    StringBuilder m = new StringBuilder();
    metrics.forEach((k, v) -> m.append(m.length() == 0 ? "" : ", ").append('"').append(k).append("\": ").append(v));
    Files.writeString(d.resolve("level.json"), String.format(java.util.Locale.ROOT,
        "{\n  \"replicate\" : %d,\n  \"level\" : %d,\n  \"targetDensity\" : %s,\n  \"prunePercent\" : %s,\n"
            + "  \"networkSparsityPercent\" : %s,\n  \"metric\" : \"%s\",\n  \"metrics\" : {%s}\n}\n",
        replicate, level, 1 - prune / 100, prune, sparsity, metrics.keySet().iterator().next(), m));
    return d;
  }

  static Map<String, Double> det(double ap, double ap50) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("bbox/AP", ap);
    m.put("bbox/AP50", ap50);
    m.put("bbox/AP75", 0.01);
    return m;
  }

  /** A det experiment: 2 replicates × levels 0..2, a random-pruning branch at level 2, validation curves. */
  Path detRoot() throws Exception {
    Path root = dir.resolve("runs");
    Path run = experiment(root, DET, "det");
    double[] sparsity = {0, 45.5, 71.25};
    double[][] ap = {{0.40, 0.42}, {0.31, 0.29}, {0.25, 0.20}};
    for (int r = 0; r < 2; r++) {
      for (int k = 0; k < 3; k++) {
        level(run, r, k, null, k * 40, sparsity[k], det(ap[k][r], ap[k][r] + 0.2));
      }
      level(run, r, 2, "random-pruning", 80, 71.25, det(0.10 + 0.02 * r, 0.3));
    }
    // eval.json of replicate 0: small objects lose most (APs 0.20 → 0.05, APl 0.60 → 0.55)
    double[][] sizes = {{0.20, 0.40, 0.60}, {0.12, 0.33, 0.58}, {0.05, 0.25, 0.55}};
    for (int k = 0; k < 3; k++) {
      Files.writeString(run.resolve("replicate_0/level_" + k + "/main/eval.json"), String.format(java.util.Locale.ROOT,
          "{\"iteration\": 10, \"bbox\": {\"AP\": %s, \"APs\": %s, \"APm\": %s, \"APl\": %s, \"AR1\": 0.5}}",
          ap[k][0], sizes[k][0], sizes[k][1], sizes[k][2]));
    }
    Files.writeString(run.resolve("replicate_0/level_0/main/validation.csv"),
        "iteration,epoch,val_loss_classifier,val_loss_box_reg,bbox/AP,bbox/AP50,bbox/AP75\n"
            + "5,0.5,1.5,0.5,0.1,0.2,0.05\n10,1.0,1.0,0.25,0.3,0.5,0.1\n");
    Files.writeString(run.resolve("replicate_0/level_2/main/validation.csv"),
        "iteration,epoch,val_loss_classifier,val_loss_box_reg,bbox/AP,bbox/AP50,bbox/AP75\n"
            + "5,0.5,1.75,0.5,0.05,0.1,NaN\n10,1.0,1.25,0.5,0.25,0.4,0.1\n");
    return root;
  }

  String[] report(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("report"));
    all.addAll(List.of(args));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  /** The CSV rows of a table as column → value maps. */
  static List<Map<String, String>> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] p = line.split(",", -1);
      assertThat(p).hasSameSizeAs(header);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], p[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  static Map<String, String> row(List<Map<String, String>> rows, String kind, int level) {
    return rows.stream().filter(r -> r.get("kind").equals(kind) && r.get("level").equals(String.valueOf(level)))
        .findFirst().orElseThrow(() -> new AssertionError("no row " + kind + " level " + level + " in " + rows));
  }

  /** The (x, y, err) points of the SVG series named {@code name} inside figure {@code id}. */
  static List<double[]> points(String html, String figureId, String series) {
    int f = html.indexOf("<figure id=\"" + figureId + "\">");
    assertThat(f).as("figure " + figureId).isNotNegative();
    String fig = html.substring(f, html.indexOf("</figure>", f));
    int s = fig.indexOf("<g class=\"series\" data-name=\"" + series + "\"");
    assertThat(s).as("series " + series + " in " + figureId).isNotNegative();
    String g = fig.substring(s, fig.indexOf("</g>", s));
    Matcher m = Pattern.compile("data-x=\"([^\"]+)\" data-y=\"([^\"]+)\"(?: data-err=\"([^\"]+)\")?").matcher(g);
    List<double[]> out = new ArrayList<>();
    while (m.find()) {
      out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
          m.group(3) == null ? Double.NaN : Double.parseDouble(m.group(3))});
    }
    return out;
  }

  @Test
  void table_holdsPruneSparsityAndMeanPlusMinusPopulationStdOverReplicates() throws Exception {
    Path root = detRoot();
    Path page = dir.resolve("out/report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("8 level records"); // 2 replicates × (levels 0..2 + one branch)
    List<Map<String, String>> rows = csv(dir.resolve("out/report-files/table-det.csv"));
    assertThat(rows).hasSize(4); // levels 0, 1, 2 and the random-pruning branch at level 2
    Map<String, String> l1 = row(rows, "direct pruning", 1);
    assertThat(l1.get("replicates")).isEqualTo("2");
    assertThat(Double.parseDouble(l1.get("prune_percent"))).isEqualTo(40.0);
    assertThat(Double.parseDouble(l1.get("network_sparsity_percent"))).isEqualTo(45.5);
    assertThat(Double.parseDouble(l1.get("bbox/AP_mean"))).isCloseTo(30.0, within(1e-9));
    assertThat(Double.parseDouble(l1.get("bbox/AP_std"))).isCloseTo(1.0, within(1e-9)); // population, not 1.414
    assertThat(Double.parseDouble(l1.get("bbox/AP50_mean"))).isCloseTo(50.0, within(1e-9));
    Map<String, String> branch = row(rows, "random-pruning", 2);
    assertThat(Double.parseDouble(branch.get("bbox/AP_mean"))).isCloseTo(11.0, within(1e-9));
    assertThat(rows.get(0).keySet()).doesNotContain("bbox/AP75_mean"); // the paper's table: AP and AP50
    String html = Files.readString(page);
    assertThat(html).contains("<td>direct pruning level 1</td><td>1</td><td>2</td><td>40.00</td><td>45.50</td>"
        + "<td data-metric=\"bbox/AP\">30.0 ± 1.0</td><td data-metric=\"bbox/AP50\">50.0 ± 1.0</td>");
    assertThat(html).contains("<td>dense</td><td>0</td>");
    assertThat(html).contains("<td data-metric=\"bbox/AP\">22.5 ± 2.5</td>");
  }

  @Test
  void sparsityFigure_plotsOneSeriesPerKind_withStdErrorBars_andTransfersFromAnotherRoot() throws Exception {
    Path root = detRoot();
    Path other = dir.resolve("transfers");
    Path mask = experiment(other, MASK, "mask");
    Map<String, Double> seg = new LinkedHashMap<>();
    seg.put("bbox/AP", 0.33);
    seg.put("segm/AP", 0.27);
    seg.put("segm/AP50", 0.5);
    level(mask, 0, 1, null, 50, 38.5, seg);
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--root", other.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = Files.readString(page);
    List<double[]> direct = points(html, "sparsity-det-bbox-AP", "direct pruning");
    assertThat(direct).hasSize(3);
    assertThat(direct.get(0)).containsExactly(new double[] {0.0, 41.0, 1.0}, within(1e-9));
    assertThat(direct.get(1)).containsExactly(new double[] {45.5, 30.0, 1.0}, within(1e-9));
    assertThat(direct.get(2)).containsExactly(new double[] {71.25, 22.5, 2.5}, within(1e-9));
    List<double[]> random = points(html, "sparsity-det-bbox-AP", "random-pruning");
    assertThat(random).hasSize(1);
    assertThat(random.get(0)).containsExactly(new double[] {71.25, 11.0, 1.0}, within(1e-9));
    // the mask transfer is a segmentation run: its own panels, one point, no error bar (one replicate)
    List<double[]> transfer = points(html, "sparsity-seg-segm-AP", "mask transfer");
    assertThat(transfer).hasSize(1);
    assertThat(transfer.get(0)[0]).isEqualTo(38.5);
    assertThat(transfer.get(0)[1]).isCloseTo(27.0, within(1e-9));
    assertThat(transfer.get(0)[2]).isNaN();
    assertThat(points(html, "sparsity-seg-bbox-AP", "mask transfer").get(0)[1]).isCloseTo(33.0, within(1e-9));
    List<Map<String, String>> seg_ = csv(dir.resolve("report-files/table-seg.csv"));
    assertThat(row(seg_, "mask transfer", 1).get("segm/AP_std")).isEmpty();
    assertThat(html).contains("lottery_" + mask.getFileName().toString().substring("lottery_".length()) + " (1 replicate)");
    List<Map<String, String>> fig = csv(dir.resolve("report-files/figure-sparsity-det-bbox-AP.csv"));
    assertThat(fig).hasSize(4);
    // random-pruning ran, random-reinit did not: one "not run" box with the command; none for the transfer
    String run;
    try (var s = Files.list(root)) {
      run = s.findFirst().orElseThrow().getFileName().toString();
    }
    assertThat(html).contains("<p class=\"notrun\" data-control=\"random-reinit\">Not run: the random-reinit control of "
        + run + " (the baseline a ticket must beat). Run it with <code>ticketlab lottery branch --name random-reinit"
        + " --config CONFIG --root " + root + " --level 2</code>");
    assertThat(html).doesNotContain("data-control=\"random-pruning\"");
    assertThat(html.split("class=\"notrun\" data-control=", -1)).hasSize(2);
  }

  @Test
  void sizeTable_showsApPerObjectSize_andTheChangeFromTheDenseNetwork() throws Exception {
    Path page = dir.resolve("report.html");
    String[] r = report("--root", detRoot().toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-sizes-det.csv"));
    assertThat(rows).hasSize(3); // the branch folders have no eval.json
    Map<String, String> l2 = row(rows, "direct pruning", 2);
    assertThat(l2.get("replicates")).isEqualTo("1");
    assertThat(Double.parseDouble(l2.get("bbox/APs_mean"))).isCloseTo(5.0, within(1e-9));
    assertThat(Double.parseDouble(l2.get("bbox/APs_change"))).isCloseTo(-15.0, within(1e-9));
    assertThat(Double.parseDouble(l2.get("bbox/APl_change"))).isCloseTo(-5.0, within(1e-9));
    assertThat(l2.get("bbox/APs_std")).isEmpty();
    assertThat(rows.get(0).keySet()).doesNotContain("bbox/AR1_mean", "bbox/AP_mean");
    String html = Files.readString(page);
    assertThat(html).contains("<td data-metric=\"bbox/APm\">25.0</td><td data-change=\"bbox/APm\">-15.0</td>");
    assertThat(html).contains("<th>bbox/APs (%)</th><th>Δ</th><th>bbox/APm (%)</th><th>Δ</th><th>bbox/APl (%)</th>");
  }

  @Test
  void provenance_ofEveryProcess_isListedCollapsed_withUnfinishedSessionsMarked() throws Exception {
    Path root = detRoot();
    Path run;
    try (var s = Files.list(root)) {
      run = s.findFirst().orElseThrow();
    }
    String session = "{\"ticketlab\": \"0.3.0\", \"gitCommit\": \"abc123\", \"java\": \"j\", \"os\": \"o\","
        + " \"djl\": \"0.30.0\", \"libtorch\": \"2.4.0 (cpu)\", \"devices\": [\"cpu()\"], \"threads\": 2,"
        + " \"onednnIsa\": \"AVX2\", \"nativeMemory\": \"n\", \"seed\": %d, \"host\": \"node7\", \"pid\": 1,"
        + " \"commandLine\": \"ticketlab lottery\", \"started\": \"2026-01-01T00:00:00Z\"%s}";
    Files.writeString(run.resolve("replicate_0/level_1/main/provenance.json"), "{\"sessions\": ["
        + String.format(session, 7, ", \"finished\": \"2026-01-01T01:00:00Z\"") + ", " + String.format(session, 7, "")
        + "]}");
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = Files.readString(page);
    String details = html.substring(html.indexOf("<details id=\"provenance\">"), html.indexOf("</details>"));
    assertThat(details).contains("<summary>Provenance: 2 processes that computed these levels</summary>");
    String folder = run.getFileName().toString().substring("lottery_".length()) + "/replicate_0/level_1/main";
    assertThat(details).contains("<tr><td>" + folder + "</td><td>0.3.0</td><td>abc123</td><td>2.4.0 (cpu)</td>"
        + "<td>cpu()</td><td>AVX2</td><td>7</td><td>node7</td><td>2026-01-01T00:00:00Z</td><td>2026-01-01T01:00:00Z</td></tr>");
    assertThat(details).contains("<td>2026-01-01T00:00:00Z</td><td>not finished</td></tr>");
    assertThat(csv(dir.resolve("report-files/provenance.csv"))).hasSize(2);
  }

  @Test
  void foldersOfTicketLab01_areReported_asClassificationWithTop1AndTop5() throws Exception {
    Path legacy = Path.of(ReportCommandTest.class.getResource("/legacy/runs-0.1").toURI());
    Path page = dir.resolve("report.html");
    String[] r = report("--root", legacy.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-classify.csv"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("experiment", "992f64fcbbc7").containsEntry("kind", "direct pruning")
        .containsEntry("level", "0").containsEntry("top1_mean", "50.0").containsEntry("top5_mean", "100.0");
    String html = Files.readString(page);
    assertThat(html).contains("<h3>Classification (ResNet)</h3>").contains("<td>dense</td>")
        .contains("<p class=\"notrun\">No validation.csv in these runs");
    assertThat(html).doesNotContain("data-control="); // no pruned level yet: no control is missing
  }

  @Test
  void convergenceFigure_showsValidationLossAndApOverIterations_perLevel() throws Exception {
    Path page = dir.resolve("report.html");
    String[] r = report("--root", detRoot().toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = Files.readString(page);
    String id = html.substring(html.indexOf("<figure id=\"convergence-") + "<figure id=\"".length());
    id = id.substring(0, id.indexOf('"'));
    assertThat(id).endsWith("-validation-loss");
    // no val_loss column: the sum of the val_* terms
    assertThat(points(html, id, "level 0")).extracting(p -> p[1]).containsExactly(2.0, 1.25);
    assertThat(points(html, id, "level 2")).extracting(p -> p[0]).containsExactly(5.0, 10.0);
    assertThat(points(html, id, "level 2")).extracting(p -> p[1]).containsExactly(2.25, 1.75);
    String ap = id.replace("-validation-loss", "-bbox-AP");
    assertThat(points(html, ap, "level 0")).extracting(p -> p[1])
        .satisfiesExactly(y -> assertThat(y).isCloseTo(10.0, within(1e-9)), y -> assertThat(y).isCloseTo(30.0, within(1e-9)));
    assertThat(html).contains("sum of val_* terms");
  }

  @Test
  void page_isSelfContained_andTwoReportsAreByteIdentical() throws Exception {
    Path root = detRoot();
    Path a = dir.resolve("a.html");
    Path b = dir.resolve("b.html");
    assertThat(report("--root", root.toString(), "--out", a.toString())[0]).isEqualTo("0");
    assertThat(report("--root", root.toString(), "--out", b.toString())[0]).isEqualTo("0");
    String html = Files.readString(a);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg class=\"plot\"");
    assertThat(html.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("http").doesNotContain("src=").doesNotContain("href=").doesNotContain("url(")
        .doesNotContain("<script").doesNotContain("<link").doesNotContain("@import");
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    try (var files = Files.list(dir.resolve("a-files"))) {
      for (Path f : files.toList()) {
        assertThat(Files.readAllBytes(dir.resolve("b-files").resolve(f.getFileName()))).isEqualTo(Files.readAllBytes(f));
      }
    }
  }

  @Test
  void unfinishedAndUnreadableLevels_areListed_theRestIsReported_withAWarning() throws Exception {
    Path root = detRoot();
    Path run;
    try (var s = Files.list(root)) {
      run = s.findFirst().orElseThrow();
    }
    Files.createDirectories(run.resolve("replicate_0/level_3/main")); // still training
    Path corrupt = run.resolve("replicate_1/level_2/branch_random-reinit");
    Files.createDirectories(corrupt);
    Files.writeString(corrupt.resolve("level.json"), "{\"replicate\": 1, \"level\": ");
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("1 still training").contains("1 warnings");
    assertThat(r[2].strip().lines()).hasSize(1).allMatch(l -> l.startsWith("warning: left out: ")
        && l.contains(corrupt.resolve("level.json").toString()) && l.contains("not a level record"));
    String html = Files.readString(page);
    assertThat(html).contains("<ul class=\"unfinished\">\n<li>" + run.resolve("replicate_0/level_3/main") + "</li>");
    assertThat(html).contains("<ul class=\"unreadable\">\n<li>" + corrupt.resolve("level.json"));
    assertThat(csv(dir.resolve("report-files/table-det.csv"))).hasSize(4);
  }

  @Test
  void badInput_exitsTwoInOneLine_andWritesNothing() throws Exception {
    Path page = dir.resolve("report.html");
    String[] missing = report("--root", dir.resolve("nope").toString(), "--out", page.toString());
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[2].strip()).isEqualTo("ticketlab report: " + dir.resolve("nope") + ": no such folder");

    Path empty = Files.createDirectories(dir.resolve("empty"));
    String[] none = report("--root", empty.toString(), "--out", page.toString());
    assertThat(none[0]).isEqualTo("2");
    assertThat(none[2].strip()).isEqualTo("ticketlab report: " + empty + ": no experiment folders (lottery_<id>) in it");

    Path root = dir.resolve("bad");
    Path run = experiment(root, DET, "det");
    Path d = level(run, 0, 0, null, 0, 0, det(0.4, 0.6));
    Files.writeString(d.resolve("level.json"), "{\"replicate\": 0, \"level\": 0, \"prunePercent\": 140,"
        + " \"networkSparsityPercent\": 0, \"metric\": \"bbox/AP\", \"metrics\": {\"bbox/AP\": 0.4}}");
    String[] bad = report("--root", root.toString(), "--out", page.toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2].strip()).doesNotContain("\n").contains(d.resolve("level.json").toString())
        .contains("prunePercent: bad value 140.0");

    String[] both = report("--root", root.toString(), "--root", detRoot().toString(), "--root", empty.toString(),
        "--out", page.toString());
    assertThat(both[0]).isEqualTo("2"); // one bad root refuses the whole report
    assertThat(page).doesNotExist();
    assertThat(dir.resolve("report-files")).doesNotExist();
  }
}
