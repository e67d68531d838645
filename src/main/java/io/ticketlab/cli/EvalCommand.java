package io.ticketlab.cli;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.InputFiles;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.EvaluationJson;
import io.ticketlab.eval.coco.IouType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab eval}: COCO evaluation of a results file, with pycocotools' numbers. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    header = "Evaluate COCO boxes, masks or keypoints (equal to pycocotools) or VOC detections.",
    subcommands = {EvalVocCommand.class},
    sortOptions = false,
    description = {
      "Evaluate COCO detections (boxes, masks or keypoints) against a ground-truth file and print"
          + " pycocotools' summary table. The numbers equal pycocotools 2.0.11's.",
      "With --json, print one JSON object {\"iouType\", \"stats\", \"perCategory\"} instead."
    })
final class EvalCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--gt", paramLabel = "GT.json", description = "COCO ground-truth file.")
  Path groundTruth;

  @Option(names = "--results", paramLabel = "RES.json", description = "COCO results file.")
  Path results;

  @Option(
      names = "--iou",
      paramLabel = "TYPE",
      defaultValue = "bbox",
      description = "What to compare: bbox, segm or keypoints (default: ${DEFAULT-VALUE}).")
  String iou;

  @Option(
      names = "--pop-bbox",
      description = "segm only: ignore the results' boxes so that result areas come from the masks"
          + " (what detectron2 does); by default, as pycocotools, a box gives the area w*h.")
  boolean popBbox;

  @Option(names = "--per-category", description = "Also print AP per category.")
  boolean perCategory;

  @Option(
      names = "--lenient",
      description = "Drop ground truth that names an image or category the file does not list, and"
          + " records with duplicate ids, with a warning that counts them (pycocotools drops them"
          + " silently); by default such a file is refused.")
  boolean lenient;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also write the JSON object to FILE (atomically).")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (groundTruth == null || results == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--gt and --results are required");
    }
    IouType type;
    try {
      type = IouType.parse(iou);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--iou: bad value " + iou + ": expected bbox, segm or keypoints");
    }
    if (out != null) {
      InputFiles.requireWritableFile(out);
    }
    PrintWriter stderr = spec.commandLine().getErr();
    Evaluation evaluation = CocoEvaluator.evaluate(
        groundTruth, results, EvalParams.defaults(type).withPopBbox(popBbox),
        lenient ? warning -> stderr.println("eval: warning: " + warning) : null);
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(EvaluationJson.toString(evaluation, false));
    } else {
      stdout.print(evaluation.summary());
      if (perCategory) {
        stdout.println();
        stdout.print(EvaluationJson.perCategoryTable(evaluation));
      }
    }
    stdout.flush();
    if (out != null) {
      AtomicFiles.writeString(out, EvaluationJson.toString(evaluation, true) + "\n");
    }
    return 0;
  }
}
