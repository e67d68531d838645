package io.ticketlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.BadInputException;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SparseCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab macs}: multiply-accumulates of a dense or pruned network. */
@Command(
    name = "macs",
    mixinStandardHelpOptions = true,
    header = "Multiply-accumulates of a model per image, dense and sparse.",
    description = {
      "Count multiply-accumulates per image (conv, transposed conv and linear layers only), dense and,"
          + " with --checkpoint, sparse: each layer's dense MACs times its weight density. Totals per"
          + " module group; --layers prints every layer.",
      "Architectures: resnet18/34/50/101 (classifiers, default input 224x224) and"
          + " fasterrcnn/maskrcnn/keypointrcnn_resnet18/50_fpn (default input 800x1333, padded to a"
          + " multiple of 32), and the paper's VOC Faster R-CNN C4 fasterrcnn_resnet18/50_c4 (default"
          + " input 600x1000). Model configs will be accepted once the model package exists.",
      "CHECKPOINT is any weights file (sparse or training checkpoint, .pth, safetensors, .npz) with"
          + " torchvision parameter names;"
          + " layers whose weight it lacks count as dense and are listed."
    })
final class MacsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--arch", required = true, paramLabel = "NAME", description = "e.g. resnet50, maskrcnn_resnet50_fpn.")
  String arch;

  @Option(names = "--input", paramLabel = "HxW", description = "Input size in pixels, e.g. 224x224 or 800x1333.")
  String input;

  @Option(
      names = "--proposals",
      paramLabel = "N",
      description = "RoIs of the box head per image (default ${DEFAULT-VALUE}, torchvision's eval setting).")
  int proposals = Architectures.DEFAULT_PROPOSALS;

  @Option(
      names = "--detections",
      paramLabel = "N",
      description = "RoIs of the mask and keypoint heads per image (default ${DEFAULT-VALUE}).")
  int detections = Architectures.DEFAULT_DETECTIONS;

  @Option(names = "--checkpoint", paramLabel = "CHECKPOINT", description = "Count sparse MACs with this checkpoint's weight densities.")
  Path checkpoint;

  @Option(names = "--layers", description = "Print every layer.")
  boolean layers;

  @Option(names = "--json", description = "Print the full count (layers, groups, totals) as JSON.")
  boolean json;

  static int[] parseInput(String text) {
    String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 1) {
        int s = Integer.parseInt(parts[0].strip());
        return new int[] {s, s};
      }
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw BadInputException.of(null, null, "--input", text, "expected HEIGHTxWIDTH, e.g. 224x224");
  }

  @Override
  public Integer call() throws IOException {
    boolean classifier = arch.toLowerCase(java.util.Locale.ROOT).startsWith("resnet");
    boolean voc = arch.toLowerCase(java.util.Locale.ROOT).endsWith("_c4");
    int[] hw = parseInput(input != null ? input : classifier ? "224x224" : voc ? "600x1000" : "800x1333");
    Architecture a = Architectures.byName(arch, hw[0], hw[1], proposals, detections);
    MacCounter.Report report = checkpoint == null
        ? MacCounter.dense(a)
        : MacCounter.count(a, WeightFiles.readFloats(checkpoint), checkpoint);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      out.flush();
      return 0;
    }
    out.printf("%s, input %s: dense %.4f GMACs", a.name(), a.input(), report.denseMacs() / 1e9);
    if (checkpoint != null) {
      out.printf(", sparse %.4f GMACs (%.2f%% of dense)", report.sparseMacs() / 1e9, 100 * report.ratio());
    }
    out.println();
    if (layers) {
      out.printf("%-56s %-14s %10s %8s %16s %16s%n", "layer", "kind", "input", "density", "dense MACs", "sparse MACs");
      for (MacCounter.LayerMacs l : report.layers()) {
        out.printf("%-56s %-14s %10s %7.2f%% %16d %16d%n", l.layer().weightName(), l.layer().kind(),
            l.layer().inputHeight() + "x" + l.layer().inputWidth(), 100 * l.density(), l.denseMacs(), l.sparseMacs());
      }
    }
    out.printf("%-20s %16s %16s %10s%n", "group", "dense MACs", "sparse MACs", "density");
    for (MacCounter.GroupMacs g : report.groups()) {
      out.printf("%-20s %16d %16d %9.2f%%%n", g.group(), g.denseMacs(), g.sparseMacs(),
          g.weights() == 0 ? 0 : 100.0 * g.nonZeroWeights() / g.weights());
    }
    out.printf("%-20s %16d %16d%n", "total", report.denseMacs(), report.sparseMacs());
    if (!report.missingWeights().isEmpty()) {
      out.printf("counted as dense, not in the checkpoint: %d weights (e.g. %s)%n", report.missingWeights().size(),
          report.missingWeights().get(0));
    }
    out.flush();
    return 0;
  }
}
