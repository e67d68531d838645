package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.cli.Main;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.train.detect.DetectionRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ticket transfers run as experiments: a tiny Faster R-CNN takes an 80% ImageNet ticket of its
 * backbone (or a 70% mask transfer of pretrained weights, or a Keypoint R-CNN ticket up to the box
 * head, with or without its values) and is fine-tuned with the mask fixed;
 * the pruned weights stay +0.0, the record's sparsity is a hand count, and the same command again
 * trains nothing.
 */
@Tag("engine")
class TransferRunTest {
  @TempDir Path dir;

  private static final String MODEL =
      "model: {arch: resnet18, width: 0.25, fpn_channels: 32, head_width: 64, min_size: [128], max_size: 128, scratch: true}";

  /** Parameter shapes of the tiny detector of {@code task} (the training set must exist). */
  private Map<String, int[]> tinyShapes(String task) throws Exception {
    Path cfg = Files.writeString(dir.resolve(task + "-shapes.yaml"), String.join("\n",
        "task: " + task, "data: {train: train/" + SynthGenerator.ANNOTATIONS + "}", MODEL, "pruning: {sparsity: 0.8}", ""));
    return DetectionRun.parameterShapes(
        DetectionRun.Spec.detector(Experiment.read(cfg).spec(), dir.resolve("train").resolve(SynthGenerator.ANNOTATIONS),
            io.ticketlab.config.ConfigKeys.file(cfg)));
  }

  /** Gaussian values for the tensors of {@code shapes} under {@code prefix}, named without it. */
  private static Map<String, FloatTensor> gaussian(Map<String, int[]> shapes, long seed, String prefix) {
    Random r = new Random(seed);
    Map<String, FloatTensor> sd = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> {
      if (name.startsWith(prefix)) {
        float[] v = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextGaussian();
        }
        sd.put(name.substring(prefix.length()), new FloatTensor(shape, v));
      }
    });
    return sd;
  }

  private static Map<String, int[]> shapesOf(Map<String, FloatTensor> sd) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    sd.forEach((k, v) -> shapes.put(k, v.shape()));
    return shapes;
  }

  /** A classifier state dict with the tiny detector's backbone shapes, 80% of its convs zero (a ticket). */
  private Path source(boolean ticket) throws Exception {
    Map<String, FloatTensor> sd = gaussian(tinyShapes("det"), 9, "backbone.body.");
    if (ticket) {
      sd = MagnitudePruning.global()
          .prune(sd, Mask.ones(PrunableSet.preset("classifier-convs").select(shapesOf(sd))), 0.2)
          .applyTo(sd);
    }
    Path file = dir.resolve(ticket ? "ticket.tlck" : "pretrained.tlck");
    TicketCheckpoint.of(StateDict.ofFloats(sd), 0, "").write(file);
    return file;
  }

  private Path config(String transfer) throws Exception {
    SynthGenerator.write(dir.resolve("train"), new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    return Files.writeString(dir.resolve("exp.yaml"), String.join("\n",
        "task: det", "data: {train: train/" + SynthGenerator.ANNOTATIONS + "}", MODEL,
        "training: {iterations: 3it, batch: 2, lr: 0.01, warmup: 1it, warmup_factor: 0.1}",
        "transfer: " + transfer, "seed: 4", ""));
  }

  private static String[] run(Path cfg, Path root) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "lottery", "--config", cfg.toString(), "--root",
        root.toString(), "--quiet");
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void imageNetTicket_fineTunedWithTheMaskFixed_andResumesToNothing() throws Exception {
    Path cfg = config("{kind: imagenet-ticket, source: ticket.tlck}");
    Path ticketFile = source(true);
    Map<String, FloatTensor> ticket = TicketCheckpoint.read(ticketFile).weights().toFloatTensors();
    Path root = dir.resolve("runs");
    String[] first = run(cfg, root);
    assertThat(first[0]).as(first[2]).isEqualTo("0");
    ExperimentLayout layout = ExperimentLayout.under(root).get(0);
    Path level = layout.level(0, 1);
    JsonNode what = new ObjectMapper().readTree(level.resolve("transfer.json").toFile());
    assertThat(what.get("kind").asText()).isEqualTo("imagenet-ticket");
    assertThat(what.get("fresh").toString()).contains("rpn.head").doesNotContain("backbone.body");

    Map<String, FloatTensor> trained = TicketCheckpoint.read(level.resolve("checkpoint_3.tlck")).weights().toFloatTensors();
    long zeros = 0;
    long total = 0;
    long masked = 0;
    for (Map.Entry<String, FloatTensor> e : trained.entrySet()) {
      if (io.ticketlab.prune.NetworkSparsity.isBuffer(e.getKey())) {
        continue;
      }
      total += e.getValue().size();
      zeros += e.getValue().countZeros();
      String src = e.getKey().startsWith("backbone.body.") ? e.getKey().substring("backbone.body.".length()) : null;
      boolean isMasked = src != null && PrunableSet.preset("classifier-convs").contains(src, e.getValue().shape());
      if (isMasked) {
        float[] s = ticket.get(src).data();
        float[] t = e.getValue().data();
        for (int i = 0; i < s.length; i++) {
          if (s[i] == 0f) {
            masked++;
            assertThat(Float.floatToRawIntBits(t[i])).as("%s[%d] stays +0.0 after fine-tuning", e.getKey(), i).isZero();
          }
        }
      }
    }
    assertThat(masked).isPositive();
    LevelRecord record = LevelRecord.read(ExperimentLayout.record(level));
    assertThat(record.prunePercent()).isCloseTo(80.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(record.networkSparsityPercent()).isEqualTo(100.0 * zeros / total);

    String[] again = run(cfg, root);
    assertThat(again[0]).isEqualTo("0");
    assertThat(again[1]).contains("(done before)");
    // status lists the transfer beside direct-pruning levels
    StringWriter status = new StringWriter();
    Main.run(new PrintWriter(status), new PrintWriter(new StringWriter()), "lottery", "status", "--root", root.toString());
    assertThat(status.toString()).contains("replicate_0/level_1/main: done: prune 80.00%");
  }

  @Test
  void maskTransfer_prunesExactlyP_ofTheBackbonesConvs() throws Exception {
    Path cfg = config("{kind: mask, source: pretrained.tlck, prune: 0.7}");
    source(false);
    Path root = dir.resolve("runs");
    String[] first = run(cfg, root);
    assertThat(first[0]).as(first[2]).isEqualTo("0");
    LevelRecord record = LevelRecord.read(ExperimentLayout.record(ExperimentLayout.under(root).get(0).level(0, 1)));
    assertThat(record.prunePercent()).isCloseTo(70.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(record.targetDensity()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-4));
  }

  /** A Keypoint R-CNN ticket of the tiny model: 80% of its paper-coco prunable set zero, mask in the checkpoint. */
  private Path keypointTicket() throws Exception {
    Map<String, FloatTensor> sd = gaussian(tinyShapes("kp"), 11, "");
    Mask m = MagnitudePruning.global().prune(sd, Mask.ones(PrunableSet.preset("paper-coco").select(shapesOf(sd))), 0.2);
    Path file = dir.resolve("kp-ticket.tlck");
    TicketCheckpoint.of(StateDict.ofFloats(m.applyTo(sd)), 0, "").withMasks(m.tensors()).write(file);
    return file;
  }

  @Test
  void crossTask_keypointTicketIntoFasterRcnn_upToTheBoxHead_valuesOrMaskOnly() throws Exception {
    for (boolean maskOnly : new boolean[] {false, true}) {
      Path cfg = config("{kind: task, source: kp-ticket.tlck, mask_only: " + maskOnly + "}");
      Path file = keypointTicket();
      TicketCheckpoint source = TicketCheckpoint.read(file);
      Map<String, FloatTensor> src = source.weights().toFloatTensors();
      Mask mask = Mask.of(source.masks());
      Path root = dir.resolve("runs-" + maskOnly);
      String[] first = run(cfg, root);
      assertThat(first[0]).as(first[2]).isEqualTo("0");
      Path level = ExperimentLayout.under(root).get(0).level(0, 1);
      JsonNode what = new ObjectMapper().readTree(level.resolve("transfer.json").toFile());
      assertThat(what.get("fresh").toString()).contains("roi_heads.box_predictor");
      assertThat(what.get("masked").toString()).contains("roi_heads.box_head.fc6.weight").doesNotContain("keypoint");
      assertThat(what.get("transferred").toString()).contains(maskOnly ? "[]" : "roi_heads.box_head.fc7.weight");
      // the start point: fresh where nothing was transferred, the source's values where they were
      Map<String, FloatTensor> start = TicketCheckpoint.read(level.resolve("checkpoint_0.tlck")).weights().toFloatTensors();
      for (String name : List.of("backbone.body.layer1.0.conv1.weight", "roi_heads.box_head.fc6.weight")) {
        float[] s = src.get(name).data();
        float[] t = start.get(name).data();
        boolean[] keep = mask.get(name).toBooleans();
        int equal = 0;
        for (int i = 0; i < s.length; i++) {
          if (!keep[i]) {
            assertThat(Float.floatToRawIntBits(t[i])).as("%s[%d] pruned", name, i).isZero();
          } else if (Float.floatToRawIntBits(t[i]) == Float.floatToRawIntBits(s[i])) {
            equal++;
          }
        }
        long kept = mask.get(name).countOnes();
        assertThat(equal).as(name + (maskOnly ? ": own initial values" : ": the source's values")).isEqualTo(maskOnly ? 0 : (int) kept);
      }
    }
  }

  @Test
  void transferCommand_dryRun_writesTheNetworkARunStartsFrom_andBadFlagsAreNamed() throws Exception {
    SynthGenerator.write(dir.resolve("train"), new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    Path target = Files.writeString(dir.resolve("target.yaml"), String.join("\n",
        "task: det", "data: {train: train/" + SynthGenerator.ANNOTATIONS + "}", MODEL,
        "training: {iterations: 3it, batch: 2, lr: 0.01, warmup: 1it, warmup_factor: 0.1}", "seed: 4", ""));
    Path ticketFile = source(true);
    Path dry = dir.resolve("dry.tlck");
    String[] d = main("transfer", "imagenet-ticket", "--source", ticketFile.toString(), "--config", target.toString(),
        "--dry-run", dry.toString());
    assertThat(d[0]).as(d[2]).isEqualTo("0");
    assertThat(d[1]).contains("imagenet-ticket transfer from").contains("masked tensors 80.00% zero")
        .contains("transferred (").contains("fresh (").contains("rpn.head.conv.0.0.weight").contains("not trained");
    String[] sparsity = main("sparsity", dry.toString());
    assertThat(sparsity[0]).as(sparsity[2]).isEqualTo("0");

    Path root = dir.resolve("runs");
    String[] r = main("transfer", "imagenet-ticket", "--source", ticketFile.toString(), "--config", target.toString(),
        "--root", root.toString(), "--quiet");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("replicate 0: prune 80.00%");
    Path level = ExperimentLayout.under(root).get(0).level(0, 1);
    assertThat(TicketCheckpoint.read(dry).weights())
        .as("the dry run's network is the run's starting point, bit for bit")
        .isEqualTo(TicketCheckpoint.read(level.resolve("checkpoint_0.tlck")).weights());

    String[] badPrune = main("transfer", "imagenet-ticket", "--source", ticketFile.toString(), "--config",
        target.toString(), "--prune", "0.5", "--dry-run", dir.resolve("x.tlck").toString());
    assertThat(badPrune[0]).isEqualTo("2");
    assertThat(badPrune[2]).contains("--prune: bad value 0.5");
    String[] badMaskOnly = main("transfer", "mask", "--source", ticketFile.toString(), "--config", target.toString(),
        "--prune", "0.5", "--mask-only", "--dry-run", dir.resolve("x.tlck").toString());
    assertThat(badMaskOnly[2]).contains("--mask-only");
    String[] badKind = main("transfer", "lottery", "--source", ticketFile.toString(), "--config", target.toString());
    assertThat(badKind[2]).contains("KIND: bad value lottery");
    assertThat(dir.resolve("x.tlck")).doesNotExist();
  }

  private static String[] main(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void badTransferSections_areRefusedNamingTheKey() throws Exception {
    for (String[] c : List.of(
        new String[] {"{kind: lottery, source: x.pth}", "transfer.kind: bad value lottery"},
        new String[] {"{kind: mask, source: x.pth}", "transfer.prune"},
        new String[] {"{kind: imagenet-ticket, source: x.pth, prune: 0.5}", "transfer.prune: bad value 0.5"},
        new String[] {"{kind: imagenet-ticket}", "transfer.source"},
        new String[] {"{kind: mask, source: x.pth, prune: 0.5, mask_only: true}", "transfer.mask_only"},
        new String[] {"{kind: imagenet-ticket, source: missing.pth}", "missing.pth"})) {
      String[] r = run(config(c[0]), dir.resolve("bad"));
      assertThat(r[0]).as(c[0]).isEqualTo("2");
      assertThat(r[2].strip()).as(c[0]).contains(c[1]).doesNotContain("\n");
    }
    Path withPruning = Files.writeString(dir.resolve("both.yaml"),
        Files.readString(config("{kind: mask, source: p.pth, prune: 0.5}")) + "pruning: {sparsity: 0.8}\n");
    String[] r = run(withPruning, dir.resolve("bad"));
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("pruning").contains("not with transfer");
    assertThat(dir.resolve("bad")).doesNotExist();
  }

  /**
   * A transfer killed mid-fine-tuning (SIGKILL) and one stopped (SIGTERM), each rerun with the same
   * command, end with every file bit-identical to an uninterrupted run's, and no temporaries.
   */
  @Test
  void aKilledOrStoppedTransferRun_resumesToBitIdenticalFiles() throws Exception {
    Path cfg = Files.writeString(dir.resolve("long.yaml"), Files.readString(config("{kind: mask, source: pretrained.tlck, prune: 0.7}"))
        .replace("iterations: 3it", "iterations: 24it"));
    source(false);
    Path reference = dir.resolve("reference");
    String[] ref = run(cfg, reference);
    assertThat(ref[0]).as(ref[2]).isEqualTo("0");
    Path ra = ExperimentLayout.under(reference).get(0).level(0, 1);
    java.util.Set<String> names = files(ra);
    assertThat(names).contains("level.json", "metrics.csv", "sparsity.json", "transfer.json", "checkpoint_0.tlck",
        "checkpoint_24.tlck");
    for (boolean kill : new boolean[] {true, false}) {
      Path root = dir.resolve(kill ? "killed" : "stopped");
      Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
      Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "lottery", "--config", cfg.toString(), "--root", root.toString(), "--quiet")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("child.err").toFile()).start();
      // wait until fine-tuning has begun (checkpoint_0 written), then let a few iterations run
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
      while (!started(root) && child.isAlive()) {
        assertThat(System.nanoTime()).as("the child starts fine-tuning").isLessThan(deadline);
        Thread.sleep(20);
      }
      Thread.sleep(400);
      boolean interrupted = child.isAlive();
      if (kill) {
        child.destroyForcibly();
      } else {
        child.destroy();
      }
      assertThat(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      if (interrupted) {
        assertThat(ExperimentLayout.record(ExperimentLayout.under(root).get(0).level(0, 1)))
            .as("the %s child left the level unfinished", kill ? "killed" : "stopped").doesNotExist();
      }
      String[] again = run(cfg, root);
      assertThat(again[0]).as(again[2]).isEqualTo("0");
      Path rb = ExperimentLayout.under(root).get(0).level(0, 1);
      assertThat(files(rb)).isEqualTo(names);
      for (String n : names) {
        if (!n.equals("provenance.json")) {
          assertThat(rb.resolve(n)).as("%s after %s", n, kill ? "SIGKILL" : "SIGTERM").hasSameBinaryContentAs(ra.resolve(n));
        }
      }
      try (java.util.stream.Stream<Path> all = Files.walk(root)) {
        assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
      }
    }
  }

  private static boolean started(Path root) throws Exception {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      return s.anyMatch(p -> p.getFileName().toString().equals("checkpoint_0.tlck"));
    }
  }

  private static java.util.Set<String> files(Path dir) throws Exception {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  @Test
  void keep_isTheShareKept_theSameAsPruneOneMinusK_andNotBoth() throws Exception {
    Path cfg = config("{kind: mask, source: pretrained.tlck, prune: 0.7}");
    Path target = Files.writeString(dir.resolve("target.yaml"),
        Files.readString(cfg).replace("transfer: {kind: mask, source: pretrained.tlck, prune: 0.7}\n", ""));
    Path src = source(false);
    String[] keep = main("transfer", "mask", "--source", src.toString(), "--keep", "0.3", "--config", target.toString(),
        "--dry-run", dir.resolve("k.tlck").toString());
    assertThat(keep[0]).as(keep[2]).isEqualTo("0");
    assertThat(keep[1]).contains("masked tensors 70.00% zero");
    String[] both = main("transfer", "mask", "--source", src.toString(), "--keep", "0.3", "--prune", "0.7",
        "--config", target.toString(), "--dry-run", dir.resolve("b.tlck").toString());
    assertThat(both[0]).isEqualTo("2");
    assertThat(both[2].strip()).doesNotContain("\n").contains("--keep").contains("not both");
    String[] bad = main("transfer", "mask", "--source", src.toString(), "--keep", "1.5", "--config", target.toString(),
        "--dry-run", dir.resolve("c.tlck").toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("--keep").contains("1.5");
    assertThat(dir.resolve("b.tlck")).doesNotExist();
    assertThat(dir.resolve("c.tlck")).doesNotExist();
  }
}
