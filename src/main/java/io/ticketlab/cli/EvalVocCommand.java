package io.ticketlab.cli;

import io.ticketlab.data.voc.VocDataset;
import io.ticketlab.data.voc.VocReader;
import io.ticketlab.eval.voc.VocEvaluation;
import io.ticketlab.eval.voc.VocEvaluator;
import io.ticketlab.eval.voc.VocMetric;
import io.ticketlab.eval.voc.VocReplicates;
import io.ticketlab.eval.voc.VocReport;
import io.ticketlab.eval.voc.VocResultsReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab eval voc}: Pascal VOC AP of one or more results files (replicates). */
@Command(
    name = "voc",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Pascal VOC AP per class and mAP of detections on a VOC split, as the VOC devkit computes"
          + " them. Several results files (replicates, e.g. seeds) give mean ± std."
    })
final class EvalVocCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--voc-root", required = true, paramLabel = "DIR",
      description = "A VOC year folder (e.g. VOCdevkit/VOC2007) with Annotations/ and ImageSets/.")
  Path vocRoot;

  @Option(names = "--split", defaultValue = "test", paramLabel = "NAME",
      description = "Image set of ImageSets/Main (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--results", required = true, arity = "1..*", paramLabel = "RES.json",
      description = "COCO-style results files (image_id: VOC id or position in the split).")
  List<Path> results;

  @Option(names = "--metric", defaultValue = "07", paramLabel = "07|12",
      description = "07: VOC2007 11-point AP; 12: VOC2010+ all-point AP (default: ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Override
  public Integer call() {
    VocMetric m;
    try {
      m = VocMetric.parse(metric);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--metric: bad value " + metric + ": expected 07 or 12");
    }
    VocDataset voc = VocReader.readSplit(vocRoot, split);
    List<VocEvaluation> evaluations = new ArrayList<>();
    for (Path file : results) {
      evaluations.add(VocEvaluator.evaluate(voc, VocResultsReader.read(file, voc), m));
    }
    VocReplicates replicates = VocReplicates.of(evaluations);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? VocReport.json(replicates) + System.lineSeparator() : VocReport.table(replicates));
    out.flush();
    return 0;
  }
}
