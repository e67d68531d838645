package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.model.detector.DetectorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lottery configs: classification run ids stay as before; detector configs are checked before training. */
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

  static final String MASK_RCNN = String.join("\n",
      "task: seg",
      "data: {train: coco/train.json, train_images: coco/train2017, val: coco/val.json, val_images: coco/val2017}",
      "model: {arch: resnet50, variant: fpn, trainable_layers: 3}",
      "training: {iterations: 90000it, batch: 16, lr: 0.02, warmup: 1000it, warmup_factor: 0.001,"
          + " milestones: [60000it, 80000it], eval_every: 1ep}",
      "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 2}",
      "rewind: {at: 1ep}", "");

  private LotteryConfig read(String yaml) throws Exception {
    return LotteryConfig.read(Files.writeString(dir.resolve("c.yaml"), yaml));
  }

  @Test
  void classificationConfig_keepsTheRunIdOfEarlierVersions() throws Exception {
    LotteryConfig c = read(CLASSIFY);
    // pinned before detector tasks were added: existing run folders must stay where they are
    assertThat(c.canonicalJson()).isEqualTo("{\"data\":{\"train\":\"train\",\"val\":\"val\"},\"early_bird\":"
        + "{\"fractions\":[0.6]},\"model\":{\"arch\":\"resnet18\",\"width\":0.125},\"pruning\":{\"preset\":"
        + "\"classifier-convs\",\"rounds\":2,\"sparsity\":0.8},\"rewind\":{\"at\":\"2it\",\"optimizer\":true},"
        + "\"seed\":3,\"task\":\"classify\",\"training\":{\"batch\":6,\"iterations\":\"5it\",\"lr\":0.02,"
        + "\"milestones\":[\"1000it\"],\"schedule\":\"step\",\"size\":32}}");
    assertThat(c.runId()).isEqualTo("992f64fcbbc7");
    assertThat(c.isDetector()).isFalse();
  }

  @Test
  void maskRcnnConfig_readsIntoATorchvisionSpec_andItsTaskNameIsCanonical() throws Exception {
    LotteryConfig c = read(MASK_RCNN);
    assertThat(c.isDetector()).isTrue();
    DetectorSpec spec = c.detectorSpec(null, 80, null);
    assertThat(spec.task()).isEqualTo(DetectorSpec.Task.SEGMENTATION);
    assertThat(spec.depth()).isEqualTo(50);
    assertThat(spec.numClasses()).isEqualTo(81);
    assertThat(spec.minSizes()).isEqualTo(List.of(800));
    assertThat(spec.frozenBatchNorm()).isTrue();
    assertThat(read(MASK_RCNN.replace("task: seg", "task: SEGMENTATION")).runId()).isEqualTo(c.runId());
    assertThat(read(MASK_RCNN.replace("task: seg", "task: det")).runId()).isNotEqualTo(c.runId());
  }

  @Test
  void badDetectorConfigs_areRefusedNamingTheKey() throws Exception {
    assertBad(MASK_RCNN.replace("task: seg", "task: segment"), "task", "segment");
    assertBad(MASK_RCNN.replace("variant: fpn", "variant: c5"), "model.variant", "c5");
    assertBad(MASK_RCNN.replace("arch: resnet50", "arch: vgg16"), "model.arch", "vgg16");
    assertBad(MASK_RCNN.replace("trainable_layers: 3", "trainable_layers: 7"), "trainable layers");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, size: 800"), "training.size", "min_size");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, schedule: cosine"), "training.schedule", "cosine");
    assertBad(MASK_RCNN.replace("warmup_factor: 0.001", "warmup_factor: 2"), "training.warmup_factor", "2");
    assertBad(MASK_RCNN.replace("variant: fpn", "variant: fpn, anchors: 5"), "anchors", "unknown key");
    assertBad(MASK_RCNN.replace("sparsity: 0.8", "sparsity: 1.2"), "pruning.sparsity", "1.2");
    assertBad(MASK_RCNN.replace("preset: paper-coco", "preset: paper-voc:base+tail"), "tail");
    // detector keys on a classification config
    assertBad(CLASSIFY.replace("width: 0.125", "width: 0.125, variant: c4"), "model.variant", "only for detector tasks");
    assertBad(CLASSIFY.replace("batch: 6", "batch: 6, flip: false"), "training.flip", "only for detector tasks");
    assertBad(CLASSIFY.replace("batch: 6", "batch: 6, accumulate: 2"), "training.accumulate", "only for detector tasks");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, accumulate: 0"), "training.accumulate", "at least 1");
  }

  @Test
  void accumulation_isPartOfTheExperiment() throws Exception {
    LotteryConfig plain = read(MASK_RCNN);
    LotteryConfig twice = read(MASK_RCNN.replace("batch: 16", "batch: 8, accumulate: 2"));
    assertThat(twice.training().accumulate()).isEqualTo(2);
    assertThat(plain.training().accumulate()).isNull();
    assertThat(twice.runId()).isNotEqualTo(plain.runId());
  }

  @Test
  void roiSamples_reachTheDetector_andArePartOfTheExperiment() throws Exception {
    LotteryConfig plain = read(MASK_RCNN);
    LotteryConfig fewer = read(MASK_RCNN.replace("trainable_layers: 3}", "trainable_layers: 3, roi_samples: 128}"));
    assertThat(fewer.detectorSpec(null, 5, null).roiSamplesPerImage()).isEqualTo(128);
    assertThat(plain.detectorSpec(null, 5, null).roiSamplesPerImage()).isEqualTo(512);
    assertThat(fewer.runId()).isNotEqualTo(plain.runId());
    assertBad(MASK_RCNN.replace("trainable_layers: 3}", "trainable_layers: 3, roi_samples: 0}"),
        "model.roi_samples", "0", "at least 1");
    assertBad(CLASSIFY.replace("width: 0.125}", "width: 0.125, roi_samples: 64}"),
        "model.roi_samples", "only for detector tasks");
  }

  @Test
  void lotteryHelp_describesDetectorTasks() {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = io.ticketlab.cli.Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
        "lottery", "--help");
    assertThat(code).isZero();
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("det (Faster R-CNN), seg (Mask R-CNN) and kp (Keypoint R-CNN)")
        .contains("paper-voc[:base+top+rpn+head]");
  }

  private void assertBad(String yaml, String... fragments) {
    assertThatThrownBy(() -> read(yaml)).isInstanceOf(BadInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
  }
}
