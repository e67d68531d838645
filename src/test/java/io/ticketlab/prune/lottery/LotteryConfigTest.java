package io.ticketlab.prune.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LotteryConfigTest {
  @TempDir Path dir;

  static final String CLASSIFY = String.join("\n",
      "data: {train: train, val: val}",
      "model: {arch: resnet18, width: 0.125}",
      "training: {iterations: 5it, batch: 6, size: 32, lr: 0.02, schedule: step, milestones: [1000it]}",
      "pruning: {preset: classifier-convs, sparsity: 0.8, rounds: 2}",
      "rewind: {at: 2it, optimizer: true}",
      "early_bird: {fractions: [0.6]}",
      "seed: 3", "");

  @Test
  void classificationConfig_keepsItsRunId() throws Exception {
    LotteryConfig c = LotteryConfig.read(Files.writeString(dir.resolve("c.yaml"), CLASSIFY));
    System.out.println("HASH " + c.runId() + " " + c.canonicalJson());
  }
}
