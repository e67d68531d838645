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
          + " weights on disk). About 12 minutes on two AMD EPYC cores, 14 on two Intel Xeon ones (--quick: under a"
          + " minute); running the command again resumes what was interrupted and reuses what is done."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "ticketlab-demo", paramLabel = "DIR",
      description = "Folder of the data, the experiments, their runs and the report (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "A tiny smoke run of the same pipeline (under a minute; its numbers mean"
      + " nothing).")
  boolean quick;

  @Option(names = "--full", description = "The rest of the paper's story as well (docs/demo.md; at most 84 minutes on two"
      + " AMD EPYC cores, measured with their slower AVX2 kernels): a second replicate of the main arms (mean ± std), one-shot tickets at 50%%"
      + " and 90%%, an iterative one to 90%% in three rounds, a global-threshold ticket, an early-bird ticket,"
      + " Keypoint R-CNN dense and its ticket, cross-task tickets both ways. Continues a plain demo's folder; with"
      + " --quick, the same on a handful of images.")
  boolean full;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws IOException {
    Demo.Size size = quick ? Demo.Size.quick() : Demo.Size.standard();
    if (full) {
      size = size.withFull();
    }
    Demo.Result result = Demo.run(out, size, progress.stream());
    PrintWriter pw = spec.commandLine().getOut();
    List<Demo.Line> lines = Demo.lines(result.rows());
    boolean spread = lines.stream().anyMatch(l -> l.replicates() > 1);
    table(pw, "Mask R-CNN R18-FPN, synthetic shapes", "segm", lines.stream().filter(l -> l.task().equals("seg")).toList(),
        spread);
    List<Demo.Line> kp = lines.stream().filter(l -> l.task().equals("kp")).toList();
    if (!kp.isEmpty()) {
      table(pw, "Keypoint R-CNN R18-FPN, persons", "keypoints", kp, spread);
    }
    if (spread) {
      pw.printf("×2: mean ± standard deviation over 2 replicates (seeds 0 and 1)%n");
    }
    pw.printf(Locale.ROOT, "prune: zeros in the pruned weights (direct pruning: the paper-coco set, backbone, FPN, RPN and head weights but"
        + " shortcut convs and output layers; transfers: the backbone's stem and block convs); sparsity: zeros over all"
        + " parameters; backbone: zeros in the backbone's stem and block convs (compare the transfers with direct"
        + " pruning here)%n");
    pw.printf(Locale.ROOT, "on disk: final weights in the lossless entropy-coded sparse format (%s dense float32;"
        + " ticketlab size for all formats)%n", mb(result.rows().get(0).denseBytes()));
    Demo.Row dense = lines.get(0).first();
    Demo.Row ticket = line(lines, "ticket, direct pruning").first();
    if (dense.sparseMacs() > 0 && ticket.sparseMacs() > 0) {
      double disk = (double) dense.sparseBytes() / ticket.sparseBytes();
      double macs = (double) dense.sparseMacs() / ticket.sparseMacs();
      pw.printf(Locale.ROOT, "GMACs: multiply-accumulates per %s image skipping zero weights (%.2f dense, torchvision's"
          + " 1000 test proposals); the 80%% ticket: %.1fx smaller on disk, %.1fx fewer MACs%s%n", Demo.imageSide(),
          dense.denseMacs() / 1e9, disk, macs, macs < disk ? "" : " (layer-wise pruning keeps 20% of every pruned layer,"
              + " the early high-resolution ones too, so MACs fall with the weights; the paper's global threshold keeps"
              + " more of them)");
    }
    if (!result.findings().isEmpty()) {
      pw.println("the paper's findings (bbox AP50 unless said), read off the rows above; docs/demo.md says why one may"
          + " not show:");
      result.findings().forEach(f -> pw.println("  " + f));
    }
    if (size.full()) {
      ablations(pw, lines);
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

  /** One task's summary table: prune %, sparsities, bbox and a second IoU type's AP, MACs, bytes on disk. */
  private static void table(PrintWriter pw, String title, String iou, List<Demo.Line> lines, boolean spread) {
    int w = spread ? 13 : 8;
    String second = iou.equals("segm") ? "segm AP" : "kp AP";
    pw.printf("%-38s %7s %9s %9s %" + w + "s %" + (w - 2) + "s %" + w + "s %" + (w - 2) + "s %7s %9s%n", title,
        "prune", "sparsity", "backbone", "bbox AP", "AP50", second, "AP50", "GMACs", "on disk");
    for (Demo.Line l : lines) {
      pw.printf(Locale.ROOT, "%-38s %6.1f%% %8.1f%% %8.1f%% %" + w + "s %" + (w - 2) + "s %" + w + "s %" + (w - 2)
              + "s %7s %9s%n", l.name() + (l.replicates() > 1 ? " ×" + l.replicates() : ""), l.prunePercent(),
          l.sparsityPercent(), l.backbonePercent(), fmt(l, "bbox/AP"), fmt(l, "bbox/AP50"), fmt(l, iou + "/AP"),
          fmt(l, iou + "/AP50"), l.sparseMacs() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", l.sparseMacs() / 1e9),
          mb(l.sparseBytes()));
    }
  }

  /** {@code --full}'s ablations in words: one-shot vs iterative, global vs layer-wise, the early-bird mask. */
  private static void ablations(PrintWriter pw, List<Demo.Line> lines) throws IOException {
    Demo.Line oneShot = line(lines, "ticket 90%, one-shot");
    Demo.Line iterative = line(lines, "ticket, iterative round 3");
    Demo.Line layerwise = line(lines, "ticket, direct pruning");
    Demo.Line global = line(lines, "ticket 80%, global threshold");
    Demo.Line early = line(lines, "early-bird ticket");
    pw.printf(Locale.ROOT, "one-shot vs iterative at 90%% (paper Fig. 2d): bbox AP50 %s one-shot, %s after three rounds%n",
        fmt(oneShot, "bbox/AP50"), fmt(iterative, "bbox/AP50"));
    pw.printf(Locale.ROOT, "global vs layer-wise at 80%% (Fig. 2e): bbox AP50 %s global, %s layer-wise; %s vs %s GMACs%n",
        fmt(global, "bbox/AP50"), fmt(layerwise, "bbox/AP50"),
        String.format(Locale.ROOT, "%.2f", global.sparseMacs() / 1e9),
        String.format(Locale.ROOT, "%.2f", layerwise.sparseMacs() / 1e9));
    Double iou = Demo.earlyBirdIou(early.first());
    pw.printf(Locale.ROOT, "early-bird ticket (Fig. 2f): mask from %d%% of dense training, IoU %s with the ticket's mask;"
        + " bbox AP50 %s vs the ticket's %s%n", Math.round(100 * Demo.EARLY_BIRD),
        iou == null ? "-" : String.format(Locale.ROOT, "%.3f", iou), fmt(early, "bbox/AP50"),
        fmt(layerwise, "bbox/AP50"));
  }

  private static Demo.Line line(List<Demo.Line> lines, String name) {
    return lines.stream().filter(l -> l.task().equals("seg") && l.name().equals(name)).findFirst().orElseThrow();
  }

  private static String fmt(Demo.Line l, String metric) {
    Double mean = l.mean(metric);
    if (mean == null) {
      return "-";
    }
    return l.replicates() > 1 ? String.format(Locale.ROOT, "%.3f±%.3f", mean, l.std(metric)) : fmt(mean);
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
