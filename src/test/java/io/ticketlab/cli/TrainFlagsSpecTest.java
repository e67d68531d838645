package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A flag of {@code ticketlab train …} and the same key in a config mean the same thing with the same
 * default: for each task, the spec resolved from the flags equals the one resolved from the
 * equivalent config, byte for byte — with every value written, and with the defaults left out.
 */
class TrainFlagsSpecTest {
  @TempDir Path dir;

  private String fromConfig(String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), yaml);
    return ExperimentSpec.resolveTraining(ExperimentConfig.read(f), ConfigKeys.file(f)).trainingJson();
  }

  private static String fromClassifyFlags(String... args) {
    TrainCommand.Classify c = new TrainCommand.Classify();
    new CommandLine(c).parseArgs(args);
    return ExperimentSpec.resolveTraining(c.config(), ConfigKeys.flags(TrainCommand.Classify.FLAGS)).trainingJson();
  }

  private static String fromDetectFlags(String... args) {
    TrainCommand.Detect d = new TrainCommand.Detect();
    new CommandLine(d).parseArgs(args);
    return ExperimentSpec.resolveTraining(d.config(), ConfigKeys.flags(TrainCommand.Detect.FLAGS)).trainingJson();
  }

  @Test
  void classify_flagsAndConfig_resolveToTheSameSpec() throws Exception {
    assertThat(fromClassifyFlags("--data", "imagenet/train", "--out", "o"))
        .isEqualTo(fromConfig("data: {train: imagenet/train}\n"));
    assertThat(fromClassifyFlags("--data", "imagenet/train", "--val", "imagenet/val", "--arch", "resnet50",
            "--width", "0.5", "--iterations", "2ep", "--batch", "64", "--size", "128", "--lr", "0.2", "--momentum",
            "0.8", "--weight-decay", "5e-5", "--warmup", "100it", "--schedule", "cosine", "--weights", "w.pth",
            "--seed", "7", "--out", "o"))
        .isEqualTo(fromConfig(String.join("\n",
            "task: classify",
            "data: {train: imagenet/train, val: imagenet/val}",
            "model: {arch: resnet50, width: 0.5, weights: w.pth}",
            "training: {iterations: 2ep, batch: 64, size: 128, lr: 0.2, momentum: 0.8, weight_decay: 5.0e-5,"
                + " warmup: 100it, schedule: cosine}",
            "seed: 7", "")));
  }

  @Test
  void detectors_flagsAndConfig_resolveToTheSameSpec_forEachTask() throws Exception {
    for (String task : new String[] {"det", "seg", "kp"}) {
      assertThat(fromDetectFlags("--task", task, "--train", "coco/train.json", "--out", "o"))
          .as(task).isEqualTo(fromConfig("task: " + task + "\ndata: {train: coco/train.json}\n"));
      assertThat(fromDetectFlags("--task", task, "--train", "coco/train.json", "--train-images", "coco/img",
              "--val", "coco/val.json", "--val-images", "coco/vimg", "--arch", "resnet50", "--variant", "c4",
              "--width", "0.5", "--fpn-channels", "64", "--head-width", "256", "--min-size", "600,700",
              "--max-size", "1000", "--trainable-layers", "5", "--roi-samples", "128", "--scratch",
              "--weights", "r50.pth", "--iterations", "12ep", "--batch", "4", "--accumulate", "2", "--lr", "0.01",
              "--momentum", "0.95", "--weight-decay", "1e-5", "--warmup", "600it", "--warmup-factor", "0.01",
              "--milestones", "8ep,11ep", "--eval-every", "1ep", "--no-flip", "--num-classes", "20",
              "--seed", "4", "--out", "o"))
          .as(task)
          .isEqualTo(fromConfig(String.join("\n",
              "task: " + task,
              "data: {train: coco/train.json, train_images: coco/img, val: coco/val.json, val_images: coco/vimg}",
              "model: {arch: resnet50, variant: c4, width: 0.5, fpn_channels: 64, head_width: 256,"
                  + " min_size: [600, 700], max_size: 1000, trainable_layers: 5, roi_samples: 128, scratch: true,"
                  + " weights: r50.pth, num_classes: 20}",
              "training: {iterations: 12ep, batch: 4, accumulate: 2, lr: 0.01, momentum: 0.95, weight_decay: 1.0e-5,"
                  + " warmup: 600it, warmup_factor: 0.01, milestones: [8ep, 11ep], eval_every: 1ep, flip: false}",
              "seed: 4", "")));
    }
  }

  @Test
  void aBadFlag_isNamedAsTheFlag() {
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
        "train", "detect", "--train", dir.resolve("t.json").toString(), "--lr", "-1", "--out", dir.resolve("o").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("ticketlab train detect: --lr: bad value -1.0: must be > 0");
    assertThat(dir.resolve("o")).doesNotExist();
  }
}
