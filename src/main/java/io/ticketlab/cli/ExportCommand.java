package io.ticketlab.cli;

import io.ticketlab.storage.LossyError;
import io.ticketlab.storage.SparseCheckpoint;
import io.ticketlab.storage.SparseFormat;
import io.ticketlab.storage.SparseFormats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ticketlab export}: rewrites a checkpoint in a sparse storage format. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    header = "Write a checkpoint in a sparse storage format (paper, bitmap, delta, entropy).",
    description = {
      "Write a checkpoint in a sparse storage format (bit-exact for every format but entropy-fp16,"
          + " whose float16 error is printed).",
      "CHECKPOINT is any weights file: a TicketLab sparse checkpoint in any format, a TicketLab"
          + " training checkpoint, a PyTorch .pth, safetensors or .npz; 'dense' is the interchange"
          + " format ('ticketlab import' converts back to it)."
    })
final class ExportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A weights file (sparse or training checkpoint, .pth, safetensors, .npz).")
  Path checkpoint;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "One of: dense, paper, bitmap, delta, entropy, entropy-context, entropy-fp16.")
  String format;

  @Option(
      names = "--paper-threshold",
      paramLabel = "SPARSITY",
      description = "For --format paper: store index + value when a tensor's sparsity is above this"
          + " (0..1); default: the break-even point (whichever is smaller, about 0.5).")
  Double paperThreshold;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (atomically).")
  Path out;

  @Override
  public Integer call() throws IOException {
    SparseFormat target = SparseFormats.byName(format);
    if (paperThreshold != null) {
      if (target != SparseFormats.PAPER) {
        throw new io.ticketlab.common.BadInputException("--paper-threshold: only valid with --format paper");
      }
      target = SparseFormats.paper(paperThreshold);
    }
    return ImportCommand.convert(spec.commandLine().getOut(), checkpoint, target, out);
  }

  static void printLossy(PrintWriter out, LossyError e) {
    out.printf("float16 values: max abs error %.3g, max relative error %.3g, rms error %.3g over %d values"
            + " (%d overflowed to infinity, %d flushed to zero)%n",
        e.maxAbsError(), e.maxRelError(), e.rmsError(), e.values(), e.overflowed(), e.flushedToZero());
  }
}
