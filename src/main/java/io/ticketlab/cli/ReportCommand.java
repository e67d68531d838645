package io.ticketlab.cli;

import io.ticketlab.common.InputFiles;
import io.ticketlab.lottery.RunIndex;
import io.ticketlab.report.HtmlReport;
import io.ticketlab.report.ReportInput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab report}: the paper's tables and figures over finished runs, as one HTML file. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    header = "One self-contained HTML page of the paper's tables and figures over the experiments under some roots.",
    description = {
      "Reads every lottery_<id> experiment under each --root (level records, spec.json, validation.csv,"
          + " sparsity.json, mask.tlck and each level's final checkpoint) and writes the page (inline SVG figures, no external resources) and the CSV of every table and"
          + " figure in NAME-files/ beside it. Folders still training are listed, not read; unreadable"
          + " records are listed with the reason and counted as warnings (exit 2 when nothing is readable).",
      "The error analyses of the dense and the sparsest detector levels (per-category AP, TIDE, keypoint errors,"
          + " from each level's results.json against data.val) are cached in NAME-files/cache/, keyed by the"
          + " files' SHA-256: a report over unchanged runs recomputes nothing.",
      "The disk sizes and MACs of each checkpoint are cached in ~/.cache/ticketlab/level-costs (or"
          + " $TICKETLAB_CACHE/level-costs), keyed by the checkpoint's path, size and modification time."
    })
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", required = true, paramLabel = "DIR",
      description = "A folder of experiments (the --root of ticketlab lottery); repeatable.")
  List<Path> roots;

  @Option(names = "--out", defaultValue = "report.html", paramLabel = "FILE",
      description = "The page to write (default: ${DEFAULT-VALUE}); its CSV files go to FILE's name + '-files/'.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    InputFiles.requireWritableFile(out); // before the scan writes its cache next to it
    ReportInput input = RunIndex.scan(roots, HtmlReport.filesFolder(out).resolve("cache"));
    HtmlReport report = HtmlReport.of(input);
    report.write(out);
    input.unreadable().forEach(u -> err.println("warning: left out: " + u));
    o.printf("wrote %s and %d files in %s: %d level records, %d still training, %d warnings%n", out,
        report.files().size(), HtmlReport.filesFolder(out), input.levels().size(), input.unfinished().size(),
        input.unreadable().size());
    o.flush();
    err.flush();
    return 0;
  }
}
