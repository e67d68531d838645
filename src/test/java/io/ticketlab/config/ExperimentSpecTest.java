package io.ticketlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiment specs: one resolution of defaults for every entry point, run ids over the resolved
 * spec, errors naming the key path and the bad value.
 */
class ExperimentSpecTest {
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

  private Path file(String yaml) throws Exception {
    return Files.writeString(dir.resolve("c.yaml"), yaml);
  }

  private ExperimentSpec read(String yaml) throws Exception {
    Path f = file(yaml);
    return ExperimentSpec.resolve(ExperimentConfig.read(f), ConfigKeys.file(f));
  }

  @Test
  void explicitDefaults_andOmittedOnes_giveTheSameRunId() throws Exception {
    String minimalClassify = "data: {train: train}\npruning: {sparsity: 0.8}\n";
    String explicitClassify = String.join("\n",
        "task: classify",
        "data: {train: ./train/}",
        "model: {arch: ResNet-18, width: 1.0}",
        "training: {iterations: 90ep, batch: 32, size: 224, lr: 0.1, momentum: 0.9, weight_decay: 0.0001,"
            + " warmup: 0it, schedule: step, milestones: [30ep, 60ep]}",
        "pruning: {preset: classifier-convs, include: [], exclude: [], strategy: global, sparsity: 0.8, rounds: 2}",
        "rewind: {at: 0it, optimizer: false}",
        "replicates: 1", "seed: 0", "early_bird: {fractions: []}", "");
    assertThat(read(explicitClassify).canonicalJson()).isEqualTo(read(minimalClassify).canonicalJson());
    assertThat(read(explicitClassify).runId()).isEqualTo(read(minimalClassify).runId());

    String minimalSeg = "task: seg\ndata: {train: coco/train.json}\npruning: {sparsity: 0.8}\n";
    String explicitSeg = String.join("\n",
        "task: segmentation",
        "data: {train: coco/train.json, train_images: coco}",
        "model: {arch: resnet18, width: 1, variant: FPN, fpn_channels: 256, head_width: 1024, min_size: [800],"
            + " max_size: 1333, trainable_layers: 3, scratch: false, roi_samples: 512}",
        "training: {iterations: 12ep, batch: 2, lr: 0.02, momentum: 0.9, weight_decay: 1e-4, warmup: 1000it,"
            + " warmup_factor: 0.001, schedule: step, milestones: [], eval_every: end, flip: true, accumulate: 1}",
        "pruning: {preset: paper-coco, strategy: global, sparsity: 0.8, rounds: 2}",
        "rewind: {at: 0it}", "");
    assertThat(read(explicitSeg).canonicalJson()).isEqualTo(read(minimalSeg).canonicalJson());
    // a value that is not the default is another experiment
    assertThat(read(minimalSeg.replace("0.8", "0.9")).runId()).isNotEqualTo(read(minimalSeg).runId());
    assertThat(read(minimalSeg + "training: {lr: 0.01}\n").runId()).isNotEqualTo(read(minimalSeg).runId());
    // AP at fewer evaluation points is another experiment (its validation.csv differs); 'end' is the length
    ExperimentSpec end = read(minimalSeg + "training: {iterations: 600it, ap_every: end}\n");
    assertThat(end.training().apEvery()).isEqualTo(Step.ofIterations(600));
    assertThat(end.runId()).isNotEqualTo(read(minimalSeg + "training: {iterations: 600it}\n").runId())
        .isEqualTo(read(minimalSeg + "training: {iterations: 600it, ap_every: 600it}\n").runId());
    assertThat(read(minimalSeg).training().apEvery()).isNull();
  }

  @Test
  void theResolvedSpec_holdsEveryDefault_perTask() throws Exception {
    ExperimentSpec c = read("data: {train: train}\npruning: {sparsity: 0.8}\n");
    assertThat(c.canonicalJson()).isEqualTo("{\"data\":{\"train\":\"train\"},\"early_bird\":[],\"model\":{\"arch\":"
        + "\"resnet18\",\"width\":1.0},\"pruning\":{\"exclude\":[],\"include\":[],\"preset\":\"classifier-convs\","
        + "\"rounds\":2,\"sparsity\":0.8,\"strategy\":\"global\"},\"rewind\":{\"at\":\"0it\",\"optimizer\":false},"
        + "\"seed\":0,\"task\":\"classify\",\"training\":{\"batch\":32,\"iterations\":\"90ep\",\"lr\":0.1,"
        + "\"milestones\":[\"30ep\",\"60ep\"],\"momentum\":0.9,\"schedule\":\"step\",\"size\":224,\"warmup\":\"0it\","
        + "\"weight_decay\":1.0E-4},\"version\":2}");
    ExperimentSpec kp = read("task: kp\ndata: {train: a/t.json, val: b/v.json}\npruning: {fraction: 0.2, levels: 3}\n");
    assertThat(kp.data().trainImages()).isEqualTo("a");
    assertThat(kp.data().valImages()).isEqualTo("b");
    assertThat(kp.training().warmup()).isEqualTo(Step.ofIterations(1000));
    assertThat(kp.training().lr()).isEqualTo(0.02);
    assertThat(kp.training().evalEvery()).isNull();
    assertThat(kp.training().milestones()).isEmpty();
    assertThat(kp.model().minSize()).containsExactly(800);
    assertThat(kp.pruning().preset()).isEqualTo("paper-coco");
    assertThat(kp.pruning().rounds()).isNull();
    assertThat(kp.pruning().levels()).isEqualTo(3);
    // the canonical form reads back into the same spec
    assertThat(ExperimentSpec.fromCanonicalJson(kp.canonicalJson()).canonicalJson()).isEqualTo(kp.canonicalJson());
  }

  @Test
  void cropScale_defaultsToImageNets_isLeftOutOfTheRunIdThere_andIsClassificationOnly() throws Exception {
    String minimal = "data: {train: train}\npruning: {sparsity: 0.8}\n";
    ExperimentSpec plain = read(minimal);
    assertThat(plain.training().cropScale()).isEqualTo(0.08);
    // at the default: the same canonical form (and run id) as before the key existed
    ExperimentSpec explicit = read(minimal + "training: {crop_scale: 0.08}\n");
    assertThat(explicit.canonicalJson()).isEqualTo(plain.canonicalJson()).doesNotContain("crop_scale");
    // read back from a spec.json without the key: the default again
    assertThat(ExperimentSpec.fromCanonicalJson(plain.canonicalJson()).training().cropScale()).isEqualTo(0.08);
    ExperimentSpec milder = read(minimal + "training: {crop_scale: 0.5}\n");
    assertThat(milder.training().cropScale()).isEqualTo(0.5);
    assertThat(milder.canonicalJson()).contains("\"crop_scale\":0.5");
    assertThat(milder.runId()).isNotEqualTo(plain.runId());
    assertThat(ExperimentSpec.fromCanonicalJson(milder.canonicalJson()).training().cropScale()).isEqualTo(0.5);
    for (String bad : List.of("0", "1.5", "-0.1")) {
      assertThatThrownBy(() -> read(minimal + "training: {crop_scale: " + bad + "}\n"))
          .isInstanceOf(BadInputException.class).hasMessageContaining("c.yaml").hasMessageContaining("training.crop_scale")
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> read("task: det\ndata: {train: t.json}\npruning: {sparsity: 0.8}\ntraining: {crop_scale: 0.5}\n"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("training.crop_scale")
        .hasMessageContaining("classification only");
    assertThat(read("task: det\ndata: {train: t.json}\npruning: {sparsity: 0.8}\n").training().cropScale()).isNull();
  }

  @Test
  void legacyRunId_isTheIdOfTicketLab01() throws Exception {
    // pinned by 0.1's tests: folders it wrote are recognised under this id
    assertThat(ExperimentSpec.legacyRunId(ExperimentConfig.read(file(CLASSIFY)))).isEqualTo("992f64fcbbc7");
    assertThat(read(CLASSIFY).runId()).isNotEqualTo("992f64fcbbc7");
  }

  @Test
  void maskRcnnConfig_taskNamesAreCanonical() throws Exception {
    ExperimentSpec c = read(MASK_RCNN);
    assertThat(c.isDetector()).isTrue();
    assertThat(c.task()).isEqualTo(Task.SEG);
    assertThat(c.model().depth()).isEqualTo(50);
    assertThat(c.training().evalEvery()).isEqualTo(Step.ofEpochs(1));
    assertThat(read(MASK_RCNN.replace("task: seg", "task: SEGMENTATION")).runId()).isEqualTo(c.runId());
    assertThat(read(MASK_RCNN.replace("task: seg", "task: det")).runId()).isNotEqualTo(c.runId());
  }

  @Test
  void badValues_areRefusedNamingTheFileTheKeyPathAndTheValue() throws Exception {
    assertBad(MASK_RCNN.replace("task: seg", "task: segment"), "c.yaml: task: bad value segment");
    assertBad(MASK_RCNN.replace("variant: fpn", "variant: c5"), "c.yaml: model.variant: bad value c5");
    assertBad(MASK_RCNN.replace("arch: resnet50", "arch: vgg16"), "model.arch: bad value vgg16");
    assertBad(MASK_RCNN.replace("trainable_layers: 3", "trainable_layers: 7"), "model.trainable_layers: bad value 7", "0..5");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, size: 800"), "training.size", "min_size");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, schedule: cosine"), "training.schedule", "cosine");
    assertBad(MASK_RCNN.replace("warmup_factor: 0.001", "warmup_factor: 2"), "training.warmup_factor: bad value 2");
    assertBad(MASK_RCNN.replace("variant: fpn", "variant: fpn, anchors: 5"), "model.anchors", "unknown key", "line 3");
    assertBad(MASK_RCNN.replace("sparsity: 0.8", "sparsity: 1.2"), "pruning.sparsity: bad value 1.2");
    assertBad(MASK_RCNN.replace("preset: paper-coco", "preset: paper-voc:base+tail"), "pruning.preset", "tail");
    assertBad(MASK_RCNN.replace("lr: 0.02", "lr: -1"), "c.yaml: training.lr: bad value -1.0: must be > 0");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 0"), "c.yaml: training.batch: bad value 0: must be at least 1");
    assertBad(MASK_RCNN.replace("60000it", "thirty"), "training.milestones[0]: bad value thirty");
    assertBad(MASK_RCNN.replace("at: 1ep", "at: soon"), "rewind.at: bad value soon");
    assertBad(MASK_RCNN.replace("rounds: 2", "rounds: 2, fraction: 0.2"), "pruning.fraction", "not both");
    // values of the wrong type: the key and the kind of value expected, no Java type names
    assertBad(MASK_RCNN.replace("batch: 16", "batch: sixteen"), "c.yaml: training.batch: bad value sixteen: expected a whole number");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: [16]"), "training.batch", "expected a whole number");
    assertBad(MASK_RCNN.replace("trainable_layers: 3}", "trainable_layers: 3, scratch: maybe}"), "model.scratch", "true or false");
    // detector keys on a classification config
    assertBad(CLASSIFY.replace("width: 0.125", "width: 0.125, variant: c4"), "model.variant", "only for detector tasks");
    assertBad(CLASSIFY.replace("batch: 6", "batch: 6, flip: false"), "training.flip", "only for detector tasks");
    assertBad(CLASSIFY.replace("batch: 6", "batch: 6, accumulate: 2"), "training.accumulate", "only for detector tasks");
    assertBad(MASK_RCNN.replace("batch: 16", "batch: 16, accumulate: 0"), "training.accumulate", "at least 1");
    assertBad(CLASSIFY.replace("width: 0.125}", "width: 0.125, roi_samples: 64}"), "model.roi_samples", "only for detector tasks");
    assertBad(MASK_RCNN.replace("trainable_layers: 3}", "trainable_layers: 3, roi_samples: 0}"), "model.roi_samples: bad value 0");
    assertThatThrownBy(() -> read("data: {train: t}\n")).hasMessageContaining("pruning");
    // a path the file system cannot name (a NUL, as a damaged file can hold): the key, not InvalidPathException
    assertBad(MASK_RCNN.replace("train: coco/train.json", "train: \"coco/t\\0rain.json\""), "c.yaml: data.train: bad value", "not a usable path");
    assertBad(MASK_RCNN.replace("val_images: coco/val2017", "val_images: \"v\\0\""), "c.yaml: data.val_images: bad value", "not a usable path");
    for (String s : List.of("java.lang", "Integer", "Cannot deserialize", "io.ticketlab")) {
      assertThatThrownBy(() -> read(MASK_RCNN.replace("batch: 16", "batch: x"))).message().doesNotContain(s);
    }
  }

  @Test
  void brokenFiles_areNamedWithLineAndColumn_orAsMissing() throws Exception {
    assertBad("data: {train: t\npruning: [", "c.yaml", "not valid YAML/JSON", "line");
    assertBad("", "c.yaml", "empty config");
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ExperimentConfig.read(missing)).isInstanceOf(BadInputException.class)
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> ExperimentConfig.read(dir)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("a folder, not a config file");
  }

  @Test
  void flagKeys_nameTheFlag() {
    ExperimentConfig c = new ExperimentConfig("det",
        new ExperimentConfig.Data("t.json", null, null, null), null,
        new ExperimentConfig.Training(null, null, null, -1.0, null, null, null, null, null, null, null, null, null, null,
            null),
        null, null, null, null, null, null);
    assertThatThrownBy(() -> ExperimentSpec.resolveTraining(c, ConfigKeys.flags(java.util.Map.of())))
        .isInstanceOf(BadInputException.class).hasMessage("--lr: bad value -1.0: must be > 0");
    assertThat(ConfigKeys.flagOf("training.milestones[2]", java.util.Map.of())).isEqualTo("--milestones");
    assertThat(ConfigKeys.flagOf("training.weight_decay", java.util.Map.of())).isEqualTo("--weight-decay");
  }

  @Test
  void accumulationAndRoiSamples_arePartOfTheExperiment() throws Exception {
    ExperimentSpec plain = read(MASK_RCNN);
    ExperimentSpec twice = read(MASK_RCNN.replace("batch: 16", "batch: 8, accumulate: 2"));
    assertThat(twice.training().accumulate()).isEqualTo(2);
    assertThat(plain.training().accumulate()).isEqualTo(1);
    assertThat(twice.runId()).isNotEqualTo(plain.runId());
    ExperimentSpec fewer = read(MASK_RCNN.replace("trainable_layers: 3}", "trainable_layers: 3, roi_samples: 128}"));
    assertThat(fewer.model().roiSamples()).isEqualTo(128);
    assertThat(plain.model().roiSamples()).isEqualTo(512);
    assertThat(fewer.runId()).isNotEqualTo(plain.runId());
  }

  private void assertBad(String yaml, String... fragments) {
    assertThatThrownBy(() -> read(yaml)).isInstanceOf(BadInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments).doesNotContain("\n"));
  }
}
