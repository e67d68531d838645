package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.Task;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.TransferRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ticketlab transfer}: a ticket transfer into the detector of a target config, the same as
 * that config with a {@code transfer} section run by {@code ticketlab lottery}; {@code --dry-run}
 * builds the transferred network without training.
 */
@Command(
    name = "transfer",
    mixinStandardHelpOptions = true,
    header = "Transfer a ticket into a detector and fine-tune it with the mask fixed (paper Sec. 4.2, supp. A and B).",
    description = {
      "imagenet-ticket: a ResNet classifier ticket (a TicketLab classification level or a .pth/safetensors"
          + " ticket) gives the detector's backbone its convs, downsample convs and batch norms; its zeros over the"
          + " stem and block convs are the mask; FPN, RPN and heads are fresh.",
      "mask: pretrained ResNet weights; the largest-magnitude (1 - --prune) of the stem and block convs keep"
          + " their values, the rest is zero and stays zero.",
      "task: another detector task's ticket (det/seg <-> kp): mask and values of the backbone, FPN, RPN and box"
          + " head fc6/fc7 (--mask-only: the mask alone); the box predictor and the task's own heads are fresh.",
      "--config is the target experiment (data, model, training; no pruning). The run lands in"
          + " <root>/lottery_<hash>/replicate_<n>/level_1/main like any experiment (resumable, lottery status)."
    })
final class TransferCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KIND", description = "imagenet-ticket, mask or task.")
  String kind;

  @Option(names = "--source", required = true, paramLabel = "PATH",
      description = "The ticket or pretrained checkpoint, or a TicketLab level folder (its latest checkpoint).")
  Path source;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The target experiment (YAML or JSON).")
  Path config;

  @Option(names = "--prune", paramLabel = "P", description = "For mask: the share of the backbone's prunable convs to zero, e.g. 0.8.")
  Double prune;

  @Option(names = "--keep", paramLabel = "K", description = "For mask: the share of the backbone's prunable convs to"
      + " keep, e.g. 0.2 (the same as --prune 1-K; give one of the two).")
  Double keep;

  @Option(names = "--mask-only", description = "For task: transfer the mask, keep the target's own initial values.")
  boolean maskOnly;

  @Option(names = "--dry-run", paramLabel = "CHECKPOINT", description = "Build the transferred network without"
      + " training, write it to this TicketLab checkpoint (ticketlab sparsity reads it) and list what was transferred.")
  Path dryRun;

  @Mixin ExperimentOptions run;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws IOException {
    ExperimentConfig target = ExperimentConfig.read(config);
    if (target.transfer() != null) {
      throw BadInputException.of(config, null, "transfer", null,
          "the config has a transfer section already: run it with ticketlab lottery, or remove it");
    }
    if (keep != null) {
      if (prune != null) {
        throw BadInputException.of(null, null, "--keep", keep, "give --keep or --prune, not both");
      }
      if (!(keep > 0 && keep < 1)) {
        throw BadInputException.of(null, null, "--keep", keep, "must be in (0, 1): the share of weights kept");
      }
      prune = 1 - keep;
    }
    Path base = config.toAbsolutePath().getParent();
    ExperimentConfig c = new ExperimentConfig(target.task(), target.data(), target.model(), target.training(),
        target.pruning(), target.rewind(), target.replicates(), target.seed(), target.earlyBird(),
        new ExperimentConfig.Transfer(kind, base.relativize(source.toAbsolutePath()).toString(), prune,
            maskOnly ? Boolean.TRUE : null));
    // the transfer keys came from the command line: name them as flags, the rest by the config's key paths;
    // a transfer into a classifier is the config's task that is wrong
    ConfigKeys fileKeys = ConfigKeys.file(config);
    ConfigKeys flagKeys = ConfigKeys.flags(Map.of("transfer.kind", "KIND", "transfer.mask_only", "--mask-only",
        "transfer.prune", keep != null ? "--keep" : "--prune"));
    String task = target.task() == null ? Task.CLASSIFY.key() : target.task();
    Experiment e = Experiment.of(c, base, (key, value, why) -> key.equals("transfer")
        ? fileKeys.bad("task", task, why)
        : (key.startsWith("transfer.") ? flagKeys : fileKeys).bad(key, value, why), config);
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun != null) {
      TransferRun.DryRun d = TransferRun.dryRun(e, dryRun);
      out.printf(Locale.ROOT, "%s transfer from %s: %d tensors transferred, %d masked, %d fresh%n",
          e.spec().transfer().kind(), source, d.transferred().size(), d.masked().size(), d.fresh().size());
      out.printf(Locale.ROOT, "masked tensors %.2f%% zero; network sparsity %.2f%% (%d of %d parameters)%n",
          100 * d.sparsity().pruneFraction(), 100 * d.sparsity().networkSparsity(), d.sparsity().networkZeros(),
          d.sparsity().networkTotal());
      list(out, "transferred", d.transferred());
      list(out, "fresh", d.fresh());
      out.printf("written %s (not trained)%n", d.checkpoint());
    } else {
      List<LotteryRunner.LevelOutcome> outcomes =
          LotteryRunner.run(e, run.root, null, run.replicates, run.waitForOwner, progress.stream());
      out.printf("run folder %s%n", e.layout(run.root).runDir());
      for (LotteryRunner.LevelOutcome o : outcomes) {
        StringBuilder metrics = new StringBuilder();
        o.metricNames().forEach(n -> metrics.append(String.format(Locale.ROOT, ", %s %s", n,
            o.metrics().get(n) == null ? "-" : String.format(Locale.ROOT, "%.4f", o.metrics().get(n)))));
        out.printf(Locale.ROOT, "replicate %d: prune %.2f%%, network sparsity %.2f%%%s%s%n", o.replicate(),
            o.prunePercent(), o.networkSparsityPercent(), metrics, o.alreadyDone() ? "  (done before)" : "");
      }
    }
    out.flush();
    return 0;
  }

  private static void list(PrintWriter out, String what, List<String> names) {
    out.printf("%s (%d):%n", what, names.size());
    names.forEach(n -> out.printf("  %s%n", n));
  }
}
