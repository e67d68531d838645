package io.ticketlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseCheckpoint;
import io.ticketlab.storage.SparseFormat;
import io.ticketlab.storage.SparseFormats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ticketlab size}: bytes of a checkpoint in each sparse format against the entropy bound. */
@Command(
    name = "size",
    mixinStandardHelpOptions = true,
    header = "Bytes of a checkpoint in each sparse storage format vs the entropy bound.",
    description = {
      "Measure a checkpoint in each sparse storage format: bytes per format in total (and per tensor"
          + " with --per-tensor) against the entropy bound, n*H(density) bits for each tensor's mask"
          + " + 32 bits per non-zero value.",
      "CHECKPOINT is a lottery run folder (one row per finished level and branch) or any weights file: a TicketLab sparse checkpoint (any format, see 'ticketlab"
          + " export'), a TicketLab training checkpoint, a PyTorch .pth, safetensors or .npz."
    })
final class SizeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A weights file (sparse or training checkpoint, .pth, safetensors, .npz).")
  Path checkpoint;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      split = ",",
      description = "all (default) or a comma-separated list of: dense, paper, bitmap, delta, entropy, entropy-context, entropy-fp16.")
  List<String> formats = List.of("all");

  @Option(names = "--per-tensor", description = "Also print one row per tensor.")
  boolean perTensor;

  @Option(names = "--json", description = "Print the full report (totals and every tensor) as JSON.")
  boolean json;

  private static long negativeZeros(io.ticketlab.common.FloatTensor t) {
    long n = 0;
    for (float v : t.data()) {
      if (Float.floatToRawIntBits(v) == 0x80000000) {
        n++;
      }
    }
    return n;
  }

  static List<SparseFormat> parseFormats(List<String> names) {
    List<SparseFormat> out = new ArrayList<>();
    for (String n : names) {
      if (n.equalsIgnoreCase("all")) {
        return SparseFormats.all();
      }
      out.add(SparseFormats.byName(n.strip()));
    }
    return out;
  }

  @Override
  public Integer call() throws IOException {
    List<SparseFormat> chosen = parseFormats(formats);
    if (java.nio.file.Files.isDirectory(checkpoint)) {
      return runFolder(chosen);
    }
    java.util.Map<String, io.ticketlab.common.FloatTensor> weights = WeightFiles.readFloats(checkpoint);
    SizeReport report = SizeReport.of(weights, chosen);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      out.flush();
      return 0;
    }
    out.printf("%s: %d tensors, %d values, sparsity %.2f%%, entropy bound %s%n",
        checkpoint, report.tensors().size(), report.numel(), 100 * report.sparsity(),
        bytes(report.boundBytes()));
    long negativeZeros = weights.values().stream().mapToLong(SizeCommand::negativeZeros).sum();
    if (negativeZeros > 0) {
      // w × mask leaves -0.0 where w < 0; the lossless formats keep its sign, so it costs a value
      out.printf("note: %d values are -0.0 and are stored as values (bit-exact formats); a ticket saved as"
          + " weights × mask has them: set them to +0.0 for the sizes of a clean ticket%n", negativeZeros);
    }
    out.printf("%-14s %14s %10s%n", "format", "bytes", "x bound");
    for (String f : report.formats()) {
      out.printf("%-14s %14d %10.3f%n", f, report.fileBytes().get(f), report.ratioToBound(f));
    }
    if (perTensor) {
      out.println();
      StringBuilder head = new StringBuilder(String.format("%-48s %10s %9s %12s", "tensor", "values", "sparsity", "bound"));
      for (String f : report.formats()) {
        head.append(String.format(" %12s", f));
      }
      out.println(head);
      for (SizeReport.TensorSize t : report.tensors()) {
        StringBuilder row = new StringBuilder(String.format("%-48s %10d %8.2f%% %12.0f", t.name(), t.numel(),
            100 * t.sparsity(), t.boundBytes()));
        for (String f : report.formats()) {
          row.append(String.format(" %12d", t.payloadBytes().get(f)));
        }
        out.println(row);
      }
    }
    out.flush();
    return 0;
  }

  /**
   * A lottery run folder: the final checkpoint of every finished level and branch (folders with a
   * level.json), one row each — the paper's disk space vs sparsity on the user's own run.
   */
  private int runFolder(List<SparseFormat> chosen) throws IOException {
    List<java.nio.file.Path> levels = ExperimentLayout.finishedBelow(checkpoint);
    if (levels.isEmpty()) {
      throw io.ticketlab.common.BadInputException.of(checkpoint, null, null, null,
          "no finished lottery level (level.json) below this folder");
    }
    PrintWriter out = spec.commandLine().getOut();
    java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
    for (java.nio.file.Path level : levels) {
      long last = ExperimentLayout.latestCheckpoint(level);
      if (last < 0) {
        continue;
      }
      SizeReport report = SizeReport.of(WeightFiles.readFloats(ExperimentLayout.checkpoint(level, last)), chosen);
      java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("level", checkpoint.relativize(level).toString());
      row.put("sparsity", report.sparsity());
      row.put("boundBytes", report.boundBytes());
      row.put("bytes", report.fileBytes());
      rows.add(row);
    }
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(java.util.Map.of("levels", rows)));
    } else {
      StringBuilder head = new StringBuilder(String.format("%-44s %9s %12s", "level", "sparsity", "bound"));
      for (SparseFormat f : chosen) {
        head.append(String.format(" %14s", f.name()));
      }
      out.println(head);
      for (java.util.Map<String, Object> row : rows) {
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%-44s %8.2f%% %12.0f",
            row.get("level"), 100 * (double) row.get("sparsity"), (double) row.get("boundBytes")));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Long> b = (java.util.Map<String, Long>) row.get("bytes");
        for (SparseFormat f : chosen) {
          line.append(String.format(" %14d", b.get(f.name())));
        }
        out.println(line);
      }
    }
    out.flush();
    return 0;
  }

  static String bytes(double b) {
    return String.format("%.0f bytes (%.2f MB)", b, b / 1e6);
  }
}
