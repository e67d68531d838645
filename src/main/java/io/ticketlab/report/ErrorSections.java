package io.ticketlab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The report's error-analysis sections over {@link ReportInput#analyses()}, dense network against the sparsest
 * ticket of each experiment: per-category AP (paper Fig. 5), TIDE's dAP per error type for boxes and masks
 * (supplementary Figs. 2, 3) and coco-analyze's keypoint errors (supplementary Fig. 5). Each is a table of
 * items × (dense, each kind at the highest level, its Δ from dense), means over replicates, with its CSV.
 */
final class ErrorSections {
  /** TIDE's AP and main error types, in tidecv's order. */
  private static final List<String> TIDE_ROWS = List.of("AP50", "Cls", "Loc", "Both", "Dupe", "Bkg", "Miss");
  /** The keypoint errors of supplementary Fig. 5, as AP gains, then the share of each keypoint class. */
  private static final List<String> KEYPOINT_ROWS = List.of("jitter", "inversion", "swap", "miss", "share/jitter",
      "share/inversion", "share/swap", "share/miss");

  /** The dense network first, then the sparse columns. */
  private static final String[] COLORS = {"#555555", "#1f4e79", "#e07b00", "#8b1e3f", "#6a5acd", "#2e8b57",
    "#b8860b", "#008b8b"};

  private ErrorSections() {}

  /** A column of a comparison: one kind at one level of an experiment, over its replicates. */
  private record Column(String label, int level, String kind, boolean dense, List<ReportInput.LevelAnalysis> members) {}

  /** Appends the sections' heading, tables and "not run" box to {@code body}, their CSV to {@code files}. */
  static void append(ReportInput input, StringBuilder body, Map<String, String> files) {
    body.append("<h2 id=\"errors\">Error analysis: dense vs sparse</h2>\n");
    if (input.analyses().isEmpty()) {
      String root = input.roots().isEmpty() ? "ROOT" : input.roots().get(0);
      body.append("<p class=\"notrun\">Not run: no compared detector level (level 0 and the highest level of an"
          + " experiment) has a readable results.json, so per-category AP, TIDE errors and keypoint errors are not"
          + " shown. The final validation of <code>").append(Html.escape("ticketlab lottery --config CONFIG --root "
              + root)).append("</code> writes results.json beside eval.json when the config has <code>data.val"
          + "</code>; unreadable ones are listed under \"Runs not in the report\".</p>\n");
      return;
    }
    Map<String, Map<String, List<ReportInput.LevelAnalysis>>> byTask = new TreeMap<>();
    input.analyses().forEach(a -> byTask.computeIfAbsent(a.task(), t -> new TreeMap<>())
        .computeIfAbsent(a.experiment(), e -> new ArrayList<>()).add(a));
    body.append("<h3 id=\"categories\">AP per category</h3>\n");
    forEach(byTask, (task, experiment, columns) -> {
      Set<String> iouTypes = new LinkedHashSet<>();
      columns.forEach(c -> c.members().forEach(a -> iouTypes.addAll(a.categoryAp().keySet())));
      for (String iou : iouTypes) {
        Set<String> categories = new LinkedHashSet<>();
        columns.forEach(c -> c.members().forEach(a -> categories.addAll(a.categoryAp().getOrDefault(iou, Map.of())
            .keySet())));
        table("categories-" + task + "-" + iou + "-" + experiment, HtmlReport.taskTitle(task) + ", " + iou
            + " AP per category, lottery_" + experiment, "category", List.copyOf(categories), columns,
            (a, c) -> {
              Double v = a.categoryAp().getOrDefault(iou, Map.of()).get(c);
              return v == null || v < 0 ? Double.NaN : 100 * v;
            }, 1, "Look for the categories that lose the most " + iou + " AP (%) from the dense network to the"
                + " sparsest ticket (paper Fig. 5); Δ in AP points, -1 (no ground truth) shown as —.", body, files);
      }
    });
    body.append("<h3 id=\"tide\">TIDE errors</h3>\n");
    forEach(byTask, (task, experiment, columns) -> {
      Set<String> modes = new LinkedHashSet<>();
      columns.forEach(c -> c.members().forEach(a -> modes.addAll(a.tide().keySet())));
      for (String mode : modes) {
        table("tide-" + task + "-" + mode + "-" + experiment, HtmlReport.taskTitle(task) + ", TIDE " + mode
            + " errors, lottery_" + experiment, "error", TIDE_ROWS, columns,
            (a, row) -> a.tide().getOrDefault(mode, Map.of()).getOrDefault(row, Double.NaN), 2,
            "Look for the error types whose dAP grows from the dense network to the sparsest ticket (supplementary"
                + " Figs. 2, 3): AP50 and each main error's dAP in AP points, tidecv 1.0.1's numbers.",
            TIDE_ROWS.subList(1, TIDE_ROWS.size()), "dAP (AP points)", body, files);
      }
    });
    if (byTask.keySet().stream().anyMatch(t -> t.equals("kp"))) {
      body.append("<h3 id=\"keypoint-errors\">Keypoint errors</h3>\n");
      forEach(Map.of("kp", byTask.get("kp")), (task, experiment, columns) -> table("keypoint-errors-" + experiment,
          HtmlReport.taskTitle(task) + ", keypoint errors, lottery_" + experiment, "error", KEYPOINT_ROWS, columns,
          (a, row) -> a.keypointErrors().containsKey(row)
              ? (row.startsWith("share/") ? 1 : 100) * a.keypointErrors().get(row) : Double.NaN, 2,
          "Look for the keypoint errors that cost the sparse ticket more AP than the dense network (supplementary"
              + " Fig. 5): AP points gained by fixing each error alone (OKS .50:.95, area all), then the % of"
              + " analysed keypoints of each class.", KEYPOINT_ROWS.subList(0, 4), "AP gain (AP points)", body, files));
    }
  }

  private interface TableMaker {
    void make(String task, String experiment, List<Column> columns);
  }

  private static void forEach(Map<String, Map<String, List<ReportInput.LevelAnalysis>>> byTask, TableMaker maker) {
    new TreeMap<>(byTask).forEach((task, experiments) ->
        experiments.forEach((experiment, analyses) -> maker.make(task, experiment, columns(analyses))));
  }

  /** The dense column first, then each kind at the highest level (direct pruning first). */
  private static List<Column> columns(List<ReportInput.LevelAnalysis> analyses) {
    Map<List<Object>, List<ReportInput.LevelAnalysis>> groups = new LinkedHashMap<>();
    for (ReportInput.LevelAnalysis a : analyses) {
      groups.computeIfAbsent(List.of(a.kind(), a.level(), dense(a)), k -> new ArrayList<>()).add(a);
    }
    List<Column> columns = new ArrayList<>();
    groups.forEach((k, members) -> {
      ReportInput.LevelAnalysis a = members.get(0);
      boolean dense = dense(a);
      String label = dense ? "dense"
          : a.kind().equals(ReportInput.DIRECT) ? "direct pruning level " + a.level() : a.kind() + " level " + a.level();
      List<ReportInput.LevelAnalysis> sorted = new ArrayList<>(members);
      sorted.sort(Comparator.comparingInt(ReportInput.LevelAnalysis::replicate));
      columns.add(new Column(label, a.level(), a.kind(), dense, sorted));
    });
    columns.sort(Comparator.comparing((Column c) -> !c.dense()).thenComparing(Column::kind, HtmlReport::compareKinds)
        .thenComparingInt(Column::level));
    return columns;
  }

  private static boolean dense(ReportInput.LevelAnalysis a) {
    return a.level() == 0 && a.folder().endsWith("/main");
  }

  private static void table(String id, String title, String item, List<String> rows, List<Column> columns,
      BiFunction<ReportInput.LevelAnalysis, String, Double> value, int decimals, String lookFor, StringBuilder body,
      Map<String, String> files) {
    table(id, title, item, rows, columns, value, decimals, lookFor, List.of(), null, body, files);
  }

  /** A comparison table, drawn first as grouped bars of {@code plotted} (its rows) when that is not empty. */
  private static void table(String id, String title, String item, List<String> rows, List<Column> columns,
      BiFunction<ReportInput.LevelAnalysis, String, Double> value, int decimals, String lookFor, List<String> plotted,
      String yLabel, StringBuilder body, Map<String, String> files) {
    String file = "table-" + id + ".csv";
    Column dense = columns.stream().filter(Column::dense).findFirst().orElse(null);
    List<String> runs = new ArrayList<>();
    for (Column c : columns) {
      runs.add(c.label() + " (" + c.members().size() + (c.members().size() == 1 ? " replicate, " : " replicates, ")
          + fixed(HtmlReport.mean(c.members().stream()
              .mapToDouble(ReportInput.LevelAnalysis::networkSparsityPercent).toArray()), 1) + "% sparse)");
    }
    body.append("<section class=\"table\" id=\"").append(Html.escape(id)).append("\">\n<h4>").append(Html.escape(title))
        .append("</h4>\n<p class=\"caption\">").append(Html.escape(lookFor + " Runs: lottery_"
            + columns.get(0).members().get(0).experiment() + ": " + String.join(", ", runs) + ", each level's"
            + " results.json. Data: " + file + "."))
        .append("</p>\n");
    if (!plotted.isEmpty()) {
      List<SvgBars.Series> bars = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        Column c = columns.get(i);
        bars.add(new SvgBars.Series(c.label(), COLORS[i % COLORS.length],
            plotted.stream().mapToDouble(row -> mean(c, row, value)).toArray()));
      }
      body.append("<figure id=\"figure-").append(Html.escape(id)).append("\">\n")
          .append(SvgBars.render(title, yLabel, plotted, bars)).append("</figure>\n");
    }
    body.append("<table>\n<thead><tr><th>").append(Html.escape(item)).append("</th>");
    StringBuilder csv = new StringBuilder(item);
    for (Column c : columns) {
      body.append("<th>").append(Html.escape(c.label())).append("</th>");
      csv.append(',').append(Html.csv(c.label()));
      if (dense != null && !c.dense()) {
        body.append("<th>Δ</th>");
        csv.append(',').append(Html.csv(c.label() + " change"));
      }
    }
    body.append("</tr></thead>\n<tbody>\n");
    csv.append('\n');
    for (String row : rows) {
      double d = dense == null ? Double.NaN : mean(dense, row, value);
      body.append("<tr><td>").append(Html.escape(row)).append("</td>");
      csv.append(Html.csv(row));
      for (Column c : columns) {
        double v = mean(c, row, value);
        body.append("<td data-column=\"").append(Html.escape(c.label())).append("\">").append(fixed(v, decimals))
            .append("</td>");
        csv.append(',').append(Double.isNaN(v) ? "" : SvgPlot.number(v));
        if (dense != null && !c.dense()) {
          double change = v - d;
          body.append("<td data-change=\"").append(Html.escape(c.label())).append("\">")
              .append(Double.isNaN(change) ? "—" : String.format(Locale.ROOT, "%+." + decimals + "f", change))
              .append("</td>");
          csv.append(',').append(Double.isNaN(change) ? "" : SvgPlot.number(change));
        }
      }
      body.append("</tr>\n");
      csv.append('\n');
    }
    body.append("</tbody>\n</table>\n</section>\n");
    files.put(file, csv.toString());
  }

  /** The mean over a column's replicates of the values that are defined; NaN when none is. */
  private static double mean(Column c, String row, BiFunction<ReportInput.LevelAnalysis, String, Double> value) {
    return HtmlReport.mean(c.members().stream().mapToDouble(a -> value.apply(a, row)).filter(v -> !Double.isNaN(v))
        .toArray());
  }

  private static String fixed(double v, int decimals) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
