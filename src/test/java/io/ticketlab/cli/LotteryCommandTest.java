package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.Mask;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
class LotteryCommandTest {
  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    return Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "data: {train: train, val: val}",
        "model: {arch: resnet18, width: 0.125}",
        "training: {iterations: 5it, batch: 6, size: 32, lr: 0.02, schedule: step, milestones: [1000it]}",
        "pruning: {preset: classifier-convs, sparsity: 0.8, rounds: 2}",
        "rewind: {at: 2it}",
        "seed: 3",
        extra));
  }

  private static Path only(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().startsWith("lottery_")).findFirst().orElseThrow();
    }
  }

  @Test
  void oneShotTicket_prunesExactly80PercentAndResumesToTheSameResult() throws Exception {
    Path cfg = config("");
    Path rootA = dir.resolve("a");
    MainTest.Outcome a = MainTest.run("lottery", "--config", cfg.toString(), "--root", rootA.toString(), "--quiet");
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).contains("level").contains("80.00");
    Path level1 = only(rootA).resolve("replicate_0/level_1/main");
    Mask mask = Mask.of(TicketCheckpoint.read(level1.resolve("mask.tlck")).masks());
    assertThat(mask.kept()).isEqualTo(Math.round(0.2 * mask.total()));
    assertThat(mask.names()).allMatch(n -> !n.contains("downsample") && !n.startsWith("fc"));

    // pruned weights are exactly zero after training; survivors started from the rewind point
    Map<String, FloatTensor> trained = TicketCheckpoint.read(level1.resolve("checkpoint_5.tlck")).weights().toFloatTensors();
    for (String n : mask.names()) {
      float[] w = trained.get(n).data();
      for (int i = 0; i < w.length; i++) {
        if (!mask.get(n).get(i)) {
          assertThat(w[i]).isEqualTo(0f);
        }
      }
    }
    assertThat(Files.readAllLines(level1.resolve("metrics.csv")).get(1)).startsWith("2,");

    // an interrupted run (only level 0 first) resumed with the same command gives the same ticket
    Path rootB = dir.resolve("b");
    assertThat(MainTest.run("lottery", "--config", cfg.toString(), "--root", rootB.toString(), "--levels", "0", "--quiet").exitCode()).isZero();
    MainTest.Outcome b = MainTest.run("lottery", "--config", cfg.toString(), "--root", rootB.toString(), "--quiet");
    assertThat(b.exitCode()).as(b.err()).isZero();
    assertThat(b.out()).contains("(done before)");
    Path level1b = only(rootB).resolve("replicate_0/level_1/main");
    assertThat(Mask.of(TicketCheckpoint.read(level1b.resolve("mask.tlck")).masks())).isEqualTo(mask);
    assertThat(TicketCheckpoint.read(level1b.resolve("checkpoint_5.tlck")).weights())
        .isEqualTo(TicketCheckpoint.read(level1.resolve("checkpoint_5.tlck")).weights());
    assertThat(Files.readAllLines(level1b.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(level1.resolve("metrics.csv")));
    assertThat(only(rootA).getFileName()).isEqualTo(only(rootB).getFileName());

    for (String branch : new String[] {"random-reinit", "random-pruning", "finetune"}) {
      MainTest.Outcome br = MainTest.run("lottery", "branch", "--name", branch, "--config", cfg.toString(),
          "--root", rootA.toString(), "--quiet");
      assertThat(br.exitCode()).as(br.err()).isZero();
      assertThat(br.out()).contains("prune 80.00%");
      Path bdir = only(rootA).resolve("replicate_0/level_1/branch_" + branch);
      Mask bm = Mask.of(TicketCheckpoint.read(bdir.resolve("checkpoint_5.tlck")).masks());
      assertThat(bm.kept()).isEqualTo(mask.kept());
      if (branch.equals("random-pruning")) {
        assertThat(bm.densities()).isEqualTo(mask.densities());
        assertThat(bm).isNotEqualTo(mask);
      } else {
        assertThat(bm).isEqualTo(mask);
      }
    }
    assertThat(MainTest.run("lottery", "branch", "--name", "nope", "--config", cfg.toString(),
        "--root", rootA.toString()).exitCode()).isEqualTo(2);

    MainTest.Outcome size = MainTest.run("size", only(rootA).toString(), "--format", "dense,paper,entropy");
    assertThat(size.exitCode()).as(size.err()).isZero();
    assertThat(size.out()).contains("replicate_0/level_0/main").contains("replicate_0/level_1/main").contains("branch_finetune");

    MainTest.Outcome status = MainTest.run("lottery", "status", "--root", rootA.toString());
    assertThat(status.exitCode()).isZero();
    assertThat(status.out()).contains("level_1").contains("done");
  }

  @Test
  void earlyBirdMask_isComparedWithTheTicketAndTrained() throws Exception {
    Path cfg = config("early_bird: {fractions: [0.6]}");
    Path root = dir.resolve("eb");
    assertThat(MainTest.run("lottery", "--config", cfg.toString(), "--root", root.toString(), "--quiet").exitCode()).isZero();
    assertThat(only(root).resolve("replicate_0/level_0/main/checkpoint_3.tlck")).exists();
    MainTest.Outcome eb = MainTest.run("lottery", "branch", "--name", "early-bird", "--fraction", "0.6",
        "--config", cfg.toString(), "--root", root.toString(), "--quiet");
    assertThat(eb.exitCode()).as(eb.err()).isZero();
    assertThat(eb.out()).contains("maskIouWithTicket").contains("prune 80.00%");
    assertThat(MainTest.run("lottery", "branch", "--name", "early-bird", "--fraction", "0.3",
        "--config", cfg.toString(), "--root", root.toString()).exitCode()).isEqualTo(2);
  }

  @Test
  void badConfigs_failBeforeAnyTraining() throws Exception {
    Path unknown = config("learning_rate: 3");
    MainTest.Outcome o1 = MainTest.run("lottery", "--config", unknown.toString(), "--root", dir.resolve("r").toString());
    assertThat(o1.exitCode()).isEqualTo(2);
    assertThat(o1.err()).contains("learning_rate").contains("unknown key");

    Path impossible = Files.writeString(dir.resolve("bad.yaml"), Files.readString(unknown)
        .replace("learning_rate: 3", "").replace("sparsity: 0.8", "sparsity: 1.0"));
    MainTest.Outcome o2 = MainTest.run("lottery", "--config", impossible.toString(), "--root", dir.resolve("r").toString());
    assertThat(o2.exitCode()).isEqualTo(2);
    assertThat(o2.err()).contains("sparsity").contains("1.0");

    Path late = Files.writeString(dir.resolve("late.yaml"), Files.readString(unknown)
        .replace("learning_rate: 3", "").replace("at: 2it", "at: 50it"));
    MainTest.Outcome o3 = MainTest.run("lottery", "--config", late.toString(), "--root", dir.resolve("r").toString());
    assertThat(o3.exitCode()).isEqualTo(2);
    assertThat(o3.err()).contains("rewind").contains("after the end of training");

    Path nothing = Files.writeString(dir.resolve("nothing.yaml"), Files.readString(unknown)
        .replace("learning_rate: 3", "").replace("preset: classifier-convs", "preset: backbone-only"));
    MainTest.Outcome o4 = MainTest.run("lottery", "--config", nothing.toString(), "--root", dir.resolve("r").toString());
    assertThat(o4.exitCode()).isEqualTo(2);
    assertThat(o4.err()).contains("selects no tensor");

    Path badGroup = Files.writeString(dir.resolve("group.yaml"), Files.readString(unknown)
        .replace("learning_rate: 3", "").replace("preset: classifier-convs", "preset: paper-voc:base+topp"));
    MainTest.Outcome o5 = MainTest.run("lottery", "--config", badGroup.toString(), "--root", dir.resolve("r").toString());
    assertThat(o5.exitCode()).isEqualTo(2);
    assertThat(o5.err()).contains("group.yaml").contains("topp").contains("base, top, rpn, head");
    assertThat(dir.resolve("r")).doesNotExist();
  }
}
