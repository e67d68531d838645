package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ticketlab analyze}: the parent of the error-analysis commands (TIDE, keypoints). */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {"Analyse the errors of one or more models: TIDE for boxes and masks,"
        + " coco-analyze's keypoint errors; tables, JSON and comparison figures."},
    commandListHeading = "%nCommands:%n",
    subcommands = {AnalyzeTideCommand.class, AnalyzeKeypointsCommand.class})
final class AnalyzeCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "an analyze command is required");
  }

  /** The labels of the models: the given ones, or the results files' names without extension. */
  static List<String> labels(CommandLine cmd, List<Path> results, List<String> given) {
    if (given != null && !given.isEmpty() && given.size() != results.size()) {
      throw new CommandLine.ParameterException(cmd, "--label: " + given.size()
          + " labels for " + results.size() + " results files (give one per --results)");
    }
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      if (given != null && !given.isEmpty()) {
        labels.add(given.get(i));
      } else {
        String name = results.get(i).getFileName().toString();
        int dot = name.lastIndexOf('.');
        labels.add(dot > 0 ? name.substring(0, dot) : name);
      }
    }
    return labels;
  }

  /** Names the file of an analysis error that names only its record. */
  static BadInputException inFile(BadInputException e, Path groundTruth, Path results) {
    String m = e.getMessage();
    if (m.startsWith("annotations") || m.startsWith("categories") || m.startsWith("images")) {
      return new BadInputException(groundTruth + ": " + m, e);
    }
    if (m.startsWith("results")) {
      return new BadInputException(results + ": " + m.substring("results".length()), e);
    }
    return e;
  }

  /** A file-name-safe form of a label. */
  static String slug(String label) {
    String s = label.replaceAll("[^A-Za-z0-9._-]+", "_");
    return s.isEmpty() ? "model" : s;
  }
}
