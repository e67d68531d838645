package io.ticketlab.train.classify;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.Step;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One classification training run in a folder: {@code checkpoint_<iteration>.tlck} at the requested
 * points (weights + momentum + step), {@code metrics.csv} (per iteration: lr, loss) and {@code
 * eval.json} (top-1/top-5 on the validation folder). Re-running the same command resumes from the
 * latest checkpoint in the folder.
 */
public final class ClassificationRun {
  /** What the run was asked to do. */
  public record Spec(
      Path trainDir,
      Path valDir,
      int depth,
      double width,
      int batchSize,
      int imageSize,
      Step length,
      double lr,
      float momentum,
      float weightDecay,
      Step warmup,
      boolean cosine,
      List<Step> milestones,
      List<Step> checkpointAt,
      long seed,
      Path initWeights,
      Path outDir) {}

  /** The outcome: iterations trained now, final accuracy (null without a validation folder). */
  public record Result(long fromIteration, long toIteration, ClassificationTrainer.Accuracy accuracy) {}

  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint_(\\d+)\\.tlck");

  private ClassificationRun() {}

  /** Trains (or resumes) the run described by {@code spec}. */
  public static Result run(Spec spec, PrintStream progress) throws IOException {
    ImageFolder train = ImageFolder.scan(spec.trainDir());
    ImageFolder val = spec.valDir() == null ? null : ImageFolder.scan(spec.valDir());
    if (val != null && !val.classes().equals(train.classes())) {
      throw BadInputException.of(
          spec.valDir(), null, null, val.classes(), "classes differ from the training folder's " + train.classes());
    }
    ClassificationData data =
        new ClassificationData(train, spec.batchSize(), spec.imageSize(), spec.seed());
    long perEpoch = data.iterationsPerEpoch();
    long total = spec.length().toIterations(perEpoch);
    if (total < 1) {
      throw BadInputException.of(null, null, "--iterations", spec.length(), "must be at least one iteration");
    }
    long[] points = spec.checkpointAt().stream().mapToLong(s -> s.toIterations(perEpoch)).toArray();
    for (long p : points) {
      if (p > total) {
        throw BadInputException.of(
            null, null, "--checkpoint-at", p + "it", "after the end of training (" + total + "it)");
      }
    }
    long[] withEnd = java.util.stream.LongStream.concat(java.util.Arrays.stream(points), java.util.stream.LongStream.of(total)).distinct().sorted().toArray();
    long[] milestones = spec.milestones().stream().mapToLong(s -> s.toIterations(perEpoch)).toArray();
    LrSchedule schedule =
        spec.cosine()
            ? LrSchedule.cosine(spec.lr(), spec.warmup().toIterations(perEpoch), total)
            : LrSchedule.multiStep(spec.lr(), spec.warmup().toIterations(perEpoch), 0.001, 0.1, milestones);

    Files.createDirectories(spec.outDir());
    Engine engine = Engines.pytorch();
    engine.setRandomSeed((int) spec.seed());
    ResNet model =
        new ResNet(new ResNetConfig(spec.depth(), spec.width(), train.classes().size(), false, 3));
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.imageSize(), spec.imageSize()));
      Sgd sgd = ClassificationTrainer.optimizer(model, spec.momentum(), spec.weightDecay());
      long from = 0;
      Map.Entry<Long, Path> latest = latestCheckpoint(spec.outDir());
      if (latest != null) {
        TicketCheckpoint ck = TicketCheckpoint.read(latest.getValue());
        Weights.load(model, ck.weights().toFloatTensors(), latest.getValue().toString(), true);
        Map<String, float[]> buffers = new LinkedHashMap<>();
        ck.optimizerState().toFloatTensors().forEach((k, v) -> buffers.put(k.substring(MOMENTUM.length()), v.data()));
        sgd.loadMomentumBuffers(buffers);
        from = ck.step();
      } else if (spec.initWeights() != null) {
        Weights.load(
            model,
            Checkpoints.readStateDict(spec.initWeights()).toFloatTensors(),
            spec.initWeights().toString(),
            true,
            "num_batches_tracked");
      }
      List<TrainingLoop.Record> log = new ArrayList<>(readMetrics(spec.outDir(), from));
      if (from < total) {
        // metrics.csv is rewritten with every checkpoint, so a resumed run continues it
        ClassificationTrainer.train(
            engine, manager, model, data, sgd, schedule, from, total, List.of(),
            (iteration, optimizer) -> {
              save(spec.outDir(), model, optimizer, iteration);
              writeMetricsUnchecked(spec.outDir(), log);
            },
            withEnd, progress, log::add);
      }
      ClassificationTrainer.Accuracy acc = null;
      if (val != null) {
        acc = ClassificationTrainer.evaluate(manager, model, val, spec.imageSize(), spec.batchSize());
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("iteration", total);
        eval.put("top1", acc.top1());
        eval.put("top5", acc.top5());
        eval.put("images", acc.images());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(eval);
        AtomicFiles.writeString(spec.outDir().resolve("eval.json"), json + "\n");
      }
      return new Result(from, total, acc);
    }
  }

  private static final String MOMENTUM = "momentum_buffer/";

  private static void save(Path dir, ResNet model, Sgd sgd, long iteration) {
    Map<String, FloatTensor> buffers = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : sgd.momentumBuffers().entrySet()) {
      int[] shape = java.util.Arrays.stream(e.getValue().getShape().getShape()).mapToInt(Math::toIntExact).toArray();
      buffers.put(MOMENTUM + e.getKey(), new FloatTensor(shape, e.getValue().toFloatArray()));
    }
    TicketCheckpoint ck =
        TicketCheckpoint.of(StateDict.ofFloats(Weights.read(model)), iteration, "")
            .withOptimizerState(StateDict.ofFloats(buffers));
    try {
      ck.write(dir.resolve("checkpoint_" + iteration + ".tlck"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The checkpoint with the highest iteration in {@code dir}, or null. */
  static Map.Entry<Long, Path> latestCheckpoint(Path dir) throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = CHECKPOINT.matcher(f.getFileName().toString());
            if (m.matches()) {
              found.put(Long.parseLong(m.group(1)), f);
            }
          });
    }
    return found.isEmpty() ? null : found.lastEntry();
  }

  private static void writeMetricsUnchecked(Path dir, List<TrainingLoop.Record> log) {
    try {
      writeMetrics(dir, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("metrics.csv") + ": " + e.getMessage(), e);
    }
  }

  private static void writeMetrics(Path dir, List<TrainingLoop.Record> log) throws IOException {
    StringBuilder sb = new StringBuilder("iteration,lr,loss\n");
    for (TrainingLoop.Record r : log) {
      sb.append(r.iteration()).append(',')
          .append(String.format(Locale.ROOT, "%.6g", r.lr())).append(',')
          .append(String.format(Locale.ROOT, "%.6f", r.total())).append('\n');
    }
    AtomicFiles.writeString(dir.resolve("metrics.csv"), sb.toString());
  }

  /** Rows of an existing metrics.csv below iteration {@code upTo} (a resumed run keeps them). */
  private static List<TrainingLoop.Record> readMetrics(Path dir, long upTo) throws IOException {
    Path f = dir.resolve("metrics.csv");
    List<TrainingLoop.Record> out = new ArrayList<>();
    if (upTo == 0 || !Files.exists(f)) {
      return out;
    }
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      String[] parts = line.split(",");
      if (parts.length != 3 || !parts[0].matches("\\d+")) {
        continue;
      }
      long it = Long.parseLong(parts[0]);
      if (it < upTo) {
        double loss = Double.parseDouble(parts[2]);
        out.add(new TrainingLoop.Record(it, Double.parseDouble(parts[1]), Map.of("loss_classifier", loss), loss));
      }
    }
    return out;
  }
}
