package io.ticketlab.cli;

import io.ticketlab.analysis.keypoints.KeypointAnalysis;
import io.ticketlab.analysis.keypoints.KeypointAnalysisResult;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.InputFiles;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.report.AnalysisJson;
import io.ticketlab.report.KeypointFigures;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab analyze keypoints}: coco-analyze's keypoint errors of one or more models. */
@Command(
    name = "keypoints",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Keypoint error analysis (Ronchi & Perona, ICCV 2017) with coco-analyze's numbers: AP after"
          + " fixing miss, swap, inversion, jitter, score, background FP and FN cumulatively and"
          + " alone (mean over OKS .50:.95, area all, 0-1 scale), keypoint error counts.",
      "With --json, print {\"models\": [{\"label\", \"cumulative\", \"isolated\", \"counts\"}]}."
    })
final class AnalyzeKeypointsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--gt", paramLabel = "GT.json", required = true,
      description = "COCO person-keypoints ground-truth file.")
  Path groundTruth;

  @Option(names = "--results", paramLabel = "RES.json", required = true,
      description = "COCO keypoint results file of a model; repeat to compare models.")
  List<Path> results;

  @Option(names = "--label", paramLabel = "NAME",
      description = "Name of each model, in --results order (default: the file names).")
  List<String> labels;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write the figures (PNG and SVG) to DIR.")
  Path out;

  @Option(names = "--lenient",
      description = "Drop ground truth with unknown image/category ids or duplicate ids, with a"
          + " warning that counts them (by default such a file is refused).")
  boolean lenient;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    List<String> names = AnalyzeCommand.labels(cmd, results, labels);
    if (out != null) {
      InputFiles.requireOutputFolder(out);
    }
    CocoDataset gt = CocoReader.readDataset(groundTruth,
        lenient ? w -> cmd.getErr().println("analyze: warning: " + w) : null);
    List<KeypointAnalysisResult> analyses = new ArrayList<>();
    for (Path file : results) {
      List<CocoResult> dets = CocoReader.readResults(file, gt);
      try {
        analyses.add(KeypointAnalysis.analyze(gt, dets));
      } catch (BadInputException e) {
        throw AnalyzeCommand.inFile(e, groundTruth, file);
      }
    }
    PrintWriter stdout = cmd.getOut();
    stdout.print(json ? AnalysisJson.keypoints(names, analyses, false) + "\n"
        : AnalysisJson.keypointTable(names, analyses));
    if (out != null) {
      List<Path> written = new ArrayList<>();
      for (int m = 0; m < analyses.size(); m++) {
        written.addAll(KeypointFigures.breakdown(names.get(m), analyses.get(m))
            .saveBoth(out, "keypoints_" + AnalyzeCommand.slug(names.get(m))));
      }
      if (analyses.size() > 1) {
        written.addAll(KeypointFigures.comparison(names, analyses)
            .saveBoth(out, "keypoints_comparison"));
      }
      if (!json) {
        written.forEach(p -> stdout.println("wrote " + p));
      }
    }
    stdout.flush();
    return 0;
  }
}
