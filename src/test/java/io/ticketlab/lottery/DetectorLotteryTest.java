package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.train.detect.DetectionRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lottery engine on tiny detectors (ResNet-18 at width 0.25, FPN 32, box head 64, 128-pixel
 * synthetic images, trainable batch norm): network sparsity by hand count, a two-level Mask R-CNN
 * run that resumes without training, exact zeros and rewinding, and the paper-voc preset on C4.
 */
@Tag("engine")
class DetectorLotteryTest {
  @TempDir Path dir;

  /** A tiny detector experiment on synthetic shapes written into {@code dir}. */
  static Path tinyConfig(Path dir, String task, String preset, boolean validation, String extra) throws Exception {
    SynthGenerator.write(dir.resolve("train"), new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    SynthGenerator.write(dir.resolve("val"), new SynthOptions(2, 1, 128, SynthOptions.Split.val));
    return Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "task: " + task,
        "data: {train: train/" + SynthGenerator.ANNOTATIONS
            + (validation ? ", val: val/" + SynthGenerator.ANNOTATIONS : "") + "}",
        "model: {arch: resnet18, width: 0.25, fpn_channels: 32, head_width: 64, min_size: [128], max_size: 128,"
            + " scratch: true}",
        "training: {iterations: 4it, batch: 2, lr: 0.01, warmup: 1it, warmup_factor: 0.1}",
        "pruning: {preset: " + preset + ", sparsity: 0.8, rounds: 2}",
        "rewind: {at: 2it, optimizer: true}",
        "seed: 5",
        extra));
  }

  @Test
  void maskRcnnPaperCoco_twoLevels_handCountedSparsity_exactZeros_rewind_andIdempotentResume() throws Exception {
    Path cfgFile = tinyConfig(dir, "seg", "paper-coco", true, "");
    Experiment config = Experiment.read(cfgFile);
    Path root = dir.resolve("runs");
    List<LotteryRunner.LevelOutcome> first = LotteryRunner.run(config, root, null, null, false, null);
    assertThat(first).hasSize(2);
    assertThat(first.get(0).metricNames()).containsExactly("bbox/AP", "segm/AP");
    assertThat(first.get(1).metrics()).containsKeys("bbox/AP", "segm/AP");

    Path run = root.resolve("lottery_" + config.spec().runId()).resolve("replicate_0");
    Path level0 = run.resolve("level_0/main");
    Path level1 = run.resolve("level_1/main");
    for (String f : List.of("mask.tlck", "sparsity.json", "level.json", "eval.json", "metrics.csv")) {
      assertThat(level1.resolve(f)).exists();
    }
    JsonNode eval = new ObjectMapper().readTree(level1.resolve("eval.json").toFile());
    assertThat(eval.has("bbox")).isTrue();
    assertThat(eval.has("segm")).isTrue();

    // hand count of zeros over every parameter of the model in level 1's final checkpoint; batch-norm
    // running statistics are buffers in torchvision (DJL keeps them as parameters), not counted
    DetectorSpec model = DetectionRun.Spec.detector(config.spec(), dir.resolve("train").resolve(SynthGenerator.ANNOTATIONS), io.ticketlab.config.ConfigKeys.file(null));
    Map<String, int[]> parameters = DetectionRun.parameterShapes(model);
    Map<String, FloatTensor> trained = TicketCheckpoint.read(level1.resolve("checkpoint_4.tlck")).weights().toFloatTensors();
    long zeros = 0;
    long total = 0;
    for (String name : parameters.keySet()) {
      if (name.endsWith(".running_mean") || name.endsWith(".running_var")) {
        continue;
      }
      float[] w = trained.get(name).data();
      total += w.length;
      for (float v : w) {
        if (v == 0f) {
          zeros++;
        }
      }
    }
    double handCount = 100.0 * zeros / total;
    System.out.printf("hand count: %d zeros of %d parameters = %.4f%%, reported %.4f%% (prune %.4f%%)%n",
        zeros, total, handCount, first.get(1).networkSparsityPercent(), first.get(1).prunePercent());
    assertThat(first.get(1).networkSparsityPercent()).isCloseTo(handCount, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(first.get(1).prunePercent()).isCloseTo(80.0, org.assertj.core.data.Offset.offset(0.01));

    // the mask: 80 % of the paper-coco set, a subset of the dense level (monotone), exact zeros after training
    Mask mask = Mask.of(TicketCheckpoint.read(level1.resolve("mask.tlck")).masks());
    assertThat(mask.kept()).isEqualTo(Math.round(0.2 * mask.total()));
    assertThat(mask.names()).contains("roi_heads.mask_head.0.0.weight", "roi_heads.mask_predictor.conv5_mask.weight",
            "backbone.fpn.inner_blocks.0.0.weight", "rpn.head.conv.0.0.weight", "roi_heads.box_head.fc6.weight")
        .noneMatch(n -> n.contains("downsample") || n.contains("box_predictor") || n.contains("mask_fcn_logits"));
    Mask level0Mask = Mask.of(TicketCheckpoint.read(level0.resolve("checkpoint_4.tlck")).masks());
    Map<String, FloatTensor> rewindPoint = TicketCheckpoint.read(level0.resolve("checkpoint_2.tlck")).weights().toFloatTensors();
    Map<String, FloatTensor> levelStart = TicketCheckpoint.read(level1.resolve("checkpoint_2.tlck")).weights().toFloatTensors();
    long survivors = 0;
    for (String n : mask.names()) {
      float[] w = trained.get(n).data();
      float[] start = levelStart.get(n).data();
      float[] rewound = rewindPoint.get(n).data();
      for (int i = 0; i < w.length; i++) {
        if (!mask.get(n).get(i)) {
          assertThat(w[i]).as(n + "[" + i + "] pruned").isEqualTo(0f);
          assertThat(start[i]).isEqualTo(0f);
        } else {
          assertThat(level0Mask.names().isEmpty() || level0Mask.get(n) == null || level0Mask.get(n).get(i))
              .as("monotone: %s[%d] kept at level 1 was kept at level 0", n, i).isTrue();
          assertThat(start[i]).as(n + "[" + i + "] rewound").isEqualTo(rewound[i]);
          survivors++;
        }
      }
    }
    assertThat(survivors).isEqualTo(mask.kept());
    // tensors outside the prunable set are rewound too
    assertThat(levelStart.get("roi_heads.box_predictor.cls_score.weight").data())
        .isEqualTo(rewindPoint.get("roi_heads.box_predictor.cls_score.weight").data());

    // the same call again trains nothing: every level is read back from disk
    FileTime before = Files.getLastModifiedTime(level1.resolve("checkpoint_4.tlck"));
    List<String> metrics = Files.readAllLines(level1.resolve("metrics.csv"));
    List<LotteryRunner.LevelOutcome> again = LotteryRunner.run(config, root, null, null, false, null);
    assertThat(again).allMatch(LotteryRunner.LevelOutcome::alreadyDone);
    assertThat(again.get(1).metrics()).isEqualTo(first.get(1).metrics());
    assertThat(again.get(1).networkSparsityPercent()).isEqualTo(first.get(1).networkSparsityPercent());
    assertThat(Files.getLastModifiedTime(level1.resolve("checkpoint_4.tlck"))).isEqualTo(before);
    assertThat(Files.readAllLines(level1.resolve("metrics.csv"))).isEqualTo(metrics);

    // the commands that read run folders work on detector runs
    Outcome status = main("lottery", "status", "--root", root.toString());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("replicate_0/level_1/main: done: prune 80.00%").contains("bbox/AP");
    Outcome sparsity = main("sparsity", level1.resolve("checkpoint_4.tlck").toString(), "--preset", "paper-coco");
    assertThat(sparsity.code()).as(sparsity.err()).isZero();
    assertThat(sparsity.out()).contains("80.00").contains(String.format(java.util.Locale.ROOT, "%.2f", handCount));
    Outcome size = main("size", root.resolve("lottery_" + config.spec().runId()).toString());
    assertThat(size.code()).as(size.err()).isZero();
    assertThat(size.out()).contains("replicate_0/level_1/main");
    Outcome report = main("lottery", "--config", cfgFile.toString(), "--root", root.toString(), "--quiet");
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(report.out()).contains("bbox/AP").contains("segm/AP").contains("(done before)");
  }

  record Outcome(int code, String out, String err) {}

  static Outcome main(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = io.ticketlab.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void detectorEarlyBirdBranch_keepsTheTicketsDensity_andRecordsItsIou() throws Exception {
    Path cfgFile = tinyConfig(dir, "det", "backbone-only", false, "early_bird: {fractions: [0.5]}");
    Experiment config = Experiment.read(cfgFile);
    Path root = dir.resolve("runs");
    LotteryRunner.run(config, root, null, null, false, null);
    Path level = root.resolve("lottery_" + config.spec().runId()).resolve("replicate_0/level_1");
    Mask ticket = Mask.of(TicketCheckpoint.read(level.resolve("main/mask.tlck")).masks());
    assertThat(ticket.names()).allMatch(n -> n.startsWith("backbone.body."));
    assertThat(root.resolve("lottery_" + config.spec().runId()).resolve("replicate_0/level_0/main/checkpoint_2.tlck")).exists();

    LotteryRunner.LevelOutcome early =
        LotteryRunner.runBranch(config, root, 0, 1, LotteryRunner.Branch.EARLY_BIRD, 0.5, false, null);
    Mask earlyMask = Mask.of(TicketCheckpoint.read(early.folder().resolve("checkpoint_4.tlck")).masks());
    assertThat(earlyMask.kept()).isEqualTo(ticket.kept());
    assertThat(early.prunePercent()).isCloseTo(80.0, org.assertj.core.data.Offset.offset(0.01));
    JsonNode iou = new ObjectMapper().readTree(early.folder().resolve("mask_iou.json").toFile());
    assertThat(iou.get("iteration").asLong()).isEqualTo(2);
    assertThat(iou.get("maskIouWithTicket").asDouble()).isEqualTo(earlyMask.iou(ticket)).isBetween(0.0, 1.0);
    assertThat(LotteryRunner.runBranch(config, root, 0, 1, LotteryRunner.Branch.EARLY_BIRD, 0.5, false, null).alreadyDone())
        .isTrue();
  }

  @Test
  void paperVocPreset_onTinyC4_selectsExactlyBaseTopRpnHead() throws Exception {
    DetectorSpec c4 = DetectorSpec.paperVoc(18).withWidths(0.25, 32, 64).withSizes(List.of(128), 128).fromScratch();
    Map<String, int[]> shapes = DetectionRun.parameterShapes(c4);
    Set<String> selected = new TreeSet<>(PrunableSet.preset("paper-voc").select(shapes).keySet());
    Set<String> expected = shapes.keySet().stream()
        .filter(n -> n.endsWith(".weight") && shapes.get(n).length >= 2 && !n.contains("downsample"))
        .filter(n -> n.matches("backbone\\.body\\.layer[123]\\..*")             // Base
            || n.startsWith("roi_heads.box_head.layer4.")                         // Top
            || n.startsWith("rpn.head.")                                          // RPN
            || n.startsWith("roi_heads.box_predictor."))                          // Head
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(selected).isEqualTo(expected);
    assertThat(selected).isNotEmpty()
        .noneMatch(n -> n.equals("backbone.body.conv1.weight") || n.contains("bn") || n.endsWith("bias"));
    assertThat(selected.stream().filter(n -> n.startsWith("rpn.head.")).count()).isEqualTo(3);
    assertThat(selected.stream().filter(n -> n.startsWith("roi_heads.box_predictor.")).count()).isEqualTo(2);
    assertThat(selected.stream().filter(n -> n.startsWith("roi_heads.box_head.layer4.")).count()).isEqualTo(4);
    assertThat(selected.stream().filter(n -> n.startsWith("backbone.body.layer")).count()).isEqualTo(12);

    // on an FPN model the groups do not exist: refused before training, naming the missing group
    Path fpn = tinyConfig(dir, "det", "paper-voc", false, "");
    assertThatThrownBy(() -> LotteryRunner.run(Experiment.read(fpn), dir.resolve("r"), null, null, false, null))
        .isInstanceOf(BadInputException.class).hasMessageContaining("paper-voc").hasMessageContaining("'top'");
    assertThat(dir.resolve("r")).doesNotExist();
  }
}
