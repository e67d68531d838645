package io.ticketlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.prune.Mask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one training run's folder, shared by every task: {@code checkpoint_<iteration>.tlck}
 * (weights, momentum buffers, step, mask) and {@code metrics.csv} (per iteration: lr, total loss
 * and each loss term). Every write is atomic; a run resumes from its latest checkpoint, and
 * metrics are written before the checkpoint they lead to, so that a checkpoint never exists
 * without the metrics up to it.
 */
public final class RunFolder {
  /** Prefix of momentum buffers in a checkpoint's optimizer state. */
  public static final String MOMENTUM = "momentum_buffer/";

  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint_(\\d+)\\.tlck");

  private RunFolder() {}

  /** The checkpoint file of {@code iteration} in {@code dir}. */
  public static Path checkpoint(Path dir, long iteration) {
    return dir.resolve("checkpoint_" + iteration + ".tlck");
  }

  /** Writes the model's weights, the optimizer's momentum and the mask at {@code iteration}. */
  public static void save(Path dir, Block model, Sgd sgd, long iteration, Mask mask) {
    Map<String, FloatTensor> buffers = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : sgd.momentumBuffers().entrySet()) {
      int[] shape = Arrays.stream(e.getValue().getShape().getShape()).mapToInt(Math::toIntExact).toArray();
      buffers.put(MOMENTUM + e.getKey(), new FloatTensor(shape, e.getValue().toFloatArray()));
    }
    TicketCheckpoint ck =
        TicketCheckpoint.of(StateDict.ofFloats(Weights.read(model)), iteration, "")
            .withOptimizerState(StateDict.ofFloats(buffers))
            .withMasks(mask == null ? Map.of() : mask.tensors());
    try {
      ck.write(checkpoint(dir, iteration));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Momentum buffers by parameter name from a checkpoint's optimizer state. */
  public static Map<String, float[]> momentumOf(TicketCheckpoint ck) {
    Map<String, float[]> buffers = new LinkedHashMap<>();
    ck.optimizerState().toFloatTensors().forEach((k, v) -> {
      if (k.startsWith(MOMENTUM)) {
        buffers.put(k.substring(MOMENTUM.length()), v.data());
      }
    });
    return buffers;
  }

  /** The checkpoint with the highest iteration in {@code dir}, or null. */
  public static Map.Entry<Long, Path> latestCheckpoint(Path dir) throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return null;
    }
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

  /**
   * Writes {@code metrics.csv}: {@code iteration,lr,loss} and, when the records have more than one
   * loss term, one column per term.
   */
  public static void writeMetrics(Path dir, List<TrainingLoop.Record> log) {
    List<String> terms = log.isEmpty() ? List.of() : new ArrayList<>(log.get(0).losses().keySet());
    boolean perTerm = terms.size() > 1;
    StringBuilder sb = new StringBuilder("iteration,lr,loss");
    if (perTerm) {
      terms.forEach(t -> sb.append(',').append(t));
    }
    sb.append('\n');
    for (TrainingLoop.Record r : log) {
      sb.append(r.iteration()).append(',')
          .append(String.format(Locale.ROOT, "%.6g", r.lr())).append(',')
          .append(String.format(Locale.ROOT, "%.6f", r.total()));
      if (perTerm) {
        for (String t : terms) {
          Double v = r.losses().get(t);
          sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6f", v));
        }
      }
      sb.append('\n');
    }
    try {
      AtomicFiles.writeString(dir.resolve("metrics.csv"), sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("metrics.csv") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rows of an existing metrics.csv below iteration {@code upTo} (a resumed run keeps them); a
   * file with only {@code iteration,lr,loss} gives the loss as the single term {@code
   * singleTermName}.
   */
  public static List<TrainingLoop.Record> readMetrics(Path dir, long upTo, String singleTermName) throws IOException {
    Path f = dir.resolve("metrics.csv");
    List<TrainingLoop.Record> out = new ArrayList<>();
    if (upTo == 0 || !Files.exists(f)) {
      return out;
    }
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return out;
    }
    String[] header = lines.get(0).split(",", -1);
    for (String line : lines.subList(1, lines.size())) {
      String[] parts = line.split(",", -1);
      if (parts.length != header.length || !parts[0].matches("\\d+")) {
        continue;
      }
      long it = Long.parseLong(parts[0]);
      if (it >= upTo) {
        continue;
      }
      double loss = Double.parseDouble(parts[2]);
      Map<String, Double> terms = new LinkedHashMap<>();
      if (header.length == 3) {
        terms.put(singleTermName, loss);
      } else {
        for (int c = 3; c < header.length; c++) {
          terms.put(header[c], parts[c].isEmpty() ? Double.NaN : Double.parseDouble(parts[c]));
        }
      }
      out.add(new TrainingLoop.Record(it, Double.parseDouble(parts[1]), terms, loss));
    }
    return out;
  }
}
