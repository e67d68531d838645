package io.ticketlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.prune.lottery.LotteryConfig;
import io.ticketlab.prune.lottery.LotteryRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab lottery}: iterative magnitude pruning with late rewinding, resumable. */
@Command(
    name = "lottery",
    mixinStandardHelpOptions = true,
    header = "Find lottery tickets: prune, rewind, retrain, level after level (resumable).",
    description = {
      "Runs the experiment of --config (YAML or JSON) in <root>/lottery_<hash>/replicate_<n>/"
          + "level_<k>/main. Finished levels are skipped and an interrupted level resumes from its"
          + " latest checkpoint, so the same command continues a killed run.",
      "Tasks (the config's task key): classify (ResNet on image folders, top-1/top-5; the default),"
          + " det (Faster R-CNN), seg (Mask R-CNN) and kp (Keypoint R-CNN) on COCO-format data, FPN or"
          + " the paper's VOC C4 model (model.variant: c4), scored with COCO AP (bbox/AP first)."
          + " Pruning presets: classifier-convs, paper-coco, paper-voc[:base+top+rpn+head],"
          + " backbone-only, all-weights, plus include/exclude patterns. See README for examples."
    },
    subcommands = {LotteryCommand.Status.class, LotteryCommand.BranchCommand.class})
final class LotteryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The experiment (YAML or JSON).")
  Path config;

  @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Where run folders go (default: ${DEFAULT-VALUE}).")
  Path root;

  @Option(names = "--levels", paramLabel = "K", description = "Run levels 0..K (default: the schedule's last level).")
  Integer levels;

  @Option(names = "--replicates", paramLabel = "R", description = "Replicates (seeds) to run (default: the config's).")
  Integer replicates;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    if (config == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
    }
    LotteryConfig c = LotteryConfig.read(config);
    Path base = config.toAbsolutePath().getParent();
    List<LotteryRunner.LevelOutcome> outcomes =
        LotteryRunner.run(c, base, root, levels, replicates, quiet ? null : System.err);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("run folder %s%n", root.resolve("lottery_" + c.runId()));
    List<String> names = outcomes.isEmpty() ? List.of() : outcomes.get(0).metricNames();
    out.printf("%-9s %-5s %9s %9s %12s", "replicate", "level", "keep", "prune %", "net. sparsity");
    names.forEach(n -> out.printf(" %12s", label(n)));
    out.println();
    for (LotteryRunner.LevelOutcome o : outcomes) {
      out.printf(Locale.ROOT, "%-9d %-5d %9.4f %9.2f %12.2f%%", o.replicate(), o.level(),
          o.targetDensity(), o.prunePercent(), o.networkSparsityPercent());
      names.forEach(n -> out.printf(" %12s", fmt(o.metrics().get(n))));
      out.println(o.alreadyDone() ? "  (done before)" : "");
    }
    if (outcomes.stream().mapToInt(LotteryRunner.LevelOutcome::replicate).max().orElse(0) > 0) {
      out.println("mean ± std over replicates (population std):");
      outcomes.stream().mapToInt(LotteryRunner.LevelOutcome::level).distinct().sorted().forEach(level -> {
        double[] main = outcomes.stream().filter(o -> o.level() == level && o.metric() != null)
            .mapToDouble(LotteryRunner.LevelOutcome::metric).toArray();
        double[] sparsity = outcomes.stream().filter(o -> o.level() == level)
            .mapToDouble(LotteryRunner.LevelOutcome::networkSparsityPercent).toArray();
        out.printf(Locale.ROOT, "  level %d: network sparsity %.2f%%, %s %s%n", level, mean(sparsity), names.get(0),
            main.length == 0 ? "-" : String.format(Locale.ROOT, "%.4f ± %.4f (%d)", mean(main), std(main), main.length));
      });
    }
    out.flush();
    return 0;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return v.length == 0 ? Double.NaN : Math.sqrt(s / v.length);
  }

  /** {@code top1} → {@code top-1}; COCO names as they are. */
  static String label(String metric) {
    return metric.matches("top\\d") ? "top-" + metric.substring(3) : metric;
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** {@code ticketlab lottery branch}. */
  @Command(name = "branch", mixinStandardHelpOptions = true,
      header = "Run a control beside a level's ticket: random-reinit, random-pruning, finetune or early-bird.",
      description = "random-reinit: the ticket's mask on a fresh initialisation (another seed), trained from"
          + " iteration 0. random-pruning: random survivors with the ticket's per-tensor counts, rewound like"
          + " the ticket. finetune: the previous level's trained weights with the ticket's mask, trained from"
          + " the rewind iteration to the end. Results go to level_<k>/branch_<name>.")
  static final class BranchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, description = "random-reinit, random-pruning, finetune or early-bird.")
    String name;

    @Option(names = "--fraction", description = "For early-bird: one of the config's early_bird fractions.")
    Double fraction;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The experiment (YAML or JSON).")
    Path config;

    @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Where run folders go (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--level", defaultValue = "1", description = "The pruned level (default: ${DEFAULT-VALUE}).")
    int level;

    @Option(names = "--replicate", defaultValue = "0", description = "The replicate (default: ${DEFAULT-VALUE}).")
    int replicate;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      LotteryRunner.Branch branch = LotteryRunner.Branch.parse(name);
      LotteryConfig c = LotteryConfig.read(config);
      LotteryRunner.LevelOutcome o = LotteryRunner.runBranch(
          c, config.toAbsolutePath().getParent(), root, replicate, level, branch, fraction, quiet ? null : System.err);
      PrintWriter out = spec.commandLine().getOut();
      StringBuilder metrics = new StringBuilder();
      o.metricNames().forEach(n -> metrics.append(", ").append(label(n)).append(' ').append(fmt(o.metrics().get(n))));
      out.printf(Locale.ROOT, "branch %s of level %d (replicate %d): prune %.2f%%, network sparsity %.2f%%%s%s%n",
          branch.id(), o.level(), o.replicate(), o.prunePercent(), o.networkSparsityPercent(), metrics,
          o.alreadyDone() ? " (done before)" : "");
      out.printf("folder %s%n", o.folder());
      java.nio.file.Path iou = o.folder().resolve("mask_iou.json");
      if (java.nio.file.Files.exists(iou)) {
        out.printf("early-bird mask: %s%n", java.nio.file.Files.readString(iou).strip().replaceAll("\\s+", " "));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab lottery status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      header = "What is done, running or left in the lottery runs under a root folder.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Root folder (default: ${DEFAULT-VALUE}).")
    Path root;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(root)) {
        throw new io.ticketlab.common.BadInputException(root + ": no such folder");
      }
      PrintWriter out = spec.commandLine().getOut();
      ObjectMapper json = new ObjectMapper();
      try (Stream<Path> runs = Files.list(root)) {
        for (Path run : runs.filter(p -> p.getFileName().toString().startsWith("lottery_")).sorted().toList()) {
          out.println(run.getFileName());
          try (Stream<Path> levels = Files.walk(run, 3)) {
            for (Path level : levels.filter(p -> p.getFileName().toString().startsWith("level_")).sorted().toList()) {
              Path main = level.resolve("main");
              String state;
              if (Files.exists(main.resolve("level.json"))) {
                JsonNode j = json.readTree(main.resolve("level.json").toFile());
                String metric = j.hasNonNull("metric") ? j.get("metric").asText() : "top1";
                JsonNode value = j.hasNonNull("metrics") ? j.get("metrics").get(metric) : j.get(metric);
                state = String.format(Locale.ROOT, "done: prune %.2f%%, network sparsity %.2f%%, %s %s",
                    j.get("prunePercent").asDouble(), j.get("networkSparsityPercent").asDouble(), label(metric),
                    value == null || value.isNull() ? "-" : value.asText());
              } else {
                long checkpoints;
                try (Stream<Path> files = Files.list(main)) {
                  checkpoints = files.filter(f -> f.getFileName().toString().startsWith("checkpoint_")).count();
                }
                state = checkpoints == 0 ? "started" : "in progress (" + checkpoints + " checkpoints)";
              }
              out.printf("  %s/%s: %s%n", run.relativize(level.getParent()), level.getFileName(), state);
            }
          }
        }
      }
      out.flush();
      return 0;
    }
  }
}
