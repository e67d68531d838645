package io.ticketlab.cli;

import io.ticketlab.config.ConfigHelp;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.ExperimentLayout;
import io.ticketlab.lottery.LotteryRunner;
import io.ticketlab.lottery.LotteryStatus;
import io.ticketlab.lottery.ReplicateSummary;
import io.ticketlab.train.Provenance;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ticketlab lottery}: iterative magnitude pruning with late rewinding, resumable. */
@Command(
    name = "lottery",
    mixinStandardHelpOptions = true,
    header = "Find lottery tickets: prune, rewind, retrain, level after level (resumable).",
    description = {
      "Runs the experiment of --config (YAML or JSON) in <root>/lottery_<hash>/replicate_<n>/"
          + "level_<k>/main. The hash is that of the resolved experiment (every default applied), so"
          + " writing a default or leaving it out is the same run. Finished levels are skipped and an"
          + " interrupted level resumes from its latest checkpoint, so the same command continues a"
          + " killed run. One process runs an experiment at a time: a second one exits naming the"
          + " first (or waits, with --wait).",
      "Tasks (the config's task key): classify (ResNet on image folders, top-1/top-5; the default),"
          + " det (Faster R-CNN), seg (Mask R-CNN) and kp (Keypoint R-CNN) on COCO-format data, FPN or"
          + " the paper's VOC C4 model (model.variant: c4), scored with COCO AP (bbox/AP first)."
          + " Pruning presets: classifier-convs, paper-coco, paper-voc[:base+top+rpn+head],"
          + " backbone-only, all-weights, plus include/exclude patterns. Controls beside a ticket:"
          + " lottery branch --name random-reinit|random-pruning|finetune|early-bird.",
      "Config keys, their types and defaults per task: ticketlab lottery --help-config."
    },
    subcommands = {LotteryCommand.Status.class, LotteryCommand.BranchCommand.class, LotteryCommand.Table.class})
final class LotteryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The experiment (YAML or JSON).")
  Path config;

  @Option(names = "--levels", paramLabel = "K", description = "Run levels 0..K (default: the schedule's last level).")
  Integer levels;

  @Option(names = "--help-config", help = true,
      description = "List every config key with its type, default per task and meaning, and exit.")
  boolean helpConfig;

  @Mixin ExperimentOptions run;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws IOException {
    if (helpConfig) {
      spec.commandLine().getOut().print(ConfigHelp.text());
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (config == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
    }
    Experiment e = Experiment.read(config);
    List<LotteryRunner.LevelOutcome> outcomes =
        LotteryRunner.run(e, run.root, levels, run.replicates, run.waitForOwner, progress.stream());
    PrintWriter out = spec.commandLine().getOut();
    out.printf("run folder %s%n", e.layout(run.root).runDir());
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
      for (ReplicateSummary s : ReplicateSummary.of(outcomes)) {
        out.printf(Locale.ROOT, "  level %d: network sparsity %.2f%%, %s %s%n", s.level(), s.networkSparsityPercent(),
            names.get(0), s.count() == 0 ? "-"
                : String.format(Locale.ROOT, "%.4f ± %.4f (%d)", s.metricMean(), s.metricStd(), s.count()));
      }
    }
    out.flush();
    return 0;
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
          + " the rewind iteration to the end. early-bird: the mask of level 0's weights at --fraction of"
          + " training (one of the config's early_bird fractions), rewound and trained like the ticket; its"
          + " IoU with the ticket's mask is recorded. Results go to level_<k>/branch_<name>.")
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

    @Option(names = "--wait", description = "If another process runs this experiment, wait for it, then continue.")
    boolean waitForOwner;

    @Mixin ProgressOption progress;

    @Override
    public Integer call() throws IOException {
      LotteryRunner.Branch branch = LotteryRunner.Branch.parse(name);
      LotteryRunner.LevelOutcome o = LotteryRunner.runBranch(
          Experiment.read(config), root, replicate, level, branch, fraction, waitForOwner, progress.stream());
      PrintWriter out = spec.commandLine().getOut();
      StringBuilder metrics = new StringBuilder();
      o.metricNames().forEach(n -> metrics.append(", ").append(label(n)).append(' ').append(fmt(o.metrics().get(n))));
      out.printf(Locale.ROOT, "branch %s of level %d (replicate %d): prune %.2f%%, network sparsity %.2f%%%s%s%n",
          branch.id(), o.level(), o.replicate(), o.prunePercent(), o.networkSparsityPercent(), metrics,
          o.alreadyDone() ? " (done before)" : "");
      out.printf("folder %s%n", o.folder());
      Path iou = ExperimentLayout.maskIou(o.folder());
      if (Files.exists(iou)) {
        out.printf("early-bird mask: %s%n", Files.readString(iou).strip().replaceAll("\\s+", " "));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab lottery status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      header = "What is done, running or left in the lottery runs under a root folder, and where each level ran.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Root folder (default: ${DEFAULT-VALUE}).")
    Path root;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      List<LotteryStatus.ExperimentState> experiments = LotteryStatus.of(root);
      if (experiments.isEmpty()) { // a wrong --root, most likely: say so rather than print nothing
        out.printf("no experiments (lottery_<id> folders) under %s%n", root);
      }
      for (LotteryStatus.ExperimentState x : experiments) {
        out.print(x.layout().runDir().getFileName());
        out.print(x.legacy() ? "  (written by TicketLab 0.1: not continued by this version)" : "");
        out.println(x.lockHolder().isEmpty() ? "" : "  (lock: " + x.lockHolder() + ")");
        for (LotteryStatus.Level l : x.levels()) {
          String state = switch (l.state()) {
            case DONE -> String.format(Locale.ROOT, "done: prune %.2f%%, network sparsity %.2f%%, %s %s",
                l.record().prunePercent(), l.record().networkSparsityPercent(), label(l.record().metricName()),
                fmt(l.record().mainMetric()));
            case IN_PROGRESS -> "in progress (latest checkpoint at iteration " + l.latestCheckpoint() + ")";
            case STARTED -> "started";
          };
          out.printf("  %s: %s%n", l.folder().name(), state);
          Provenance.Session s = l.lastSession();
          if (s != null) {
            out.printf("    %s %s on %s (%s, %d threads, oneDNN %s), started %s%s%n", "ticketlab " + s.ticketlab(),
                s.gitCommit() == null ? "" : s.gitCommit().substring(0, Math.min(12, s.gitCommit().length())),
                s.host(), String.join(",", s.devices()), s.threads(), s.onednnIsa(), s.started(),
                s.finished() == null ? ", not finished" : ", finished " + s.finished());
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code ticketlab lottery table}: the paper's transfer tables from finished runs. */
  @Command(name = "table", mixinStandardHelpOptions = true,
      header = "The paper's tables (Tables 1-2 and 4, supplementary Tables 1-2) from the finished runs under some roots.",
      description = {"One table per task: the dense network, then for each prune %% direct pruning beside its"
          + " controls, ImageNet ticket, mask transfer and cross-task transfers, with network sparsity and"
          + " AP/AP50 per IoU type (top-1/top-5 for classifiers) in %%, mean ± std over replicates."
          + " Unreadable records are left out with a warning; ticketlab report draws the same numbers."})
  static final class Table implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "DIR",
        description = "A folder of experiments (the --root of ticketlab lottery); repeatable.")
    java.util.List<Path> roots;

    @Option(names = "--format", defaultValue = "markdown", paramLabel = "markdown|csv|json",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the tables to FILE instead of the console.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (!java.util.List.of("markdown", "csv", "json").contains(format)) {
        throw io.ticketlab.common.BadInputException.of(null, null, "--format", format, "must be markdown, csv or json");
      }
      if (out != null) {
        io.ticketlab.common.InputFiles.requireWritableFile(out);
      }
      io.ticketlab.report.ReportInput input = io.ticketlab.lottery.RunIndex.scan(roots);
      java.util.List<io.ticketlab.report.PaperTable> tables = io.ticketlab.report.PaperTable.of(input.levels());
      String text = switch (format) {
        case "csv" -> io.ticketlab.report.PaperTable.csv(tables);
        case "json" -> io.ticketlab.report.PaperTable.json(tables);
        default -> io.ticketlab.report.PaperTable.markdown(tables);
      };
      PrintWriter err = spec.commandLine().getErr();
      input.unreadable().forEach(u -> err.println("warning: left out: " + u));
      err.flush();
      if (out != null) {
        io.ticketlab.common.AtomicFiles.writeString(out, text);
        spec.commandLine().getOut().printf("wrote %s (%d tables)%n", out, tables.size());
      } else {
        spec.commandLine().getOut().print(text);
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
