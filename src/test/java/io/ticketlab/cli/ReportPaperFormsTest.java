package io.ticketlab.cli;

import static io.ticketlab.cli.ReportCommandTest.csv;
import static io.ticketlab.cli.ReportCommandTest.det;
import static io.ticketlab.cli.ReportCommandTest.level;
import static io.ticketlab.cli.ReportCommandTest.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.lottery.Experiment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab report}'s other table forms of the paper (Table 3, Table 4, supplementary Table 1)
 * and its ablations (Fig. 2), over hand-written run folders: which experiments each form groups, its
 * lines and series, and the "not run" boxes.
 */
class ReportPaperFormsTest {
  @TempDir Path dir;

  static String detConfig(String pruning, String rewind, String extra) {
    return String.join("\n", "task: det", "data: {train: coco/train.json, val: coco/val.json}",
        "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it}", "pruning: {" + pruning + "}",
        "rewind: {at: " + rewind + "}", extra, "");
  }

  static final String BASE = detConfig("preset: paper-coco, sparsity: 0.8, rounds: 3", "2it", "");

  static String transfer(String task, String transfer) {
    return String.join("\n", "task: " + task, "data: {train: coco/train.json, val: coco/val.json}",
        "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it}", "transfer: {" + transfer + "}", "");
  }

  /** Writes the experiment's spec.json under {@code root}; returns its folder. */
  Path experiment(Path root, String yaml) throws Exception {
    Path cfg = Files.writeString(Files.createTempFile(dir, "config", ".yaml"), yaml);
    Experiment e = Experiment.read(cfg);
    Path run = e.layout(root).runDir();
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), e.spec().canonicalJson());
    return run;
  }

  static String id(Path run) {
    return run.getFileName().toString().substring("lottery_".length());
  }

  /** Levels 0..2 of direct pruning, AP {@code ap[k][r]} over replicates r (AP50 = AP + 0.2). */
  static void levels(Path run, double[] sparsity, double[][] ap) throws Exception {
    for (int k = 0; k < ap.length; k++) {
      for (int r = 0; r < ap[k].length; r++) {
        level(run, r, k, null, k * 40, sparsity[k], det(ap[k][r], ap[k][r] + 0.2));
      }
    }
  }

  String html(Path root) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path page = dir.resolve("report.html");
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "report", "--root", root.toString(), "--out",
        page.toString());
    assertThat(code).as(err.toString()).isZero();
    this.err = err.toString();
    return Files.readString(page);
  }

  String err;

  static String min(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static String section(String html, String id) {
    int s = html.indexOf("<section class=\"table\" id=\"" + id + "\">");
    assertThat(s).as("section " + id).isNotNegative();
    return html.substring(s, html.indexOf("</section>", s));
  }

  static String notRun(String html, String attributes) {
    int s = html.indexOf("<p class=\"notrun\" " + attributes + ">");
    assertThat(s).as("not-run box " + attributes).isNotNegative();
    return html.substring(s, html.indexOf("</p>", s) + 4);
  }

  @Test
  void transferTables_showCrossTaskAndMaskTransferLines_besideDenseAndDirectPruning_ofTheirTask() throws Exception {
    Path root = dir.resolve("runs");
    Path kp = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 2", "2it", "").replace("task: det",
        "task: kp"));
    Map<String, Double> kpMetrics = new java.util.LinkedHashMap<>();
    kpMetrics.put("keypoints/AP", 0.59);
    kpMetrics.put("keypoints/AP50", 0.8);
    level(kp, 0, 0, null, 0, 0, kpMetrics);
    kpMetrics.put("keypoints/AP", 0.58);
    level(kp, 0, 1, null, 80, 75.5, kpMetrics);
    level(kp, 0, 2, null, 90, 85.0, kpMetrics); // no transfer at 90%: not in the Table 4 form
    Path cross = experiment(root, transfer("kp", "kind: task, source: det-ticket"));
    kpMetrics.put("keypoints/AP", 0.55);
    level(cross, 0, 1, null, 80, 60.25, kpMetrics);
    level(cross, 1, 1, null, 80, 60.25, Map.of("keypoints/AP", 0.57, "keypoints/AP50", 0.8));
    Path mask = experiment(root, transfer("det", "kind: mask, source: r18.pth, prune: 0.5"));
    level(mask, 0, 1, null, 50, 30.0, det(0.25, 0.45));
    Path direct = experiment(root, BASE);
    level(direct, 0, 0, null, 0, 0, det(0.30, 0.5));
    level(direct, 0, 1, null, 49.8, 45.5, det(0.29, 0.49));
    level(direct, 0, 2, null, 80, 72.0, det(0.20, 0.4));

    String html = html(root);
    String t4 = section(html, "cross-task-kp");
    assertThat(t4).contains("<h3>Table 4: cross-task transfer, Keypoints (Keypoint R-CNN)</h3>");
    assertThat(t4).contains("<th>prune %</th><th>ticket</th><th>network sparsity %</th><th>keypoints/AP (%)</th>"
        + "<th>keypoints/AP50 (%)</th><th>replicates</th><th>experiment</th>");
    assertThat(t4.split("<tr data-ticket=", -1)).hasSize(4); // dense, direct pruning at 80%, the transfer
    assertThat(t4).contains("<tr data-ticket=\"dense\" data-experiment=\"" + id(kp) + "\"><td>0.0</td><td>dense</td>"
        + "<td>0.00</td><td data-metric=\"keypoints/AP\">59.0</td><td data-metric=\"keypoints/AP50\">80.0</td><td>1</td>"
        + "<td>" + id(kp) + " level 0</td></tr>\n"
        + "<tr data-ticket=\"direct pruning\" data-experiment=\"" + id(kp) + "\"><td>80.0</td><td>direct pruning</td>"
        + "<td>75.50</td><td data-metric=\"keypoints/AP\">58.0</td>");
    assertThat(t4).contains("<tr data-ticket=\"cross-task ticket\" data-experiment=\"" + id(cross) + "\"><td>80.0</td>"
        + "<td>cross-task ticket</td><td>60.25</td><td data-metric=\"keypoints/AP\">56.0 ± 1.0</td>"
        + "<td data-metric=\"keypoints/AP50\">80.0 ± 0.0</td><td>2</td><td>" + id(cross) + " level 1</td></tr>");
    List<Map<String, String>> t4csv = csv(dir.resolve("report-files/table-cross-task-kp.csv"));
    assertThat(t4csv).extracting(r -> r.get("ticket")).containsExactly("dense", "direct pruning", "cross-task ticket");
    assertThat(Double.parseDouble(t4csv.get(2).get("keypoints/AP_mean"))).isCloseTo(56.0, within(1e-9));
    assertThat(html).doesNotContain("id=\"cross-task-det\"").doesNotContain("data-form=\"cross-task\"");

    String s1 = section(html, "mask-transfer-det");
    assertThat(s1).contains("<h3>Supplementary Table 1: mask transfer, Detection (Faster R-CNN)</h3>");
    // by prune %: the dense network, then direct pruning beside the mask transfer at 50% (49.8 rounds to 50);
    // direct pruning at 80% has no transfer beside it
    assertThat(csv(dir.resolve("report-files/table-mask-transfer-det.csv")))
        .extracting(r -> r.get("ticket") + " " + r.get("prune_percent"))
        .containsExactly("dense 0.0", "direct pruning 49.8", "mask transfer 50.0");
    assertThat(s1).contains("<tr data-ticket=\"mask transfer\" data-experiment=\"" + id(mask) + "\"><td>50.0</td>"
        + "<td>mask transfer</td><td>30.00</td><td data-metric=\"bbox/AP\">25.0</td><td data-metric=\"bbox/AP50\">45.0</td>");
    assertThat(html).doesNotContain("id=\"mask-transfer-kp\"").doesNotContain("data-form=\"mask-transfer\"");
  }

  @Test
  void formsWithoutRuns_getNotRunBoxes_namingTheKeyToVary_andTheCommand() throws Exception {
    Path root = dir.resolve("runs");
    Path run = experiment(root, BASE);
    levels(run, new double[] {0, 45.5, 71.25}, new double[][] {{0.40}, {0.31}, {0.25}});
    String html = html(root);
    String ticket = root + "/" + run.getFileName() + "/replicate_0/level_2/main";
    assertThat(notRun(html, "data-form=\"cross-task\"")).isEqualTo("<p class=\"notrun\" data-form=\"cross-task\">"
        + "Not run: no cross-task transfer in these runs, a detector task's ticket moved to another task (paper Table 4)."
        + " Put <code>transfer: {kind: task, source: " + ticket + "}</code> (a ticket of another task;"
        + " <code>mask_only: true</code> moves the mask alone) in the target task's config and run <code>ticketlab"
        + " lottery --config CONFIG --root " + root + "</code>.</p>");
    assertThat(notRun(html, "data-form=\"mask-transfer\"")).contains(
        "<code>transfer: {kind: mask, source: resnet18-imagenet.pth, prune: 0.8}</code>");
    assertThat(notRun(html, "data-form=\"module-groups\"")).contains("(paper Table 3)")
        .contains("<code>pruning: {preset: paper-voc:base+top}</code>");
    assertThat(notRun(html, "data-ablation=\"rewind.at\" data-task=\"det\"")).isEqualTo(
        "<p class=\"notrun\" data-ablation=\"rewind.at\" data-task=\"det\">Not run: the rewind.at ablation of Detection"
            + " (Faster R-CNN) (paper Fig. 2c, late resetting). Run the config of lottery_" + id(run)
            + " (rewind.at 2it) again with only <code>rewind.at</code> changed, e.g. <code>rewind: {at: 0it}</code>:"
            + " <code>ticketlab lottery --config CONFIG --root " + root + "</code>.</p>");
    assertThat(notRun(html, "data-ablation=\"pruning.rounds\" data-task=\"det\"")).contains(
        "(pruning.rounds 3 (iterative)) again with only <code>pruning.rounds</code> changed, e.g."
            + " <code>pruning: {rounds: 2}</code>");
    assertThat(notRun(html, "data-ablation=\"pruning.strategy\" data-task=\"det\"")).contains(
        "(pruning.strategy global) again with only <code>pruning.strategy</code> changed, e.g."
            + " <code>pruning: {strategy: layerwise}</code>");
    assertThat(notRun(html, "data-ablation=\"early-bird\"")).contains("Add <code>early_bird: {fractions: [0.2, 0.4]}"
        + "</code> to a config");
    // 3 table forms, 3 ablations, early-bird, and the two controls of Fig. 1
    assertThat(java.util.regex.Pattern.compile("class=\"notrun\" data-(form|ablation|control)=").matcher(html)
        .results().count()).isEqualTo(9);
    assertThat(html).doesNotContain("<figure id=\"ablation-").doesNotContain("<section class=\"table\" id=\"modules-");
  }

  @Test
  void moduleGroupsTable_holdsOneLinePerPrunedModuleSet_ofExperimentsThatDifferInNothingElse() throws Exception {
    Path root = dir.resolve("runs");
    Path coco = experiment(root, BASE);
    levels(coco, new double[] {0, 45.5, 72.0}, new double[][] {{0.40, 0.42}, {0.31, 0.29}, {0.25, 0.20}});
    Path backbone = experiment(root, detConfig("preset: backbone-only, sparsity: 0.8, rounds: 3", "2it", ""));
    levels(backbone, new double[] {0, 20.0, 36.0}, new double[][] {{0.41}, {0.40}, {0.38}});
    Path excluded = experiment(root, detConfig("preset: paper-coco, exclude: ['rpn\\..*'], sparsity: 0.8, rounds: 3",
        "2it", ""));
    levels(excluded, new double[] {0, 40.0, 64.0}, new double[][] {{0.40}, {0.33}, {0.27}});
    // another preset and other rounds: differs in two settings, not part of the table
    Path other = experiment(root, detConfig("preset: backbone-only, sparsity: 0.8, rounds: 2", "2it", ""));
    levels(other, new double[] {0, 30.0}, new double[][] {{0.40}, {0.35}});

    String html = html(root);
    String t3 = section(html, "modules-det");
    assertThat(t3).contains("<h3>Table 3: pruned modules, Detection (Faster R-CNN)</h3>");
    assertThat(t3).contains("<th>pruned modules</th><th>experiment</th><th>parameter share %</th><th>level</th>"
        + "<th>prune %</th><th>network sparsity %</th><th>bbox/AP (%)</th><th>bbox/AP50 (%)</th><th>replicates</th>");
    assertThat(t3).contains("<tr><td>backbone-only</td><td>" + id(backbone) + "</td><td>45.00</td><td>2</td>"
        + "<td>80.00</td><td>36.00</td><td data-metric=\"bbox/AP\">38.0</td><td data-metric=\"bbox/AP50\">58.0</td>"
        + "<td>1</td></tr>");
    assertThat(t3).contains("<tr><td>paper-coco</td><td>" + id(coco) + "</td><td>90.00</td><td>2</td><td>80.00</td>"
        + "<td>72.00</td><td data-metric=\"bbox/AP\">22.5 ± 2.5</td><td data-metric=\"bbox/AP50\">42.5 ± 2.5</td>"
        + "<td>2</td></tr>");
    assertThat(t3).contains("<tr><td>paper-coco; exclude rpn\\..*</td><td>" + id(excluded) + "</td><td>80.00</td>");
    assertThat(t3).doesNotContain(id(other));
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-modules-det.csv"));
    assertThat(rows).extracting(r -> r.get("modules"))
        .containsExactly("backbone-only", "paper-coco", "paper-coco; exclude rpn\\..*");
    assertThat(rows.get(1)).containsEntry("parameter_share_percent", "90.0").containsEntry("replicates", "2");
    assertThat(Double.parseDouble(rows.get(1).get("bbox/AP_std"))).isCloseTo(2.5, within(1e-9));
    assertThat(html).doesNotContain("data-form=\"module-groups\"").doesNotContain("id=\"modules-det-2\"");
    // the fourth experiment and backbone-only differ only in rounds: that ablation is drawn
    assertThat(points(html, "ablation-det-pruning-rounds", "pruning.rounds 2 (one-shot)"))
        .extracting(p -> p[0]).containsExactly(0.0, 30.0);
    assertThat(points(html, "ablation-det-pruning-rounds", "pruning.rounds 3 (iterative)"))
        .extracting(p -> p[0]).containsExactly(0.0, 20.0, 36.0);
  }

  @Test
  void ablationFigures_groupExperimentsThatDifferInExactlyOneKey_oneSeriesPerValue_withStd() throws Exception {
    Path root = dir.resolve("runs");
    Path base = experiment(root, BASE);
    levels(base, new double[] {0, 45.5, 72.0}, new double[][] {{0.40, 0.42}, {0.31, 0.29}, {0.25, 0.20}});
    Path rewound = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 3", "0it", ""));
    levels(rewound, new double[] {0, 45.5, 72.0}, new double[][] {{0.40}, {0.28}, {0.15}});
    Path oneShot = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 2", "2it", ""));
    levels(oneShot, new double[] {0, 72.0}, new double[][] {{0.40}, {0.27}});
    Path layerwise = experiment(root, detConfig("preset: paper-coco, strategy: layerwise, sparsity: 0.8, rounds: 3", "2it",
        ""));
    levels(layerwise, new double[] {0, 45.5, 72.0}, new double[][] {{0.40}, {0.30}, {0.18}});
    // rewind and rounds both differ from the one-shot run: in no ablation with it
    Path both = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 2", "0it", ""));
    levels(both, new double[] {0, 72.0}, new double[][] {{0.40}, {0.10}});

    String html = html(root);
    // two groups per key of rewind and rounds, in the order of their smallest run id
    boolean baseFirst = min(id(base), id(rewound)).compareTo(min(id(oneShot), id(both))) < 0;
    String rewind = "ablation-det-rewind-at" + (baseFirst ? "" : "-2");
    String rewindOther = "ablation-det-rewind-at" + (baseFirst ? "-2" : "");
    // base (2it) with rewound (0it); one-shot (2it) with both (0it): two groups of the same task
    List<double[]> late = points(html, rewind, "rewind.at 2it");
    assertThat(late).hasSize(3);
    assertThat(late.get(0)).containsExactly(new double[] {0.0, 41.0, 1.0}, within(1e-9));
    assertThat(late.get(1)).containsExactly(new double[] {45.5, 30.0, 1.0}, within(1e-9));
    assertThat(late.get(2)).containsExactly(new double[] {72.0, 22.5, 2.5}, within(1e-9));
    List<double[]> original = points(html, rewind, "rewind.at 0it");
    assertThat(original).extracting(p -> p[1]).satisfiesExactly(y -> assertThat(y).isCloseTo(40, within(1e-9)),
        y -> assertThat(y).isCloseTo(28, within(1e-9)), y -> assertThat(y).isCloseTo(15, within(1e-9)));
    assertThat(original.get(0)[2]).isNaN();
    String fig = html.substring(html.indexOf("<figure id=\"" + rewind + "\">"));
    fig = fig.substring(0, fig.indexOf("</figure>"));
    assertThat(fig.indexOf("data-name=\"rewind.at 0it\"")).isLessThan(fig.indexOf("data-name=\"rewind.at 2it\""));
    assertThat(fig).contains("<polygon class=\"band\"").contains("Runs: lottery_" + id(base) + " (2 replicates)");
    List<Map<String, String>> group2 = csv(dir.resolve("report-files/figure-" + rewindOther + ".csv"));
    assertThat(group2).extracting(r -> r.get("series") + " " + r.get("experiment") + " " + r.get("level"))
        .containsExactlyInAnyOrder("rewind.at 0it " + id(both) + " 0", "rewind.at 0it " + id(both) + " 1",
            "rewind.at 2it " + id(oneShot) + " 0", "rewind.at 2it " + id(oneShot) + " 1");
    assertThat(html).doesNotContain("id=\"ablation-det-rewind-at-3\"");

    boolean firstRounds = min(id(base), id(oneShot)).compareTo(min(id(rewound), id(both))) < 0;
    String rounds = "ablation-det-pruning-rounds" + (firstRounds ? "" : "-2");
    String roundsOther = "ablation-det-pruning-rounds" + (firstRounds ? "-2" : "");
    assertThat(points(html, rounds, "pruning.rounds 2 (one-shot)")).extracting(p -> p[1])
        .satisfiesExactly(y -> assertThat(y).isCloseTo(40, within(1e-9)), y -> assertThat(y).isCloseTo(27, within(1e-9)));
    assertThat(points(html, rounds, "pruning.rounds 3 (iterative)")).hasSize(3);
    List<Map<String, String>> roundsCsv = csv(dir.resolve("report-files/figure-" + rounds + ".csv"));
    assertThat(roundsCsv).hasSize(5).noneMatch(r -> r.get("experiment").equals(id(both)));
    // rewound (0it) and both (0it) differ only in rounds too
    assertThat(csv(dir.resolve("report-files/figure-" + roundsOther + ".csv"))).extracting(r -> r.get("experiment"))
        .containsOnly(id(rewound), id(both));

    String strategy = "ablation-det-pruning-strategy";
    assertThat(points(html, strategy, "pruning.strategy global")).hasSize(3);
    assertThat(points(html, strategy, "pruning.strategy layerwise")).extracting(p -> p[1]).last()
        .satisfies(y -> assertThat(y).isCloseTo(18, within(1e-9)));
    assertThat(csv(dir.resolve("report-files/figure-" + strategy + ".csv"))).extracting(r -> r.get("experiment"))
        .containsOnly(id(base), id(layerwise));
    assertThat(html).doesNotContain("id=\"" + strategy + "-2\"").doesNotContain("data-ablation=\"rewind.at\"")
        .doesNotContain("data-ablation=\"pruning.rounds\"").doesNotContain("data-ablation=\"pruning.strategy\"");
  }

  @Test
  void earlyBirdTable_showsMaskIouWithTheTicket_andApBesideTheTicketsAp() throws Exception {
    Path root = dir.resolve("runs");
    Path run = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 3", "2it",
        "early_bird: {fractions: [0.5]}"));
    levels(run, new double[] {0, 45.5, 72.0}, new double[][] {{0.40, 0.42}, {0.31, 0.29}, {0.25, 0.20}});
    for (int r = 0; r < 2; r++) {
      Path b = level(run, r, 2, "early-bird-0.5", 80, 71.5, det(0.22 + 0.02 * r, 0.4));
      Files.writeString(b.resolve("mask_iou.json"),
          "{\"fraction\": 0.5, \"iteration\": 5, \"maskIouWithTicket\": " + (r == 0 ? 0.95 : 0.97) + "}\n");
    }
    Path waiting = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 3", "0it",
        "early_bird: {fractions: [0.3, 0.6]}"));
    levels(waiting, new double[] {0, 45.5}, new double[][] {{0.40}, {0.30}});
    Path bad = level(waiting, 0, 1, "early-bird-0.3", 40, 45.0, det(0.3, 0.5));
    Files.writeString(bad.resolve("mask_iou.json"), "{\"fraction\": 0.3, \"iteration\": 3, \"maskIouWithTicket\": 1.5}");

    String html = html(root);
    String t = section(html, "early-bird");
    assertThat(t).contains("<th>experiment</th><th>branch</th><th>level</th><th>fraction</th><th>iteration</th>"
        + "<th>replicates</th><th>mask IoU with ticket</th><th>network sparsity %</th><th>metric</th>"
        + "<th>early-bird (%)</th><th>ticket (%)</th>");
    assertThat(t).contains("<tr><td>" + id(run) + "</td><td>early-bird-0.5</td><td>2</td><td>0.5</td><td>5</td>"
        + "<td>2</td><td>0.960 ± 0.010</td><td>71.50</td><td>bbox/AP</td><td data-metric=\"early-bird\">23.0 ± 1.0</td>"
        + "<td data-metric=\"ticket\">22.5 ± 2.5</td></tr>");
    assertThat(t.split("<tr><td>", -1)).hasSize(2); // the unreadable record is left out
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-early-bird.csv"));
    assertThat(rows).hasSize(1);
    assertThat(Double.parseDouble(rows.get(0).get("mask_iou_mean"))).isCloseTo(0.96, within(1e-9));
    assertThat(Double.parseDouble(rows.get(0).get("mask_iou_std"))).isCloseTo(0.01, within(1e-9));
    assertThat(err).contains("warning: left out: " + bad.resolve("mask_iou.json"))
        .contains("maskIouWithTicket: bad value 1.5");
    assertThat(html).doesNotContain("data-ablation=\"early-bird\"");
  }

  @Test
  void earlyBirdFractionsWithoutBranches_getTheBranchCommand() throws Exception {
    Path root = dir.resolve("runs");
    Path run = experiment(root, detConfig("preset: paper-coco, sparsity: 0.8, rounds: 3", "2it",
        "early_bird: {fractions: [0.25, 0.5]}"));
    levels(run, new double[] {0, 45.5, 72.0}, new double[][] {{0.40}, {0.31}, {0.25}});
    String html = html(root);
    assertThat(notRun(html, "data-ablation=\"early-bird\" data-experiment=\"" + id(run) + "\"")).isEqualTo(
        "<p class=\"notrun\" data-ablation=\"early-bird\" data-experiment=\"" + id(run) + "\">Not run: early-bird"
            + " tickets of lottery_" + id(run) + " (paper Fig. 2f; its level 0 saved checkpoints at fractions"
            + " [0.25, 0.5]). Run <code>ticketlab lottery branch --name early-bird --fraction 0.25 --config CONFIG"
            + " --root " + root + " --level 2</code>, CONFIG being the experiment's config file.</p>");
    assertThat(html).doesNotContain("<section class=\"table\" id=\"early-bird\">");
  }
}
