package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.report.HtmlReport;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab report}'s ticket-structure and cost sections over a hand-built lottery folder of a narrow
 * ResNet-18 classifier: real checkpoints, masks and sparsity records written as the runner writes them (no
 * training), and the numbers checked against the mask, {@link SizeReport} and {@link MacCounter}.
 */
class ReportCostsTest {
  @TempDir Path dir;

  static final String CLASSIFY = String.join("\n",
      "task: classify", "data: {train: train, val: val}", "model: {arch: resnet18, width: 0.125}",
      "training: {iterations: 5it, batch: 6, size: 32, lr: 0.02, schedule: step, milestones: [1000it]}",
      "pruning: {preset: classifier-convs, sparsity: 0.8, rounds: 3}", "rewind: {at: 2it}", "");
  static final int CLASSES = 5;
  static final long TOTAL = 5;
  static final ObjectMapper JSON = new ObjectMapper();

  final Architecture arch = Architectures.resnet(18, 32, 32, 0.125, CLASSES);

  @BeforeEach
  void cacheInTheTestFolder() {
    System.setProperty("ticketlab.cache", dir.resolve("cache").toString());
  }

  @AfterEach
  void defaultCache() {
    System.clearProperty("ticketlab.cache");
  }

  /** Random weights of {@link #arch}, later tensors smaller (so global pruning empties them more). */
  Map<String, FloatTensor> weights(long seed) {
    Random r = new Random(seed);
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, int[]> e : arch.parameterShapes().entrySet()) {
      float scale = 1f / (1 + i++ / 6f);
      float[] d = new float[(int) FloatTensor.numel(e.getValue())];
      for (int k = 0; k < d.length; k++) {
        d[k] = (float) r.nextGaussian() * scale;
      }
      w.put(e.getKey(), new FloatTensor(e.getValue(), d));
    }
    return w;
  }

  PrunableSet prunable() {
    return PrunableSet.preset("classifier-convs");
  }

  Map<String, int[]> prunableShapes() {
    Map<String, int[]> s = new LinkedHashMap<>();
    arch.parameterShapes().forEach((n, shape) -> {
      if (!NetworkSparsity.isBuffer(n) && prunable().contains(n, shape)) {
        s.put(n, shape);
      }
    });
    return s;
  }

  /**
   * Writes a finished level or branch as {@code LotteryRunner} does: the final checkpoint (weights with the
   * mask applied, the mask beside them), {@code mask.tlck} for a level's ticket, {@code sparsity.json} and
   * {@code level.json}. Returns the final weights.
   */
  Map<String, FloatTensor> writeLevel(Path run, int level, String branch, Map<String, FloatTensor> weights, Mask mask)
      throws Exception {
    Map<String, FloatTensor> trained = mask == null ? weights : mask.applyTo(weights);
    NetworkSparsity s = NetworkSparsity.of(trained, prunable());
    Path d = ReportCommandTest.level(run, 0, level, branch, 100 * s.pruneFraction(), 100 * s.networkSparsity(),
        Map.of("top1", 0.5 - 0.1 * level));
    TicketCheckpoint.of(StateDict.ofFloats(trained), TOTAL, "")
        .withMasks(mask == null ? Map.of() : mask.tensors()).write(ExperimentLayout.checkpoint(d, TOTAL));
    if (mask != null && branch == null) {
      new TicketCheckpoint(StateDict.of(Map.of()), mask.tensors(), StateDict.of(Map.of()), level, "",
          Map.of("density", mask.density())).write(ExperimentLayout.mask(d));
    }
    Files.writeString(ExperimentLayout.sparsity(d), JSON.writeValueAsString(s.perTensor()) + "\n");
    return trained;
  }

  record Built(Path root, String runId, Map<String, Map<String, FloatTensor>> finals, Mask ticket, Mask random) {}

  /** Levels 0 (dense), 1 and 2 of replicate 0 and a random-pruning branch at level 2. */
  Built build() throws Exception {
    Path root = dir.resolve("runs");
    Path cfg = Files.writeString(dir.resolve("cls.yaml"), CLASSIFY);
    ExperimentLayout layout = Experiment.read(cfg).layout(root);
    Files.createDirectories(layout.runDir());
    Files.writeString(layout.spec(), Experiment.read(cfg).spec().canonicalJson());
    Map<String, FloatTensor> init = weights(1);
    Map<String, Map<String, FloatTensor>> finals = new LinkedHashMap<>();
    finals.put("replicate_0/level_0/main", writeLevel(layout.runDir(), 0, null, init, null));
    Mask m1 = MagnitudePruning.global().prune(init, Mask.ones(prunableShapes()), 0.45);
    finals.put("replicate_0/level_1/main", writeLevel(layout.runDir(), 1, null, weights(2), m1));
    Mask m2 = MagnitudePruning.global().prune(init, m1, 0.2);
    finals.put("replicate_0/level_2/main", writeLevel(layout.runDir(), 2, null, weights(3), m2));
    Mask random = MagnitudePruning.randomLike(m2, 7).prune(init, Mask.ones(prunableShapes()), m2.density());
    finals.put("replicate_0/level_2/branch_random-pruning",
        writeLevel(layout.runDir(), 2, "random-pruning", weights(4), random));
    return new Built(root, layout.runId(), finals, m2, random);
  }

  String[] report(Path root, Path out) {
    MainTest.Outcome o = MainTest.run("report", "--root", root.toString(), "--out", out.toString());
    return new String[] {String.valueOf(o.exitCode()), o.out(), o.err()};
  }

  /** Sparsity % of each tensor of {@code mask}, in the network's order: its zero share. */
  List<Double> zeroShares(Mask mask) {
    List<Double> out = new ArrayList<>();
    for (String n : arch.parameterShapes().keySet()) {
      if (mask.names().contains(n)) {
        long size = mask.get(n).size();
        out.add(100.0 * (size - mask.get(n).countOnes()) / size);
      }
    }
    return out;
  }

  @Test
  void layerSparsity_isEachTensorsZeroShareOfTheSparsestTicket_andOfItsControl() throws Exception {
    Built b = build();
    Path out = dir.resolve("r/report.html");
    String[] r = report(b.root(), out);
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = Files.readString(out);
    String id = "layers-" + b.runId();
    List<double[]> direct = ReportCommandTest.points(html, id, "direct pruning");
    List<Double> expected = zeroShares(b.ticket());
    assertThat(direct).hasSize(expected.size());
    for (int k = 0; k < direct.size(); k++) {
      assertThat(direct.get(k)[0]).isEqualTo(k + 1);
      assertThat(direct.get(k)[1]).as("tensor %d", k + 1).isEqualTo(expected.get(k));
    }
    // global pruning of shrinking layers: not one sparsity for all
    assertThat(expected.stream().distinct().count()).isGreaterThan(3);
    assertThat(expected.get(expected.size() - 1)).isGreaterThan(expected.get(0));
    List<Double> random = zeroShares(b.random());
    List<double[]> control = ReportCommandTest.points(html, id, "random-pruning");
    assertThat(control.stream().map(p -> p[1]).toList()).isEqualTo(random);

    List<Map<String, String>> csv = ReportCommandTest.csv(HtmlReport.filesFolder(out).resolve("figure-" + id + ".csv"));
    Map<String, String> first = csv.get(0);
    assertThat(first).containsEntry("kind", "direct pruning").containsEntry("level", "2")
        .containsEntry("tensor", "conv1.weight").containsEntry("source", "sparsity.json");
    long size = b.ticket().get("conv1.weight").size();
    assertThat(Long.parseLong(first.get("parameters"))).isEqualTo(size);
    assertThat(Long.parseLong(first.get("zeros"))).isEqualTo(size - b.ticket().get("conv1.weight").countOnes());
  }

  @Test
  void moduleShares_sumTo100_andCountEveryParameterAndZero() throws Exception {
    Built b = build();
    Path out = dir.resolve("r/report.html");
    assertThat(report(b.root(), out)[0]).isEqualTo("0");
    List<Map<String, String>> rows = ReportCommandTest.csv(
        HtmlReport.filesFolder(out).resolve("table-modules-" + b.runId() + ".csv"));
    List<Map<String, String>> direct = rows.stream().filter(r -> r.get("kind").equals("direct pruning")).toList();
    assertThat(direct.stream().map(r -> r.get("module")).toList())
        .containsExactly("stem", "layer1", "layer2", "layer3", "layer4", "fc");
    assertThat(direct.stream().mapToDouble(r -> Double.parseDouble(r.get("share_percent"))).sum())
        .isCloseTo(100, within(1e-9));
    Map<String, FloatTensor> ticket = b.finals().get("replicate_0/level_2/main");
    NetworkSparsity all = NetworkSparsity.of(ticket, prunable());
    assertThat(direct.stream().mapToLong(r -> Long.parseLong(r.get("parameters"))).sum()).isEqualTo(all.networkTotal());
    assertThat(direct.stream().mapToLong(r -> Long.parseLong(r.get("zeros"))).sum()).isEqualTo(all.networkZeros());
    // by hand: the stem is conv1 (8×3×7×7) + bn1's scale and shift; layer4's zeros are those of its tensors
    Map<String, String> stem = direct.get(0);
    assertThat(stem.get("parameters")).isEqualTo(String.valueOf(8 * 3 * 49 + 2 * 8));
    long layer4Size = 0;
    long layer4Zeros = 0;
    for (Map.Entry<String, FloatTensor> e : ticket.entrySet()) {
      if (e.getKey().startsWith("layer4.") && !NetworkSparsity.isBuffer(e.getKey())) {
        layer4Size += e.getValue().size();
        layer4Zeros += e.getValue().countZeros();
      }
    }
    Map<String, String> layer4 = direct.get(4);
    assertThat(Long.parseLong(layer4.get("parameters"))).isEqualTo(layer4Size);
    assertThat(Long.parseLong(layer4.get("zeros"))).isEqualTo(layer4Zeros);
    assertThat(Double.parseDouble(layer4.get("sparsity_percent"))).isEqualTo(100.0 * layer4Zeros / layer4Size);
    // the page's table shows the control's sparsity beside the ticket's
    String html = Files.readString(out);
    assertThat(html).contains("<th>direct pruning sparsity %</th><th>random-pruning sparsity %</th>");
  }

  @Test
  void diskSizesAndMacs_areWhatSizeReportAndMacCounterGiveOnTheFinalCheckpoint() throws Exception {
    Built b = build();
    Path out = dir.resolve("r/report.html");
    assertThat(report(b.root(), out)[0]).isEqualTo("0");
    Path runDir = b.root().resolve("lottery_" + b.runId());
    List<Map<String, String>> rows = ReportCommandTest.csv(
        HtmlReport.filesFolder(out).resolve("figure-costs-" + b.runId() + ".csv"));
    assertThat(rows).hasSize(4);
    for (Map<String, String> row : rows) {
      Path ckpt = ExperimentLayout.checkpoint(runDir.resolve(row.get("folder")), TOTAL);
      Map<String, FloatTensor> w = TicketCheckpoint.read(ckpt).weights().toFloatTensors();
      SizeReport size = SizeReport.of(w, SparseFormats.all());
      for (String f : size.formats()) {
        assertThat(Long.parseLong(row.get(f + "_bytes"))).as(row.get("folder") + " " + f).isEqualTo(size.fileBytes().get(f));
      }
      MacCounter.Report macs = MacCounter.count(arch, w, ckpt);
      assertThat(Long.parseLong(row.get("dense_macs"))).isEqualTo(macs.denseMacs());
      assertThat(Long.parseLong(row.get("sparse_macs"))).as(row.get("folder")).isEqualTo(macs.sparseMacs());
    }
    // the dense level stores every value; the ticket costs less to store and to run
    Map<String, String> dense = rows.stream().filter(r -> r.get("level").equals("0")).findFirst().orElseThrow();
    Map<String, String> ticket = rows.stream().filter(r -> r.get("folder").equals("replicate_0/level_2/main"))
        .findFirst().orElseThrow();
    assertThat(Long.parseLong(ticket.get("entropy_bytes"))).isLessThan(Long.parseLong(dense.get("entropy_bytes")));
    assertThat(Long.parseLong(ticket.get("sparse_macs"))).isLessThan(Long.parseLong(dense.get("sparse_macs")));

    String html = Files.readString(out);
    String disk = figure(html, "disk-" + b.runId());
    assertThat(disk).contains("data-y-scale=\"log\"");
    List<double[]> entropy = ReportCommandTest.points(html, "disk-" + b.runId(), "entropy");
    assertThat(entropy.stream().map(p -> (long) p[1]).toList()).contains(Long.parseLong(ticket.get("entropy_bytes")));
    assertThat(figure(html, "macs-" + b.runId())).doesNotContain("data-y-scale");
    List<double[]> sparse = ReportCommandTest.points(html, "macs-" + b.runId(), "sparse");
    assertThat(sparse.stream().map(p -> p[1]).toList()).contains(Long.parseLong(ticket.get("sparse_macs")) / 1e9);
    assertThat(html).contains("resnet18-w0.125 (5 classes), 3x32x32");
  }

  @Test
  void secondReport_takesTheCheckpointsNumbersFromTheCache_aRewrittenCheckpointIsMeasuredAgain() throws Exception {
    Built b = build();
    Path first = dir.resolve("r1/report.html");
    assertThat(report(b.root(), first)[0]).isEqualTo("0");
    try (var s = Files.list(dir.resolve("cache/level-costs"))) {
      assertThat(s.count()).isEqualTo(4);
    }
    // damage the ticket's checkpoint in place, same size and time: a cached report does not read it
    Path ticket = ExperimentLayout.checkpoint(
        b.root().resolve("lottery_" + b.runId()).resolve("replicate_0/level_2/main"), TOTAL);
    var time = Files.getLastModifiedTime(ticket);
    byte[] bytes = Files.readAllBytes(ticket);
    for (int k = bytes.length / 2; k < bytes.length / 2 + 64; k++) {
      bytes[k] ^= 0x5a;
    }
    Files.write(ticket, bytes);
    Files.setLastModifiedTime(ticket, time);
    Path second = dir.resolve("r2/report.html");
    assertThat(report(b.root(), second)[0]).isEqualTo("0");
    assertThat(Files.readString(second)).isEqualTo(Files.readString(first).replace("r1/", "r2/"));
    // a checkpoint written again (a new time) is measured again: here, found damaged
    Files.setLastModifiedTime(ticket, java.nio.file.attribute.FileTime.fromMillis(time.toMillis() + 5000));
    Path third = dir.resolve("r3/report.html");
    assertThat(report(b.root(), third)[0]).isEqualTo("0");
    String costs = Files.readString(HtmlReport.filesFolder(third).resolve("figure-costs-" + b.runId() + ".csv"));
    assertThat(costs.lines().filter(l -> l.contains("replicate_0/level_2/main,")).findFirst().orElseThrow())
        .contains(",,,,,,,,");
    assertThat(Files.readString(third)).contains("not readable");
  }

  @Test
  void missingInputs_areNotAvailableBoxesThatSayWhy() throws Exception {
    Built b = build();
    Path runDir = b.root().resolve("lottery_" + b.runId());
    // the ticket without sparsity.json and mask.tlck; every checkpoint of the experiment deleted
    Files.delete(runDir.resolve("replicate_0/level_2/main/sparsity.json"));
    Files.delete(runDir.resolve("replicate_0/level_2/main/mask.tlck"));
    for (String folder : b.finals().keySet()) {
      Files.delete(ExperimentLayout.checkpoint(runDir.resolve(folder), TOTAL));
    }
    Path out = dir.resolve("r/report.html");
    assertThat(report(b.root(), out)[0]).isEqualTo("0");
    String html = Files.readString(out);
    assertThat(box(html, "layers-" + b.runId())).contains("Per-layer sparsity not available")
        .contains("replicate_0/level_2/main");
    assertThat(box(html, "modules-" + b.runId())).contains("not available").contains("no checkpoint_&lt;N&gt;.tlck");
    assertThat(box(html, "disk-" + b.runId())).contains("Disk size per sparse format not available")
        .contains("no checkpoint_&lt;N&gt;.tlck");
    assertThat(box(html, "macs-" + b.runId())).contains("MACs not available");
    assertThat(html).doesNotContain("<figure id=\"disk-").doesNotContain("<figure id=\"layers-");
  }

  @Test
  void ticketWithoutSparsityRecordAndMask_hasALayerBox_itsSizesStillShow() throws Exception {
    Built b = build();
    Path level2 = b.root().resolve("lottery_" + b.runId()).resolve("replicate_0/level_2/main");
    Files.delete(level2.resolve("sparsity.json"));
    Files.delete(level2.resolve("mask.tlck"));
    Path out = dir.resolve("r/report.html");
    assertThat(report(b.root(), out)[0]).isEqualTo("0");
    String html = Files.readString(out);
    assertThat(box(html, "layers-" + b.runId())).contains("no sparsity.json, and no mask.tlck in replicate_0/level_2/main");
    assertThat(box(html, "modules-" + b.runId())).contains("no mask.tlck");
    assertThat(ReportCommandTest.points(html, "disk-" + b.runId(), "entropy")).hasSize(4);
  }

  @Test
  void ticketWithoutSparsityRecord_takesItsZerosFromTheMask() throws Exception {
    Built b = build();
    Path runDir = b.root().resolve("lottery_" + b.runId());
    Files.delete(runDir.resolve("replicate_0/level_2/main/sparsity.json"));
    Path out = dir.resolve("r/report.html");
    assertThat(report(b.root(), out)[0]).isEqualTo("0");
    String html = Files.readString(out);
    List<double[]> direct = ReportCommandTest.points(html, "layers-" + b.runId(), "direct pruning");
    assertThat(direct.stream().map(p -> p[1]).toList()).isEqualTo(zeroShares(b.ticket()));
    assertThat(ReportCommandTest.csv(HtmlReport.filesFolder(out).resolve("figure-layers-" + b.runId() + ".csv"))
        .get(0)).containsEntry("source", "mask.tlck");
  }

  static String detector(String task, double width) {
    return String.join("\n", "task: " + task, "data: {train: coco/train.json, val: coco/val.json}",
        "model: {arch: resnet18, width: " + width + ", fpn_channels: 32, head_width: 64, min_size: [48, 64], max_size: 96}",
        "training: {iterations: 5it, batch: 2, lr: 0.01, warmup: 1it}",
        "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 2}", "");
  }

  /** A detector experiment (levels 0 and 1) whose checkpoints have the shapes of {@code arch}. */
  Path detectorExperiment(String yaml, String name, Architecture net) throws Exception {
    Path root = dir.resolve(name);
    Path cfg = Files.writeString(dir.resolve(name + ".yaml"), yaml);
    Experiment e = Experiment.read(cfg);
    ExperimentLayout layout = e.layout(root);
    Files.createDirectories(layout.runDir());
    Files.writeString(layout.spec(), e.spec().canonicalJson());
    PrunableSet set = e.spec().pruning().prunableSet();
    Random r = new Random(5);
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    Map<String, int[]> prunable = new LinkedHashMap<>();
    net.parameterShapes().forEach((n, shape) -> {
      float[] d = new float[(int) FloatTensor.numel(shape)];
      for (int k = 0; k < d.length; k++) {
        d[k] = (float) r.nextGaussian();
      }
      w.put(n, new FloatTensor(shape, d));
      if (!NetworkSparsity.isBuffer(n) && set.contains(n, shape)) {
        prunable.put(n, shape);
      }
    });
    for (int level = 0; level < 2; level++) {
      Mask mask = level == 0 ? null : MagnitudePruning.global().prune(w, Mask.ones(prunable), 0.2);
      Map<String, FloatTensor> trained = mask == null ? w : mask.applyTo(w);
      NetworkSparsity s = NetworkSparsity.of(trained, set);
      Path d = ReportCommandTest.level(layout.runDir(), 0, level, null, 100 * s.pruneFraction(),
          100 * s.networkSparsity(), Map.of("bbox/AP", 0.3));
      TicketCheckpoint.of(StateDict.ofFloats(trained), TOTAL, "")
          .withMasks(mask == null ? Map.of() : mask.tensors()).write(ExperimentLayout.checkpoint(d, TOTAL));
      Files.writeString(ExperimentLayout.sparsity(d), JSON.writeValueAsString(s.perTensor()) + "\n");
    }
    return root;
  }

  @Test
  void narrowMaskRcnn_macsAreMacCountersOnTheSpecsNetwork_modulesAreTheDetectorsParts() throws Exception {
    // the spec's largest resize is 64x96; the heads' widths and classes are the checkpoint's
    Architecture net = Architectures.rcnnFpn(Architectures.Heads.MASK, 18, 0.25, 32, 64, 4, 0, false, 64, 96,
        Architectures.DEFAULT_PROPOSALS, Architectures.DEFAULT_DETECTIONS);
    Path root = detectorExperiment(detector("seg", 0.25), "seg", net);
    Path out = dir.resolve("r/report.html");
    assertThat(report(root, out)[0]).isEqualTo("0");
    String runId = Files.list(root).findFirst().orElseThrow().getFileName().toString().substring("lottery_".length());
    Path runDir = root.resolve("lottery_" + runId);
    List<Map<String, String>> rows = ReportCommandTest.csv(
        HtmlReport.filesFolder(out).resolve("figure-costs-" + runId + ".csv"));
    assertThat(rows).hasSize(2);
    for (Map<String, String> row : rows) {
      Path ckpt = ExperimentLayout.checkpoint(runDir.resolve(row.get("folder")), TOTAL);
      MacCounter.Report macs = MacCounter.count(net, TicketCheckpoint.read(ckpt).weights().toFloatTensors(), ckpt);
      assertThat(Long.parseLong(row.get("dense_macs"))).isEqualTo(macs.denseMacs());
      assertThat(Long.parseLong(row.get("sparse_macs"))).isEqualTo(macs.sparseMacs());
    }
    assertThat(Long.parseLong(rows.get(1).get("sparse_macs"))).isLessThan(Long.parseLong(rows.get(1).get("dense_macs")));
    List<Map<String, String>> modules = ReportCommandTest.csv(
        HtmlReport.filesFolder(out).resolve("table-modules-" + runId + ".csv"));
    assertThat(modules.stream().map(m -> m.get("module")).toList()).containsExactly("stem", "layer1", "layer2",
        "layer3", "layer4", "FPN", "RPN", "RoI box head", "RoI box predictor", "mask head");
    assertThat(modules.stream().mapToDouble(m -> Double.parseDouble(m.get("share_percent"))).sum())
        .isCloseTo(100, within(1e-9));
    long fpn = net.parameterShapes().entrySet().stream().filter(e -> e.getKey().startsWith("backbone.fpn."))
        .mapToLong(e -> FloatTensor.numel(e.getValue())).sum();
    assertThat(modules.get(5).get("parameters")).isEqualTo(String.valueOf(fpn));
  }

  @Test
  void detectorWhoseCheckpointIsNotItsSpecsNetwork_hasAMacsBoxNamingTheTensor() throws Exception {
    // the spec says width 0.25, the checkpoint is twice as wide: the counter refuses, the sizes still show
    Architecture wide = Architectures.rcnnFpn(Architectures.Heads.BOX, 18, 0.5, 32, 64, 4, 0, false, 64, 96,
        Architectures.DEFAULT_PROPOSALS, Architectures.DEFAULT_DETECTIONS);
    Path root = detectorExperiment(detector("det", 0.25), "det", wide);
    Path out = dir.resolve("r/report.html");
    assertThat(report(root, out)[0]).isEqualTo("0");
    String html = Files.readString(out);
    String runId = Files.list(root).findFirst().orElseThrow().getFileName().toString().substring("lottery_".length());
    assertThat(box(html, "macs-" + runId)).contains("MACs not available").contains("backbone.body.conv1.weight")
        .contains("expects");
    assertThat(figure(html, "disk-" + runId)).contains("data-y-scale=\"log\"");
  }

  private static String figure(String html, String id) {
    int f = html.indexOf("<figure id=\"" + id + "\">");
    assertThat(f).as("figure " + id).isNotNegative();
    return html.substring(f, html.indexOf("</figure>", f));
  }

  private static String box(String html, String id) {
    int f = html.indexOf("<p class=\"notrun\" data-missing=\"" + id + "\">");
    assertThat(f).as("not-available box " + id).isNotNegative();
    return html.substring(f, html.indexOf("</p>", f));
  }
}
