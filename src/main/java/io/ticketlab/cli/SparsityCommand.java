package io.ticketlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ticketlab sparsity}: the paper's prune % and network sparsity of a checkpoint. */
@Command(
    name = "sparsity",
    mixinStandardHelpOptions = true,
    header = "Prune %% of the prunable set and network sparsity (zeros over all parameters) of weights.",
    description = {
      "Reads any weights file (.pth, safetensors, .npz, TicketLab checkpoint). Batch-norm running"
          + " statistics are buffers, not parameters, and are not counted. Presets: paper-coco,"
          + " backbone-only, classifier-convs, all-weights."
    })
final class SparsityCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "The weights file.")
  Path checkpoint;

  @Option(names = "--preset", defaultValue = "paper-coco", description = "Prunable set (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--include", paramLabel = "REGEX", description = "Also prunable: tensors whose full name matches.")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "REGEX", description = "Not prunable: tensors whose full name matches.")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--per-tensor", description = "Also list every tensor's sparsity.")
  boolean perTensor;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrunableSet set = PrunableSet.of(preset, include, exclude);
    Map<String, FloatTensor> weights = Checkpoints.readStateDict(checkpoint).toFloatTensors();
    NetworkSparsity s = NetworkSparsity.of(weights, set);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("checkpoint", checkpoint.toString());
      o.put("preset", preset);
      o.put("prunePercent", 100 * s.pruneFraction());
      o.put("networkSparsityPercent", 100 * s.networkSparsity());
      o.put("prunableParameters", s.prunableTotal());
      o.put("parameters", s.networkTotal());
      o.put("zeros", s.networkZeros());
      if (perTensor) {
        o.put("perTensor", s.perTensor());
      }
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
    } else {
      out.printf(Locale.ROOT, "prune %%            %7.3f%%  (%,d of %,d prunable weights are zero, preset %s)%n",
          100 * s.pruneFraction(), s.prunableZeros(), s.prunableTotal(), preset);
      out.printf(Locale.ROOT, "network sparsity   %7.3f%%  (%,d of %,d parameters are zero)%n",
          100 * s.networkSparsity(), s.networkZeros(), s.networkTotal());
      if (perTensor) {
        s.perTensor().forEach((n, v) -> out.printf(Locale.ROOT, "  %-60s %7.3f%%%n", n, 100 * v));
      }
    }
    out.flush();
    return 0;
  }
}
