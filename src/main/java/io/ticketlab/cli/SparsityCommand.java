package io.ticketlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.prune.ModuleGroup;
import io.ticketlab.prune.ModuleGroupShares;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
          + " backbone-only, classifier-convs, all-weights, paper-voc (the C4 model's Table 3 groups"
          + " base, top, rpn, head; paper-voc:base+top for some of them)."
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

  @Option(
      names = "--groups",
      description = "Also report the paper's Table 3 module groups of a C4 model: each group's share of all"
          + " parameters and sparsity, and the network sparsity of pruning --at %% of the preset's groups"
          + " (all four unless --preset paper-voc:...).")
  boolean groups;

  @Option(names = "--at", paramLabel = "PERCENT", defaultValue = "80",
      description = "Prune %% for the --groups network-sparsity figure (default: ${DEFAULT-VALUE}).")
  double at;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrunableSet set = PrunableSet.of(preset, include, exclude);
    Map<String, FloatTensor> weights = Checkpoints.readStateDict(checkpoint).toFloatTensors();
    NetworkSparsity s = NetworkSparsity.of(weights, set);
    if (s.prunableTotal() == 0) { // "0 of 0 prunable weights" would be read as a dense network
      throw BadInputException.of(checkpoint, null, "--preset", preset,
          "selects no tensor of this checkpoint (e.g. " + weights.keySet().stream().limit(3).toList()
              + "): give the preset of its network, or --include patterns");
    }
    ModuleGroupShares shares = groups ? ModuleGroupShares.ofWeights(weights) : null;
    Set<ModuleGroup> chosen = ModuleGroup.ofPreset(preset);
    if (chosen == null) {
      chosen = java.util.EnumSet.allOf(ModuleGroup.class);
    }
    if (groups && !(at >= 0 && at <= 100)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--at must be a percentage in [0, 100], got " + at);
    }
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
      if (shares != null) {
        Map<String, Object> g = new LinkedHashMap<>();
        for (ModuleGroup m : ModuleGroup.values()) {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("parameters", shares.groupParameters().get(m));
          one.put("sharePercent", 100 * shares.share(m));
          one.put("sparsityPercent", 100 * shares.sparsity(m));
          g.put(m.configName(), one);
        }
        o.put("moduleGroups", g);
        o.put("moduleGroupsChosen", chosen.stream().map(ModuleGroup::configName).toList());
        o.put("moduleGroupsPrunePercent", at);
        o.put("moduleGroupsNetworkSparsityPercent", 100 * shares.networkSparsity(chosen, at / 100));
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
      if (shares != null) {
        out.printf(Locale.ROOT, "module group   parameters      share   sparsity   (paper Table 3)%n");
        for (ModuleGroup m : ModuleGroup.values()) {
          out.printf(Locale.ROOT, "  %-6s %,16d   %7.3f%%   %7.3f%%%n", m.configName(), shares.groupParameters().get(m),
              100 * shares.share(m), 100 * shares.sparsity(m));
        }
        out.printf(Locale.ROOT, "pruning %.1f%% of %s gives %.3f%% network sparsity%n", at,
            String.join("+", chosen.stream().map(ModuleGroup::configName).toList()),
            100 * shares.networkSparsity(chosen, at / 100));
      }
    }
    out.flush();
    return 0;
  }
}
