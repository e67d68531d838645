package io.ticketlab.cli;

import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.InputFiles;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.report.AnalysisJson;
import io.ticketlab.report.TideFigures;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab analyze tide}: TIDE errors of one or more models, tidecv 1.0.1's numbers. */
@Command(
    name = "tide",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "TIDE error analysis (Bolya et al., ECCV 2020) with tidecv 1.0.1's numbers: dAP of the"
          + " main errors Cls, Loc, Both, Dupe, Bkg, Miss and of the special FalsePos/FalseNeg,"
          + " on the 0-100 scale.",
      "With --json, print {\"models\": [{\"label\", \"AP50\", \"main\", \"special\", \"counts\"}]}."
    })
final class AnalyzeTideCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--gt", paramLabel = "GT.json", required = true,
      description = "COCO ground-truth file.")
  Path groundTruth;

  @Option(names = "--results", paramLabel = "RES.json", required = true,
      description = "COCO results file of a model; repeat to compare models.")
  List<Path> results;

  @Option(names = "--label", paramLabel = "NAME",
      description = "Name of each model, in --results order (default: the file names).")
  List<String> labels;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "bbox",
      description = "bbox or mask (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--pos-threshold", paramLabel = "IOU", defaultValue = "0.5",
      description = "Foreground IoU threshold (default: ${DEFAULT-VALUE}).")
  double foreground;

  @Option(names = "--bg-threshold", paramLabel = "IOU", defaultValue = "0.1",
      description = "Background IoU threshold (default: ${DEFAULT-VALUE}).")
  double background;

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
    TideMode tideMode = switch (mode.toLowerCase(Locale.ROOT)) {
      case "bbox" -> TideMode.BBOX;
      case "mask", "segm" -> TideMode.MASK;
      default -> throw new CommandLine.ParameterException(cmd,
          "--mode: bad value " + mode + ": expected bbox or mask");
    };
    TideSettings settings;
    try {
      settings = TideSettings.defaults(tideMode).withThresholds(foreground, background);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
    List<String> names = AnalyzeCommand.labels(cmd, results, labels);
    if (out != null) {
      InputFiles.requireOutputFolder(out);
    }
    CocoDataset gt = CocoReader.readDataset(groundTruth,
        lenient ? w -> cmd.getErr().println("analyze: warning: " + w) : null);
    List<TideResult> analyses = new ArrayList<>();
    for (Path file : results) {
      List<CocoResult> dets = CocoReader.readResults(file, gt);
      try {
        analyses.add(Tide.analyze(gt, dets, settings));
      } catch (BadInputException e) {
        throw AnalyzeCommand.inFile(e, groundTruth, file);
      }
    }
    PrintWriter stdout = cmd.getOut();
    stdout.print(json ? AnalysisJson.tide(names, analyses, false) + "\n"
        : AnalysisJson.tideTable(names, analyses));
    if (out != null) {
      List<Path> written = new ArrayList<>();
      for (int m = 0; m < analyses.size(); m++) {
        written.addAll(TideFigures.summary(names.get(m), analyses.get(m))
            .saveBoth(out, "tide_" + AnalyzeCommand.slug(names.get(m))));
      }
      if (analyses.size() > 1) {
        written.addAll(TideFigures.comparison(names, analyses).saveBoth(out, "tide_comparison"));
      }
      if (!json) {
        written.forEach(p -> stdout.println("wrote " + p));
      }
    }
    stdout.flush();
    return 0;
  }
}
