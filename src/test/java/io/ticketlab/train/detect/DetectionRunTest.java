package io.ticketlab.train.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.Step;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.model.io.TicketCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Faster R-CNN trained for a few iterations on synthetic shapes: the run folder's files,
 * decreasing loss, COCO evaluation on the validation split, and a resumed run that ends with the
 * same weights and metrics as an uninterrupted one.
 */
@Tag("engine")
class DetectionRunTest {
  @TempDir Path tmp;

  static DetectorSpec tiny() {
    return DetectorSpec.torchvision(DetectorSpec.Task.DETECTION, 18, 6)
        .withWidths(0.25, 32, 64)
        .withSizes(List.of(128), 128)
        .fromScratch();
  }

  DetectionRun.Spec spec(Path train, Path val, int iterations) {
    return new DetectionRun.Spec(
        train.resolve(SynthGenerator.ANNOTATIONS), train, val.resolve(SynthGenerator.ANNOTATIONS), val,
        tiny(), 2, 1, Step.ofIterations(iterations), 0.02, 0.9f, 1e-4f, Step.ofIterations(2), 0.1,
        List.of(), List.of(Step.ofIterations(3)), Step.ofIterations(3), null, true, 7, null);
  }

  @Test
  void run_writesFolder_andResumesBitIdentically() throws IOException {
    Path train = tmp.resolve("train");
    Path val = tmp.resolve("val");
    SynthGenerator.write(train, new SynthOptions(8, 1, 128, SynthOptions.Split.train));
    SynthGenerator.write(val, new SynthOptions(4, 1, 128, SynthOptions.Split.val));
    Path a = tmp.resolve("a");
    DetectionRun.Result result = DetectionRun.run(spec(train, val, 6), a, null);
    assertThat(result.toIteration()).isEqualTo(6);
    // the same run again in this JVM: training is deterministic
    DetectionRun.run(spec(train, val, 6), tmp.resolve("again"), null);
    assertThat(Files.readAllLines(tmp.resolve("again").resolve("metrics.csv")))
        .isEqualTo(Files.readAllLines(a.resolve("metrics.csv")));
    assertSameWeights(tmp.resolve("again").resolve("checkpoint_6.tlck"), a.resolve("checkpoint_6.tlck"));
    assertThat(a.resolve("checkpoint_3.tlck")).exists();
    assertThat(a.resolve("checkpoint_6.tlck")).exists();
    assertThat(a.resolve("results.json")).exists();
    assertThat(a.resolve("eval.json")).exists();
    List<String> metrics = Files.readAllLines(a.resolve("metrics.csv"), StandardCharsets.UTF_8);
    assertThat(metrics.get(0))
        .isEqualTo("iteration,lr,loss,loss_classifier,loss_box_reg,loss_objectness,loss_rpn_box_reg");
    assertThat(metrics).hasSize(7);
    double first = Double.parseDouble(metrics.get(1).split(",")[2]);
    double last = Double.parseDouble(metrics.get(6).split(",")[2]);
    assertThat(last).as("the loss after 6 SGD steps").isLessThan(first);
    List<String> validation = Files.readAllLines(a.resolve("validation.csv"), StandardCharsets.UTF_8);
    assertThat(validation.get(0)).startsWith("iteration,epoch,val_loss_classifier").contains("bbox/AP50");
    assertThat(validation).hasSize(3);
    assertThat(result.metrics()).containsKey("bbox/AP");

    // an interrupted copy: the last checkpoint and everything after iteration 3 lost
    Path b = tmp.resolve("b");
    Files.createDirectories(b);
    for (String f : List.of("checkpoint_3.tlck", "metrics.csv", "validation.csv")) {
      Files.copy(a.resolve(f), b.resolve(f));
    }
    List<String> cut = metrics.subList(0, 4);
    Files.write(b.resolve("metrics.csv"), cut, StandardCharsets.UTF_8);
    List<String> valCut = validation.subList(0, 2);
    Files.write(b.resolve("validation.csv"), valCut, StandardCharsets.UTF_8);
    DetectionRun.Result resumed = DetectionRun.run(spec(train, val, 6), b, null);
    assertThat(resumed.fromIteration()).isEqualTo(3);
    // every value of every tensor, bit for bit (FloatTensor.toString prints only the shape)
    assertSameWeights(b.resolve("checkpoint_6.tlck"), a.resolve("checkpoint_6.tlck"));
    assertThat(Files.readAllLines(b.resolve("metrics.csv"))).isEqualTo(metrics);
    assertThat(Files.readAllLines(b.resolve("validation.csv"))).isEqualTo(validation);
    assertThat(Files.readString(b.resolve("results.json"))).isEqualTo(Files.readString(a.resolve("results.json")));
  }

  @Test
  void apEvery_skipsCocoApBetweenItsPoints_leavesTrainingAndLossesAlone() throws IOException {
    Path train = tmp.resolve("train");
    Path val = tmp.resolve("val");
    SynthGenerator.write(train, new SynthOptions(8, 1, 128, SynthOptions.Split.train));
    SynthGenerator.write(val, new SynthOptions(4, 1, 128, SynthOptions.Split.val));
    DetectionRun.Spec every = withEval(spec(train, val, 4), Step.ofIterations(2), null);
    DetectionRun.Spec atEnd = withEval(spec(train, val, 4), Step.ofIterations(2), Step.ofIterations(4));
    DetectionRun.run(every, tmp.resolve("every"), null);
    DetectionRun.Result end = DetectionRun.run(atEnd, tmp.resolve("end"), null);

    assertThat(Files.readAllLines(tmp.resolve("end").resolve("metrics.csv")))
        .isEqualTo(Files.readAllLines(tmp.resolve("every").resolve("metrics.csv")));
    List<String[]> all = rows(tmp.resolve("every").resolve("validation.csv"));
    List<String[]> few = rows(tmp.resolve("end").resolve("validation.csv"));
    assertThat(few.get(0)).containsExactly(all.get(0));
    assertThat(few).hasSize(3);
    List<String> header = List.of(all.get(0));
    for (int r = 1; r < 3; r++) {
      for (int c = 0; c < header.size(); c++) {
        boolean ap = header.get(c).startsWith("bbox/");
        if (ap && r < 2) {
          assertThat(few.get(r)[c]).as("%s at row %d", header.get(c), r).isEqualTo("NaN");
          assertThat(all.get(r)[c]).as("%s at row %d", header.get(c), r).isNotEqualTo("NaN");
        } else {
          assertThat(few.get(r)[c]).as("%s at row %d", header.get(c), r).isEqualTo(all.get(r)[c]);
        }
      }
    }
    assertThat(end.metrics().get("bbox/AP")).isEqualTo(Double.parseDouble(all.get(2)[header.indexOf("bbox/AP")]));
  }

  private static DetectionRun.Spec withEval(DetectionRun.Spec s, Step evalEvery, Step apEvery) {
    return new DetectionRun.Spec(s.trainAnnotations(), s.trainImages(), s.valAnnotations(), s.valImages(), s.model(),
        s.batchSize(), s.accumulate(), s.length(), s.lr(), s.momentum(), s.weightDecay(), s.warmup(), s.warmupFactor(),
        s.milestones(), s.checkpointAt(), evalEvery, apEvery, s.flip(), s.seed(), s.initWeights());
  }

  private static List<String[]> rows(Path csv) throws IOException {
    return Files.readAllLines(csv, StandardCharsets.UTF_8).stream().map(l -> l.split(",", -1)).toList();
  }

  /** Same tensor names in the same order, same shapes, every value bit-identical. */
  static void assertSameWeights(Path actual, Path expected) throws IOException {
    Map<String, FloatTensor> got = TicketCheckpoint.read(actual).weights().toFloatTensors();
    Map<String, FloatTensor> want = TicketCheckpoint.read(expected).weights().toFloatTensors();
    assertThat(want).as("tensors in %s", expected).isNotEmpty();
    assertThat(got.keySet()).as("tensors in %s", actual).containsExactlyElementsOf(want.keySet());
    long values = 0;
    for (Map.Entry<String, FloatTensor> e : want.entrySet()) {
      FloatTensor g = got.get(e.getKey());
      assertThat(g.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
      float[] w = e.getValue().data();
      for (int i = 0; i < w.length; i++) {
        if (Float.floatToIntBits(g.data()[i]) != Float.floatToIntBits(w[i])) {
          throw new AssertionError(actual + ": " + e.getKey() + "[" + i + "] = " + g.data()[i]
              + ", expected " + w[i] + " as in " + expected);
        }
      }
      values += w.length;
    }
    assertThat(values).as("values compared").isGreaterThan(1000);
  }

  /** Validation (when {@code val} is not null) at the end only; a checkpoint at the start and at the end. */
  static DetectionRun.Spec trainOnly(Path train, Path val, int batch, int accumulate, int iterations) {
    return new DetectionRun.Spec(
        train.resolve(SynthGenerator.ANNOTATIONS), train, val == null ? null : val.resolve(SynthGenerator.ANNOTATIONS),
        val, tiny(), batch, accumulate,
        Step.ofIterations(iterations), 0.02, 0.9f, 1e-4f, Step.ofIterations(2), 0.1, List.of(),
        List.of(Step.ofIterations(0)), null, null, true, 3, null);
  }

  /**
   * Data parallel: two copies of the model (both on the CPU here; the logic is under test, not
   * the device) sharing each iteration's two forward passes train like one device doing both, with
   * a lottery mask in force: same losses and weights up to float rounding, pruned weights zero.
   */
  @Test
  void dataParallel_twoReplicas_trainLikeOneDevice() throws IOException {
    Path train = tmp.resolve("train");
    SynthGenerator.write(train, new SynthOptions(8, 1, 128, SynthOptions.Split.train));
    Path val = tmp.resolve("val");
    SynthGenerator.write(val, new SynthOptions(3, 1, 128, SynthOptions.Split.val));
    DetectionRun.Spec spec = trainOnly(train, val, 1, 2, 4);
    String pruned = "backbone.body.layer1.0.conv1.weight";
    int[] shape = DetectionRun.parameterShapes(tiny()).get(pruned);
    boolean[] keep = new boolean[java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = i % 3 != 0;
    }
    io.ticketlab.prune.Mask mask =
        io.ticketlab.prune.Mask.of(java.util.Map.of(pruned, io.ticketlab.model.io.BitMask.ofBooleans(shape, keep)));
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    DetectionRun.run(spec, one, null, mask, null, List.of(ai.djl.Device.cpu()));
    DetectionRun.run(spec, two, null, mask, null, List.of(ai.djl.Device.cpu(), ai.djl.Device.cpu()));
    List<String> a = Files.readAllLines(one.resolve("metrics.csv"));
    List<String> b = Files.readAllLines(two.resolve("metrics.csv"));
    assertThat(b).hasSameSizeAs(a).hasSize(5);
    assertThat(b.get(0)).isEqualTo(a.get(0));
    for (int row = 1; row < a.size(); row++) {
      String[] x = a.get(row).split(",");
      String[] y = b.get(row).split(",");
      for (int col = 0; col < x.length; col++) {
        assertThat(Double.parseDouble(y[col])).as("metrics row %d column %d", row, col)
            .isCloseTo(Double.parseDouble(x[col]), org.assertj.core.data.Offset.offset(2e-4 * Math.max(1, Math.abs(Double.parseDouble(x[col])))));
      }
    }
    java.util.Map<String, io.ticketlab.common.FloatTensor> wa =
        TicketCheckpoint.read(one.resolve("checkpoint_4.tlck")).weights().toFloatTensors();
    java.util.Map<String, io.ticketlab.common.FloatTensor> wb =
        TicketCheckpoint.read(two.resolve("checkpoint_4.tlck")).weights().toFloatTensors();
    assertThat(wb.keySet()).isEqualTo(wa.keySet());
    double moved = 0;
    for (String name : wa.keySet()) {
      float[] x = wa.get(name).data();
      float[] y = wb.get(name).data();
      for (int i = 0; i < x.length; i++) {
        assertThat(y[i]).as("%s[%d]", name, i).isCloseTo(x[i], org.assertj.core.data.Offset.offset(2e-4f));
      }
    }
    float[] w = wb.get(pruned).data();
    float[] w0 = TicketCheckpoint.read(two.resolve("checkpoint_0.tlck")).weights().toFloatTensors().get(pruned).data();
    for (int i = 0; i < w.length; i++) {
      if (!keep[i]) {
        assertThat(w[i]).as("pruned %s[%d]", pruned, i).isZero();
      }
      moved += Math.abs(w[i] - w0[i]);
    }
    assertThat(moved).as("training moved the kept weights").isGreaterThan(0);
    // evaluated on the two devices: the same COCO results as on one, up to float rounding
    assertThat(two.resolve("eval.json")).exists();
    assertThat(Files.readAllLines(two.resolve("validation.csv")).get(0))
        .isEqualTo(Files.readAllLines(one.resolve("validation.csv")).get(0));
    String[] va = Files.readAllLines(one.resolve("validation.csv")).get(1).split(",");
    String[] vb = Files.readAllLines(two.resolve("validation.csv")).get(1).split(",");
    for (int col = 0; col < va.length; col++) {
      assertThat(Double.parseDouble(vb[col])).as("validation column %d", col)
          .isCloseTo(Double.parseDouble(va[col]), org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  @Test
  void dataParallel_refusesMoreDevicesThanForwardPasses() throws IOException {
    Path train = tmp.resolve("train");
    SynthGenerator.write(train, new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    DetectionRun.Spec spec = trainOnly(train, null, 2, 1, 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DetectionRun.run(spec, tmp.resolve("x"), null, null, null,
            List.of(ai.djl.Device.cpu(), ai.djl.Device.cpu())))
        .isInstanceOf(io.ticketlab.common.BadInputException.class)
        .hasMessageContaining("--device")
        .hasMessageContaining("--accumulate 2");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  /**
   * Data-parallel inference: two copies (both on the CPU) share the batches round-robin and give
   * the same results in the same order, and the same validation loss, as one.
   */
  @Test
  void dataParallelInference_equalsOneDevice() throws IOException {
    Path val = tmp.resolve("val");
    SynthGenerator.write(val, new SynthOptions(5, 1, 128, SynthOptions.Split.val));
    io.ticketlab.data.detection.DetectionDataset data = io.ticketlab.data.detection.DetectionDataset.open(
        val.resolve(SynthGenerator.ANNOTATIONS), val, DetectionRun.options(DetectorSpec.Task.DETECTION, false));
    DetectorSpec spec = tiny().withBoxScoreThreshold(0);
    io.ticketlab.engine.Engines.pytorch().setRandomSeed(5);
    try (ai.djl.ndarray.NDManager manager =
        io.ticketlab.engine.Engines.pytorch().newBaseManager(ai.djl.Device.cpu())) {
      io.ticketlab.model.detector.GeneralizedRcnn model = DetectionRun.build(spec, manager, null);
      ai.djl.ndarray.NDManager other = manager.newSubManager(ai.djl.Device.cpu());
      io.ticketlab.model.detector.GeneralizedRcnn copy = DetectionRun.build(spec, other, null);
      io.ticketlab.model.nn.ModelParameters.copyValues(
          io.ticketlab.model.nn.ModelParameters.of(model), io.ticketlab.model.nn.ModelParameters.of(copy));
      List<DetectionTrainer.OnDevice> one = List.of(new DetectionTrainer.OnDevice(manager, model));
      List<DetectionTrainer.OnDevice> two = List.of(one.get(0), new DetectionTrainer.OnDevice(other, copy));

      List<io.ticketlab.data.coco.CocoResult> a = DetectionTrainer.predict(one, data, data::categoryIdOf, 2, null);
      List<io.ticketlab.data.coco.CocoResult> b = DetectionTrainer.predict(two, data, data::categoryIdOf, 2, null);
      assertThat(a).as("detections at score threshold 0").hasSizeGreaterThan(5);
      assertThat(b).hasSameSizeAs(a);
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.get(i).imageId()).isEqualTo(a.get(i).imageId());
        assertThat(b.get(i).categoryId()).isEqualTo(a.get(i).categoryId());
        assertThat(b.get(i).score()).isEqualTo(a.get(i).score());
        assertThat(b.get(i).bbox()).containsExactly(a.get(i).bbox());
      }
      java.util.Map<String, Double> la = DetectionTrainer.validationLoss(one, data, 2, 9);
      java.util.Map<String, Double> lb = DetectionTrainer.validationLoss(two, data, 2, 9);
      assertThat(la).containsKey("loss");
      assertThat(lb.keySet()).containsExactlyElementsOf(la.keySet());
      la.forEach((k, v) -> assertThat(lb.get(k)).as(k).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9)));
    }
  }

  @Test
  void updatedRunningStatistics_areThoseOfTrainableBatchNorms() {
    assertThat(io.ticketlab.model.nn.ModelParameters.updatedRunningStatistics(
            io.ticketlab.model.detector.Detectors.build(tiny())))
        .contains("backbone.body.bn1.running_mean", "backbone.body.layer4.1.bn2.running_var");
    // torchvision's detectors freeze their batch norms: nothing to combine across devices
    assertThat(io.ticketlab.model.nn.ModelParameters.updatedRunningStatistics(
            io.ticketlab.model.detector.Detectors.build(DetectorSpec.torchvision(DetectorSpec.Task.DETECTION, 18, 6))))
        .isEmpty();
  }
}
