package io.ticketlab.cli;

import io.ticketlab.demo.Demo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ticketlab demo}: the paper's story in miniature, from nothing, in one command. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    header = "Lottery tickets in Mask R-CNN, from nothing: dense, 80%% ticket, control, transfers, report.",
    description = {
      "Writes synthetic COCO-format shapes (600 training, 100 validation images) and crops of them, then"
          + " runs, each as an ordinary experiment in --out/runs: a ResNet-18 classifier on the crops, playing"
          + " ImageNet's part (dense: the pretrained backbone; its 80%% ticket: the \"ImageNet ticket\"); a small"
          + " ResNet-18-FPN Mask R-CNN whose backbone starts from the classifier, trained densely (level 0); its"
          + " 80%% ticket by layer-wise magnitude pruning rewound to an early iteration (level 1); the random-pruning"
          + " control at the same sparsity; the ImageNet ticket in the detector's backbone, fine-tuned with its"
          + " mask fixed; mask transfer of the classifier's largest 20%% of backbone weights; then ticketlab"
          + " report over all of it (--out/report.html). Prints the summary (COCO bbox and segm AP of each, MACs,"
          + " weights on disk). About 14 minutes on two Intel Xeon cores, over 20 on AMD EPYC ones whose AVX-512"
          + " kernels TicketLab cannot use (--quick: under a minute); running the command again resumes what was"
          + " interrupted and reuses what is done."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "ticketlab-demo", paramLabel = "DIR",
      description = "Folder of the data, the experiments, their runs and the report (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A tiny smoke run of the same pipeline (under a minute; its numbers mean"
      + " nothing).")
  boolean quick;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws IOException {
    Demo.Size size = quick ? Demo.Size.quick() : Demo.Size.standard();
    Demo.Result result = Demo.run(out, size, progress.stream());
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf("%-38s %7s %9s %9s %8s %6s %8s %6s %7s %9s%n", "Mask R-CNN R18-FPN, synthetic shapes", "prune", "sparsity",
        "backbone", "bbox AP", "AP50", "segm AP", "AP50", "GMACs", "on disk");
    for (Demo.Row r : result.rows()) {
      pw.printf(Locale.ROOT, "%-38s %6.1f%% %8.1f%% %8.1f%% %8s %6s %8s %6s %7s %9s%n", r.name(), r.prunePercent(),
          r.sparsityPercent(), r.backbonePercent(), fmt(r.metric("bbox/AP")), fmt(r.metric("bbox/AP50")), fmt(r.metric("segm/AP")),
          fmt(r.metric("segm/AP50")), r.sparseMacs() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.sparseMacs() / 1e9),
          mb(r.sparseBytes()));
    }
    pw.printf(Locale.ROOT, "prune: zeros in the pruned weights (direct pruning: the paper-coco set, backbone, FPN, RPN and head weights but"
        + " shortcut convs and output layers; transfers: the backbone's stem and block convs); sparsity: zeros over all"
        + " parameters; backbone: zeros in the backbone's stem and block convs (compare the transfers with direct"
        + " pruning here)%n");
    pw.printf(Locale.ROOT, "on disk: final weights in the lossless entropy-coded sparse format (%s dense float32;"
        + " ticketlab size for all formats)%n", mb(result.rows().get(0).denseBytes()));
    Demo.Row dense = result.rows().get(0);
    Demo.Row ticket = result.rows().get(1);
    if (dense.sparseMacs() > 0 && ticket.sparseMacs() > 0) {
      double disk = (double) dense.sparseBytes() / ticket.sparseBytes();
      double macs = (double) dense.sparseMacs() / ticket.sparseMacs();
      pw.printf(Locale.ROOT, "GMACs: multiply-accumulates per %s image skipping zero weights (%.2f dense, torchvision's"
          + " 1000 test proposals); the 80%% ticket: %.1fx smaller on disk, %.1fx fewer MACs%s%n", Demo.imageSide(),
          dense.denseMacs() / 1e9, disk, macs, macs < disk ? "" : " (layer-wise pruning keeps 20% of every pruned layer,"
              + " the early high-resolution ones too, so MACs fall with the weights; the paper's global threshold keeps"
              + " more of them)");
    }
    if (!size.meaningful()) {
      pw.println("--quick: a smoke test on a handful of images and iterations; these numbers mean nothing");
    }
    pw.printf("report: %s%s%n", result.report(), result.warnings() == 0 ? ""
        : " (" + result.warnings() + " runs left out, listed in it)");
    pw.println(openHint(result.report()));
    pw.printf("experiments: %s/*.yaml, runs in %s; the same by hand: ticketlab lottery --config %s --root %s%n", out,
        out.resolve("runs"), out.resolve("mask-rcnn.yaml"), out.resolve("runs"));
    pw.flush();
    return 0;
  }

  /** How to open the report: with the desktop's opener when there is a desktop, else from another machine. */
  static String openHint(Path report) {
    boolean desktop = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    String uri = report.toAbsolutePath().toUri().toString();
    if (desktop && onPath("xdg-open")) {
      return "open it: xdg-open " + report;
    }
    if (desktop && onPath("open")) {
      return "open it: open " + report;
    }
    return "open it in a browser: " + uri + " (no desktop here: copy " + report + " and its -files folder to a"
        + " machine with one; the page loads nothing from the network)";
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
