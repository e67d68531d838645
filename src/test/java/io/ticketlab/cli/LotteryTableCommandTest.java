package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.lottery.Experiment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab lottery table}: the paper's transfer table (Table 1 form) over hand-written run
 * folders of Mask R-CNN — dense, direct pruning and its random-pruning control, an ImageNet ticket,
 * a mask transfer and a cross-task mask — in the paper's order, mean ± std over two replicates.
 */
class LotteryTableCommandTest {
  @TempDir Path dir;

  private static final String DATA = "data: {train: coco/train.json, val: coco/val.json}";
  private static final String TRAIN = "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it}";

  private Path experiment(Path root, String name, String... lines) throws Exception {
    List<String> all = new ArrayList<>(List.of("task: seg", DATA, TRAIN));
    all.addAll(List.of(lines));
    Path cfg = Files.writeString(dir.resolve(name + ".yaml"), String.join("\n", all) + "\n");
    Experiment e = Experiment.read(cfg);
    Path run = e.layout(root).runDir();
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), e.spec().canonicalJson());
    return run;
  }

  private static Map<String, Double> seg(double box, double mask) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("bbox/AP", box);
    m.put("bbox/AP50", box + 0.2);
    m.put("bbox/AP75", 0.01);
    m.put("segm/AP", mask);
    m.put("segm/AP50", mask + 0.2);
    return m;
  }

  private Path root() throws Exception {
    Path root = dir.resolve("runs");
    Path direct = experiment(root, "direct", "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 2}", "rewind: {at: 2it}");
    Path ticket = experiment(root, "ticket", "transfer: {kind: imagenet-ticket, source: cls/level_1}");
    Path mask = experiment(root, "mask", "transfer: {kind: mask, source: resnet18.pth, prune: 0.8}");
    Path task = experiment(root, "task", "transfer: {kind: task, source: kp/level_1, mask_only: true}");
    for (int r = 0; r < 2; r++) {
      ReportCommandTest.level(direct, r, 0, null, 0, 0, seg(0.40 + 0.02 * r, 0.30));
      ReportCommandTest.level(direct, r, 1, null, 80, 70.5, seg(0.36 + 0.02 * r, 0.28));
      ReportCommandTest.level(direct, r, 1, "random-pruning", 80, 70.5, seg(0.10, 0.05));
      ReportCommandTest.level(ticket, r, 1, null, 80, 31.6, seg(0.30, 0.20 + 0.04 * r));
      ReportCommandTest.level(mask, r, 1, null, 80, 31.6, seg(0.25, 0.18));
    }
    ReportCommandTest.level(task, 0, 1, null, 75, 60, seg(0.33, 0.25));
    return root;
  }

  private String[] table(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("lottery", "table"));
    all.addAll(List.of(args));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void markdown_denseFirst_thenByPrunePercent_directBeforeControlsAndTransfers_meanAndStd() throws Exception {
    Path root = root();
    String[] r = table("--root", root.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    List<String> rows = r[1].lines().filter(l -> l.startsWith("| ") && !l.startsWith("| prune")).toList();
    assertThat(r[1]).contains("## Instance segmentation (Mask R-CNN)")
        .contains("| prune % | ticket | network sparsity % | bbox/AP | bbox/AP50 | segm/AP | segm/AP50 | replicates |");
    assertThat(rows).hasSize(6);
    assertThat(rows.get(0)).startsWith("| 0.0 | dense | 0.00 | 41.0 ± 1.0 | 61.0 ± 1.0 | 30.0 ± 0.0 | 50.0 ± 0.0 | 2 |");
    assertThat(rows.get(1)).startsWith("| 75.0 | cross-task mask | 60.00 | 33.0 | 53.0 | 25.0 | 45.0 | 1 |");
    assertThat(rows.get(2)).startsWith("| 80.0 | direct pruning | 70.50 | 37.0 ± 1.0 |");
    assertThat(rows.get(3)).startsWith("| 80.0 | random-pruning | 70.50 | 10.0 ± 0.0 |");
    assertThat(rows.get(4)).startsWith("| 80.0 | ImageNet ticket | 31.60 | 30.0 ± 0.0 | 50.0 ± 0.0 | 22.0 ± 2.0 |");
    assertThat(rows.get(5)).startsWith("| 80.0 | mask transfer | 31.60 | 25.0 ± 0.0 |");
    assertThat(r[1]).doesNotContain("AP75");
  }

  @Test
  void csvAndJson_holdTheSameNumbers_andOutWritesAFile() throws Exception {
    Path root = root();
    Path csv = dir.resolve("t.csv");
    assertThat(table("--root", root.toString(), "--format", "csv", "--out", csv.toString())[0]).isEqualTo("0");
    List<Map<String, String>> rows = ReportCommandTest.csv(csv);
    assertThat(rows).hasSize(6);
    assertThat(rows.get(4)).containsEntry("task", "seg").containsEntry("ticket", "ImageNet ticket")
        .containsEntry("replicates", "2");
    org.assertj.core.data.Offset<Double> eps = org.assertj.core.data.Offset.offset(1e-9);
    assertThat(Double.parseDouble(rows.get(4).get("prune_percent"))).isEqualTo(80.0);
    assertThat(Double.parseDouble(rows.get(4).get("segm/AP_mean"))).isCloseTo(22.0, eps);
    assertThat(Double.parseDouble(rows.get(4).get("segm/AP_std"))).isCloseTo(2.0, eps);
    assertThat(rows.get(1)).containsEntry("bbox/AP_std", "");
    String[] j = table("--root", root.toString(), "--format", "json");
    JsonNode seg = new ObjectMapper().readTree(j[1]).get("seg");
    assertThat(seg).hasSize(6);
    assertThat(seg.get(0).get("ticket").asText()).isEqualTo("dense");
    assertThat(seg.get(4).get("metrics").get("segm/AP").get("mean").asDouble()).isCloseTo(22.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(seg.get(1).get("metrics").get("bbox/AP").has("std")).isFalse();
  }

  @Test
  void badFormat_orNoRuns_isOneLineExit2() throws Exception {
    Path root = root();
    String[] r = table("--root", root.toString(), "--format", "xml");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].strip()).doesNotContain("\n").contains("--format").contains("xml");
    String[] none = table("--root", dir.resolve("nothing").toString());
    assertThat(none[0]).isEqualTo("2");
    assertThat(none[2].strip()).doesNotContain("\n").contains("no such folder");
  }
}
