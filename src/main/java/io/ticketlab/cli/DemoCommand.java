package io.ticketlab.cli;

import io.ticketlab.demo.Demo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ticketlab demo}: the paper's experiment in miniature, from nothing, in one command. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    header = "Find a lottery ticket in a detector, from nothing: data, dense model, 80%% ticket, control.",
    description = {
      "Writes synthetic COCO-format shapes (600 training, 100 validation images), trains a small"
          + " ResNet-18-FPN Faster R-CNN (level 0), prunes 80%% of its weights by global magnitude,"
          + " rewinds the rest to iteration 100 and retrains (level 1: the ticket), and trains the"
          + " random-pruning control at the same sparsity; prints COCO AP of the three. About ten"
          + " minutes on two cores. Everything lands in --out; running the command again resumes"
          + " or reuses what is done."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "ticketlab-demo", paramLabel = "DIR",
      description = "Folder of the data, the experiment and its runs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A tiny smoke run of the same pipeline (seconds; its numbers mean nothing).")
  boolean quick;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws IOException {
    List<Demo.Row> rows = Demo.run(out, quick ? Demo.Size.quick() : Demo.Size.full(), progress.stream());
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf("%-40s %9s %9s %9s %11s%n", "Faster R-CNN R18-FPN, synthetic shapes", "sparsity", "bbox AP", "AP50",
        "on disk");
    for (Demo.Row r : rows) {
      pw.printf(Locale.ROOT, "%-40s %8.1f%% %9s %9s %11s%n", r.name(), r.sparsityPercent(), fmt(r.ap()), fmt(r.ap50()),
          mb(r.sparseBytes()));
    }
    pw.printf(Locale.ROOT, "on disk: final weights in the lossless entropy-coded sparse format (%s dense float32;"
        + " ticketlab size for all formats)%n", mb(rows.get(0).denseBytes()));
    pw.printf("experiment %s, runs in %s (metrics.csv, validation.csv, eval.json, masks per level)%n",
        out.resolve("experiment.yaml"), out.resolve("runs"));
    pw.printf("the same by hand: ticketlab lottery --config %s --root %s; other controls: ticketlab lottery branch --help%n",
        out.resolve("experiment.yaml"), out.resolve("runs"));
    pw.flush();
    return 0;
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
