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

/** {@code ticketlab import}: reads a checkpoint in any sparse format back into the dense format. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    header = "Read a sparse-format checkpoint back into the dense interchange format.",
    description = {
      "Read a TicketLab sparse checkpoint in any format (as written by 'ticketlab export') and write"
          + " it in the dense interchange format, checking every tensor's CRC."
    })
final class ImportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A TicketLab sparse checkpoint in any format.")
  Path file;

  @Option(names = "--out", required = true, paramLabel = "CHECKPOINT", description = "The dense checkpoint to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    return convert(spec.commandLine().getOut(), file, SparseFormats.DENSE, out);
  }

  /** Reads {@code in}, writes it to {@code target} in {@code format} and prints one summary line. */
  static int convert(PrintWriter printer, Path in, SparseFormat format, Path target) throws IOException {
    io.ticketlab.common.InputFiles.requireWritableFile(target);
    WeightFiles.Loaded loaded = WeightFiles.read(in);
    java.util.Map<String, io.ticketlab.common.FloatTensor> tensors = loaded.tensors();
    long inBytes = java.nio.file.Files.size(in);
    SparseCheckpoint.Encoded written = SparseCheckpoint.write(target, tensors, format);
    printer.printf("%s: %d tensors, %s (%d bytes) -> %s (%d bytes, %.2fx smaller)%n", target,
        tensors.size(), loaded.format(), inBytes, format.name(),
        written.fileBytes(), (double) inBytes / written.fileBytes());
    if (!format.lossless()) {
      ExportCommand.printLossy(printer, LossyError.ofFloat16(tensors));
    }
    printer.flush();
    return 0;
  }
}
