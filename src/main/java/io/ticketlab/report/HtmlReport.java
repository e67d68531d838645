package io.ticketlab.report;

import io.ticketlab.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code ticketlab report}: one self-contained HTML page of the paper's tables and figures over
 * finished runs, and the CSV of every table and figure beside it ({@code report.html} +
 * {@code report-files/*.csv}). Figures are inline SVG, styles inline; the page loads nothing.
 *
 * <p>Sections: the paper's table form (prune %, network sparsity %, AP/AP50 per IoU type or
 * top-1/top-5, mean ± population std over replicates), AP vs network sparsity per task (one series
 * per kind of ticket: direct pruning, each control branch, ImageNet ticket, mask transfer; ± std
 * error bars), AP by object size (APs/APm/APl of each level's {@code eval.json} and their change from
 * the dense network, paper Fig. 4), and convergence (validation loss and AP per iteration, from
 * {@code validation.csv}), and the ticket's structure and costs ({@link CostSections}); the other table forms
 * and the ablations are {@link PaperSections}'.
 * Metrics are shown in % (level records hold fractions). The same input gives the same bytes.
 */
public final class HtmlReport {
  /** Metrics of the table: AP and AP50 of every IoU type, top-1 and top-5. */
  private static final Pattern TABLE_METRIC = Pattern.compile("(bbox|segm|keypoints)/AP(50)?|top1|top5");
  /** Main metrics drawn against sparsity: AP of every IoU type, top-1. */
  /** COCO AP of small, medium and large objects of every IoU type (keypoints have no small). */
  private static final Pattern SIZE_METRIC = Pattern.compile("(bbox|segm|keypoints)/AP[sml]");
  private static final Pattern FIGURE_METRIC = Pattern.compile("(bbox|segm|keypoints)/AP|top1");
  private static final List<String> IOU_ORDER = List.of("bbox", "segm", "keypoints", "top1", "top5");
  static final String[] CYCLE = {"#1f4e79", "#e07b00", "#2e8b57", "#8b1e3f", "#6a5acd", "#b8860b",
    "#008b8b", "#555555"};
  /** One colour per kind, the same in every figure. */
  private static final Map<String, String> KIND_COLORS = Map.of(
      ReportInput.DIRECT, "#1f4e79", ReportInput.IMAGENET_TICKET, "#e07b00", ReportInput.MASK_TRANSFER, "#2e8b57",
      "random-pruning", "#8b1e3f", "random-reinit", "#6a5acd", "finetune", "#555555", "early-bird", "#b8860b",
      ReportInput.CROSS_TASK, "#008b8b", ReportInput.CROSS_TASK_MASK, "#5f9ea0");

  private final String html;
  private final Map<String, String> files;

  private HtmlReport(String html, Map<String, String> files) {
    this.html = html;
    this.files = files;
  }

  /**
   * One row of the paper's table form: a level of one kind in one experiment, over its replicates.
   *
   * @param metrics metric name → {mean, population std, count} in % (std NaN for one replicate)
   */
  public record Row(String task, String experiment, String kind, int level, int replicates,
      double prunePercent, double networkSparsityPercent, Map<String, double[]> metrics) {}

  /** The page's HTML. */
  public String html() {
    return html;
  }

  /** The files beside the page: name ({@code table-det.csv}, ...) → content. */
  public Map<String, String> files() {
    return files;
  }

  /** Where the files beside {@code page} go: {@code report.html} → {@code report-files/}. */
  public static Path filesFolder(Path page) {
    String name = page.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return page.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-files");
  }

  /** Writes the files beside {@code page}, then the page, each atomically. */
  public void write(Path page) throws IOException {
    Path dir = AtomicFiles.createFolder(filesFolder(page));
    for (Map.Entry<String, String> f : files.entrySet()) {
      AtomicFiles.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    AtomicFiles.writeString(page, html);
  }

  /**
   * The rows of the paper's table form, by task, kind (direct pruning first, then the controls,
   * the ImageNet tickets, mask transfer and cross-task transfer), experiment and level.
   */
  public static List<Row> rows(List<ReportInput.Level> levels) {
    return rows(levels, ReportInput.Level::metrics, TABLE_METRIC);
  }

  /** Rows over the values {@code source} gives each level, of the names {@code names} matches. */
  static List<Row> rows(List<ReportInput.Level> levels,
      java.util.function.Function<ReportInput.Level, Map<String, Double>> source, Pattern wanted) {
    Map<List<Object>, List<ReportInput.Level>> groups = new LinkedHashMap<>();
    for (ReportInput.Level l : levels) {
      groups.computeIfAbsent(List.of(l.task(), l.experiment(), l.kind(), l.level()), k -> new ArrayList<>()).add(l);
    }
    List<Row> rows = new ArrayList<>();
    for (List<ReportInput.Level> g : groups.values()) {
      ReportInput.Level first = g.get(0);
      Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
      g.forEach(l -> source.apply(l).keySet().stream().filter(n -> wanted.matcher(n).matches()).forEach(names::add));
      Map<String, double[]> metrics = new LinkedHashMap<>();
      for (String n : names) {
        double[] v = g.stream().map(source).filter(m -> m.get(n) != null && Double.isFinite(m.get(n)))
            .mapToDouble(m -> 100 * m.get(n)).toArray();
        metrics.put(n, new double[] {mean(v), v.length > 1 ? std(v) : Double.NaN, v.length});
      }
      rows.add(new Row(first.task(), first.experiment(), first.kind(), first.level(), g.size(),
          mean(g.stream().mapToDouble(ReportInput.Level::prunePercent).toArray()),
          mean(g.stream().mapToDouble(ReportInput.Level::networkSparsityPercent).toArray()), metrics));
    }
    // direct pruning (dense first), then its controls, then the transfers, each by experiment and level
    rows.sort(Comparator.comparing(Row::task).thenComparingInt((Row r) -> kindRank(r.kind()))
        .thenComparing(Row::experiment).thenComparing(Row::kind).thenComparingInt(Row::level));
    return rows;
  }

  /** Builds the report of {@code input}. */
  public static HtmlReport of(ReportInput input) {
    return of(input, List.of(), "");
  }

  /**
   * Builds the report of {@code input} with the paper's findings read off it first (the demo's;
   * none: no such section), {@code basis} saying what they were read from.
   */
  public static HtmlReport of(ReportInput input, List<Finding> findings, String basis) {
    List<Row> rows = rows(input.levels());
    Map<String, String> files = new LinkedHashMap<>();
    StringBuilder body = new StringBuilder();
    if (!findings.isEmpty()) {
      findingsSection(findings, basis, body, files);
    }
    Map<String, List<Row>> byTask = new TreeMap<>();
    rows.forEach(r -> byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r));

    body.append("<h2 id=\"tables\">Tables: sparsity and accuracy per level</h2>\n");
    for (Map.Entry<String, List<Row>> t : byTask.entrySet()) {
      tableSection(t.getKey(), t.getValue(), body, files);
    }
    body.append("<h2 id=\"sparsity\">AP vs network sparsity</h2>\n");
    for (Map.Entry<String, List<Row>> t : byTask.entrySet()) {
      sparsityFigures(t.getKey(), t.getValue(), body, files);
      notRunControls(t.getValue(), input.experimentRoots(), body);
    }
    PaperSections.append(input, rows, body, files);
    body.append("<h2 id=\"sizes\">AP by object size</h2>\n");
    sizeSection(input.levels(), body, files);
    ErrorSections.append(input, body, files);
    body.append("<h2 id=\"convergence\">Convergence</h2>\n");
    convergence(input.curves(), input.levels(), body, files);
    CostSections.append(input, body, files);
    body.append("<h2 id=\"runs\">Runs not in the report</h2>\n");
    statusSection(input, body);
    provenanceSection(input.provenance(), body, files);

    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>TicketLab report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>TicketLab report</h1>\n<p class=\"caption\">")
        .append(Html.escape(plural(input.levels().size(), "level record") + " of "
            + plural(input.levels().stream().map(ReportInput.Level::experiment).distinct().count(), "experiment")
            + " under " + String.join(", ", input.roots()) + "."))
        .append(" Metrics in % (COCO AP, top-1); mean ± population std over replicates where there are several.</p>\n")
        .append(body).append("</body>\n</html>\n");
    return new HtmlReport(page.toString(), files);
  }

  /** The paper's findings, each with its verdict here and its numbers ({@code findings.csv}). */
  private static void findingsSection(List<Finding> findings, String basis, StringBuilder body,
      Map<String, String> files) {
    long shown = findings.stream().filter(Finding::shows).count();
    body.append("<h2 id=\"findings\">The paper's findings in these runs</h2>\n<p class=\"caption\">")
        .append(Html.escape(shown + " of " + findings.size() + " show here. " + basis + " Data: findings.csv."))
        .append("</p>\n<table class=\"findings\">\n<thead><tr><th>finding (the paper)</th><th>here</th>"
            + "<th>read from</th></tr></thead>\n<tbody>\n");
    StringBuilder csv = new StringBuilder("finding,shows,evidence\n");
    for (Finding f : findings) {
      body.append("<tr data-shows=\"").append(f.shows()).append("\"><td>").append(Html.escape(f.claim()))
          .append("</td><td>").append(f.shows() ? "shows" : "does not show").append("</td><td>")
          .append(Html.escape(f.evidence())).append("</td></tr>\n");
      csv.append(Html.csv(f.claim())).append(',').append(f.shows()).append(',').append(Html.csv(f.evidence()))
          .append('\n');
    }
    body.append("</tbody>\n</table>\n");
    files.put("findings.csv", csv.toString());
  }

  private static void tableSection(String task, List<Row> rows, StringBuilder body, Map<String, String> files) {
    Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
    rows.forEach(r -> names.addAll(r.metrics().keySet()));
    String file = "table-" + task + ".csv";
    body.append("<section class=\"table\" id=\"table-").append(Html.escape(task)).append("\">\n<h3>")
        .append(Html.escape(taskTitle(task))).append("</h3>\n<p class=\"caption\">")
        .append(Html.escape("Look for the level where accuracy starts to fall below the dense network (level 0) as"
            + " sparsity rises, and for controls and transfers below direct pruning at the same sparsity."
            + " Runs: " + runsUsed(rows) + ". Data: " + file + "."))
        .append("</p>\n<table>\n<thead><tr><th>experiment</th><th>kind</th><th>level</th><th>replicates</th>"
            + "<th>prune %</th><th>network sparsity %</th>");
    StringBuilder csv = new StringBuilder("experiment,kind,level,replicates,prune_percent,network_sparsity_percent");
    for (String n : names) {
      body.append("<th>").append(Html.escape(n)).append(" (%)</th>");
      csv.append(',').append(Html.csv(n + "_mean")).append(',').append(Html.csv(n + "_std"));
    }
    body.append("</tr></thead>\n<tbody>\n");
    csv.append('\n');
    for (Row r : rows) {
      body.append("<tr><td>").append(Html.escape(r.experiment())).append("</td><td>").append(Html.escape(kindLabel(r)))
          .append("</td><td>").append(r.level()).append("</td><td>").append(r.replicates()).append("</td><td>")
          .append(fixed(r.prunePercent(), 2)).append("</td><td>").append(fixed(r.networkSparsityPercent(), 2))
          .append("</td>");
      csv.append(Html.csv(r.experiment())).append(',').append(Html.csv(r.kind())).append(',').append(r.level())
          .append(',').append(r.replicates()).append(',').append(SvgPlot.number(r.prunePercent())).append(',')
          .append(SvgPlot.number(r.networkSparsityPercent()));
      for (String n : names) {
        double[] m = r.metrics().get(n);
        String cell = m == null || m[2] == 0 ? "—"
            : Double.isNaN(m[1]) ? fixed(m[0], 1) : fixed(m[0], 1) + " ± " + fixed(m[1], 1);
        body.append("<td data-metric=\"").append(Html.escape(n)).append("\">").append(cell).append("</td>");
        csv.append(',').append(m == null || m[2] == 0 ? "" : SvgPlot.number(m[0]))
            .append(',').append(m == null || Double.isNaN(m[1]) ? "" : SvgPlot.number(m[1]));
      }
      body.append("</tr>\n");
      csv.append('\n');
    }
    body.append("</tbody>\n</table>\n</section>\n");
    files.put(file, csv.toString());
  }

  private static void sparsityFigures(String task, List<Row> rows, StringBuilder body, Map<String, String> files) {
    Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
    rows.forEach(r -> r.metrics().keySet().stream().filter(n -> FIGURE_METRIC.matcher(n).matches()).forEach(names::add));
    for (String metric : names) {
      // one series per kind; per experiment too where a task has several experiments of one kind
      Map<String, Set<String>> experimentsOfKind = new LinkedHashMap<>();
      rows.forEach(r -> experimentsOfKind.computeIfAbsent(r.kind(), k -> new TreeSet<>()).add(r.experiment()));
      Map<String, List<Row>> series = new TreeMap<>(HtmlReport::compareKinds);
      for (Row r : rows) {
        double[] m = r.metrics().get(metric);
        if (m == null || m[2] == 0) {
          continue;
        }
        String name = experimentsOfKind.get(r.kind()).size() > 1 ? kindName(r.kind()) + " (" + r.experiment() + ")"
            : kindName(r.kind());
        series.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
      }
      String id = "sparsity-" + task + "-" + metric.replace('/', '-');
      String file = "figure-" + id + ".csv";
      StringBuilder csv = new StringBuilder("series,experiment,level,network_sparsity_percent,mean,std,replicates\n");
      List<SvgPlot.Series> plotted = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, List<Row>> s : series.entrySet()) {
        List<Row> pts = new ArrayList<>(s.getValue());
        pts.sort(Comparator.comparingDouble(Row::networkSparsityPercent).thenComparingInt(Row::level));
        List<SvgPlot.Point> points = new ArrayList<>();
        for (Row r : pts) {
          double[] m = r.metrics().get(metric);
          points.add(new SvgPlot.Point(r.networkSparsityPercent(), m[0], m[1]));
          csv.append(Html.csv(s.getKey())).append(',').append(Html.csv(r.experiment())).append(',').append(r.level())
              .append(',').append(SvgPlot.number(r.networkSparsityPercent())).append(',').append(SvgPlot.number(m[0]))
              .append(',').append(Double.isNaN(m[1]) ? "" : SvgPlot.number(m[1])).append(',').append((int) m[2])
              .append('\n');
        }
        plotted.add(new SvgPlot.Series(s.getKey(), color(pts.get(0).kind(), i++), points));
      }
      body.append("<figure id=\"").append(Html.escape(id)).append("\">\n")
          .append(SvgPlot.render(taskTitle(task) + ": " + metric, "network sparsity (%)", metric + " (%)", plotted))
          .append("<figcaption class=\"caption\">")
          .append(Html.escape("Look for how far each kind of ticket keeps the dense " + metric + " as sparsity rises"
              + " (paper Fig. 1); bars and the shaded band are ± std over replicates. Runs: " + runsUsed(rows)
              + ". Data: " + file + "."))
          .append("</figcaption>\n</figure>\n");
      files.put(file, csv.toString());
    }
  }

  /**
   * COCO AP of small, medium and large objects per level (paper Fig. 4) from each level's
   * {@code eval.json}, with the change from the dense network (level 0 of the same experiment).
   */
  private static void sizeSection(List<ReportInput.Level> levels, StringBuilder body, Map<String, String> files) {
    List<ReportInput.Level> evaluated = levels.stream()
        .filter(l -> l.evaluation().keySet().stream().anyMatch(n -> SIZE_METRIC.matcher(n).matches())).toList();
    List<Row> rows = rows(evaluated, ReportInput.Level::evaluation, SIZE_METRIC);
    if (rows.isEmpty()) {
      body.append("<p class=\"notrun\">No eval.json with APs/APm/APl in these runs: AP by object size needs"
          + " detector levels evaluated on COCO-style ground truth (<code>data.val</code>).</p>\n");
      return;
    }
    Map<String, List<Row>> byTask = new TreeMap<>();
    rows.forEach(r -> byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r));
    for (Map.Entry<String, List<Row>> t : byTask.entrySet()) {
      List<Row> rs = t.getValue();
      Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
      rs.forEach(r -> names.addAll(r.metrics().keySet()));
      String file = "table-sizes-" + t.getKey() + ".csv";
      body.append("<section class=\"table\" id=\"sizes-").append(Html.escape(t.getKey())).append("\">\n<h3>")
          .append(Html.escape(taskTitle(t.getKey()))).append("</h3>\n<p class=\"caption\">")
          .append(Html.escape("Look for which object size loses the most AP as sparsity rises (paper Fig. 4);"
              + " Δ is the change from the dense network (level 0) of the same experiment, in AP points."
              + " Runs: " + runsUsed(rs) + ". Data: " + file + "."))
          .append("</p>\n<table>\n<thead><tr><th>experiment</th><th>kind</th><th>level</th><th>network sparsity %</th>");
      StringBuilder csv = new StringBuilder("experiment,kind,level,replicates,network_sparsity_percent");
      for (String n : names) {
        body.append("<th>").append(Html.escape(n)).append(" (%)</th><th>Δ</th>");
        csv.append(',').append(Html.csv(n + "_mean")).append(',').append(Html.csv(n + "_std"))
            .append(',').append(Html.csv(n + "_change"));
      }
      body.append("</tr></thead>\n<tbody>\n");
      csv.append('\n');
      for (Row r : rs) {
        Row dense = rs.stream().filter(d -> d.experiment().equals(r.experiment()) && d.level() == 0
            && d.kind().equals(ReportInput.DIRECT)).findFirst().orElse(null);
        body.append("<tr><td>").append(Html.escape(r.experiment())).append("</td><td>").append(Html.escape(kindLabel(r)))
            .append("</td><td>").append(r.level()).append("</td><td>").append(fixed(r.networkSparsityPercent(), 2))
            .append("</td>");
        csv.append(Html.csv(r.experiment())).append(',').append(Html.csv(r.kind())).append(',').append(r.level())
            .append(',').append(r.replicates()).append(',').append(SvgPlot.number(r.networkSparsityPercent()));
        for (String n : names) {
          double[] m = r.metrics().get(n);
          double[] d = dense == null ? null : dense.metrics().get(n);
          boolean has = m != null && m[2] > 0;
          double change = has && d != null && d[2] > 0 ? m[0] - d[0] : Double.NaN;
          body.append("<td data-metric=\"").append(Html.escape(n)).append("\">")
              .append(!has ? "—" : Double.isNaN(m[1]) ? fixed(m[0], 1) : fixed(m[0], 1) + " ± " + fixed(m[1], 1))
              .append("</td><td data-change=\"").append(Html.escape(n)).append("\">")
              .append(Double.isNaN(change) ? "—" : String.format(Locale.ROOT, "%+.1f", change)).append("</td>");
          csv.append(',').append(has ? SvgPlot.number(m[0]) : "").append(',')
              .append(m == null || Double.isNaN(m[1]) ? "" : SvgPlot.number(m[1])).append(',')
              .append(Double.isNaN(change) ? "" : SvgPlot.number(change));
        }
        body.append("</tr>\n");
        csv.append('\n');
      }
      body.append("</tbody>\n</table>\n</section>\n");
      files.put(file, csv.toString());
    }
  }

  /** The paper's controls (Fig. 1) beside each direct-pruning experiment: a "not run" box per missing one. */
  static final List<String> CONTROLS = List.of("random-pruning", "random-reinit");

  private static void notRunControls(List<Row> rows, Map<String, String> roots, StringBuilder body) {
    Map<String, Integer> lastLevel = new TreeMap<>();
    rows.stream().filter(r -> r.kind().equals(ReportInput.DIRECT) && r.level() > 0)
        .forEach(r -> lastLevel.merge(r.experiment(), r.level(), Math::max));
    for (Map.Entry<String, Integer> e : lastLevel.entrySet()) {
      for (String control : CONTROLS) {
        boolean ran = rows.stream().anyMatch(r -> r.experiment().equals(e.getKey()) && r.kind().equals(control));
        if (!ran) {
          String command = "ticketlab lottery branch --name " + control + " --config CONFIG --root "
              + roots.getOrDefault(e.getKey(), "ROOT") + " --level " + e.getValue();
          body.append("<p class=\"notrun\" data-control=\"").append(Html.escape(control)).append("\">Not run: the ")
              .append(Html.escape(control)).append(" control of lottery_").append(Html.escape(e.getKey()))
              .append(" (the baseline a ticket must beat). Run it with <code>").append(Html.escape(command))
              .append("</code>, CONFIG being the experiment's config file.</p>\n");
        }
      }
    }
  }

  private static void convergence(List<ReportInput.ValidationCurve> curves, List<ReportInput.Level> levels,
      StringBuilder body, Map<String, String> files) {
    if (curves.isEmpty()) {
      body.append("<p class=\"notrun\">No validation.csv in these runs: convergence curves need detector runs"
          + " with <code>training.eval_every</code> set (e.g. <code>eval_every: 1ep</code>).</p>\n");
      return;
    }
    // one figure per task and quantity: direct pruning's levels, its controls and the transfers side by side
    Map<String, String> taskOf = new TreeMap<>();
    levels.forEach(l -> taskOf.putIfAbsent(l.experiment(), l.task()));
    Map<String, List<ReportInput.ValidationCurve>> byTask = new TreeMap<>();
    curves.forEach(c -> byTask.computeIfAbsent(taskOf.getOrDefault(c.experiment(), "other"), t -> new ArrayList<>())
        .add(c));
    for (Map.Entry<String, List<ReportInput.ValidationCurve>> e : byTask.entrySet()) {
      List<ReportInput.ValidationCurve> cs = new ArrayList<>(e.getValue());
      cs.sort(Comparator.comparing(ReportInput.ValidationCurve::kind, HtmlReport::compareKinds)
          .thenComparing(ReportInput.ValidationCurve::experiment)
          .thenComparingInt(ReportInput.ValidationCurve::level).thenComparingInt(ReportInput.ValidationCurve::replicate));
      boolean replicates = cs.stream().mapToInt(ReportInput.ValidationCurve::replicate).distinct().count() > 1;
      Map<String, Set<String>> experimentsOfKind = new TreeMap<>();
      cs.forEach(c -> experimentsOfKind.computeIfAbsent(c.kind(), k -> new TreeSet<>()).add(c.experiment()));
      Set<String> experiments = new TreeSet<>();
      cs.forEach(c -> experiments.add(c.experiment()));
      Set<String> apColumns = new LinkedHashSet<>();
      cs.forEach(c -> c.columns().keySet().stream().filter(n -> n.endsWith("/AP")).forEach(apColumns::add));
      List<String> quantities = new ArrayList<>();
      quantities.add("validation loss");
      quantities.addAll(apColumns);
      for (String q : quantities) {
        String id = "convergence-" + e.getKey() + "-" + q.replace(' ', '-').replace('/', '-');
        String file = "figure-" + id + ".csv";
        StringBuilder csv = new StringBuilder("series,experiment,folder,iteration,value\n");
        List<SvgPlot.Series> plotted = new ArrayList<>();
        Set<String> lossUsed = new TreeSet<>();
        int i = 0;
        for (ReportInput.ValidationCurve c : cs) {
          List<Double> values;
          if (q.equals("validation loss")) {
            var loss = validationLoss(c);
            if (loss == null) {
              continue;
            }
            lossUsed.add(loss.getKey());
            values = loss.getValue();
          } else {
            values = c.columns().get(q);
            if (values == null) {
              continue;
            }
            values = values.stream().map(v -> 100 * v).toList();
          }
          String name = (c.kind().equals(ReportInput.DIRECT) ? "level " + c.level() : kindName(c.kind())
              + (c.level() == 1 ? "" : " level " + c.level()))
              + (experimentsOfKind.get(c.kind()).size() > 1 ? " (" + c.experiment() + ")" : "")
              + (replicates ? " r" + c.replicate() : "");
          List<SvgPlot.Point> points = new ArrayList<>();
          for (int k = 0; k < c.iterations().size(); k++) {
            double v = values.get(k);
            if (Double.isFinite(v)) {
              points.add(new SvgPlot.Point(c.iterations().get(k), v, Double.NaN));
              csv.append(Html.csv(name)).append(',').append(Html.csv(c.experiment())).append(',')
                  .append(Html.csv(c.folder())).append(',').append(c.iterations().get(k)).append(',')
                  .append(SvgPlot.number(v)).append('\n');
            }
          }
          String colour = c.kind().equals(ReportInput.DIRECT) ? CYCLE[i++ % CYCLE.length] : color(c.kind(), i++);
          plotted.add(new SvgPlot.Series(name, colour, points));
        }
        if (plotted.isEmpty()) {
          continue;
        }
        String what = q.equals("validation loss") ? "validation loss (" + String.join(", ", lossUsed) + ")" : q + " (%)";
        List<String> used = experiments.stream().map(x -> "lottery_" + x).toList();
        body.append("<figure id=\"").append(Html.escape(id)).append("\">\n")
            .append(SvgPlot.render(taskTitle(e.getKey()) + ": " + what, "iteration", what, plotted))
            .append("<figcaption class=\"caption\">")
            .append(Html.escape("Look for whether sparse levels and transfers converge as fast as the dense network"
                + " (level 0) and to the same value (paper supplementary Fig. 6). Runs: " + String.join(", ", used)
                + ", " + cs.size() + " validation.csv files. Data: " + file + "."))
            .append("</figcaption>\n</figure>\n");
        files.put(file, csv.toString());
      }
    }
  }

  /** The total validation loss: {@code val_loss} when written, else the sum of the {@code val_*} terms. */
  private static Map.Entry<String, List<Double>> validationLoss(ReportInput.ValidationCurve c) {
    if (c.columns().containsKey("val_loss")) {
      return Map.entry("val_loss", c.columns().get("val_loss"));
    }
    List<String> terms = c.columns().keySet().stream().filter(n -> n.startsWith("val_")).sorted().toList();
    if (terms.isEmpty()) {
      return null;
    }
    List<Double> sum = new ArrayList<>();
    for (int k = 0; k < c.iterations().size(); k++) {
      double s = 0;
      for (String t : terms) {
        s += c.columns().get(t).get(k);
      }
      sum.add(s);
    }
    return Map.entry("sum of val_* terms", sum);
  }

  private static void statusSection(ReportInput input, StringBuilder body) {
    if (input.unfinished().isEmpty() && input.unreadable().isEmpty()) {
      body.append("<p class=\"caption\">Every level and branch folder found has a level record.</p>\n");
      return;
    }
    if (!input.unfinished().isEmpty()) {
      body.append("<p class=\"caption\">Still training (no level.json yet), left out:</p>\n<ul class=\"unfinished\">\n");
      input.unfinished().forEach(u -> body.append("<li>").append(Html.escape(u)).append("</li>\n"));
      body.append("</ul>\n");
    }
    if (!input.unreadable().isEmpty()) {
      body.append("<p class=\"caption\">Unreadable, left out:</p>\n<ul class=\"unreadable\">\n");
      input.unreadable().forEach(u -> body.append("<li>").append(Html.escape(u)).append("</li>\n"));
      body.append("</ul>\n");
    }
  }

  private static void provenanceSection(List<ReportInput.Session> sessions, StringBuilder body,
      Map<String, String> files) {
    if (sessions.isEmpty()) {
      return;
    }
    String file = "provenance.csv";
    String[] header = {"folder", "ticketlab", "git commit", "libtorch", "devices", "oneDNN ISA", "seed", "host",
      "started", "finished"};
    body.append("<details id=\"provenance\">\n<summary>Provenance: ")
        .append(Html.escape(plural(sessions.size(), "process") + " that computed these levels")).append("</summary>\n")
        .append("<p class=\"caption\">Look here when two results differ: version, engine, devices, ISA cap, seed and"
            + " host of every process that worked in a reported folder (a resume is a second row). Data: " + file
            + ".</p>\n<table>\n<thead><tr>");
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < header.length; i++) {
      body.append("<th>").append(Html.escape(header[i])).append("</th>");
      csv.append(i == 0 ? "" : ",").append(header[i].replace(' ', '_'));
    }
    body.append("</tr></thead>\n<tbody>\n");
    csv.append('\n');
    for (ReportInput.Session p : sessions) {
      String[] cells = {p.folder(), p.ticketlab(), p.gitCommit(), p.libtorch(), p.devices(), p.onednnIsa(),
        Long.toString(p.seed()), p.host(), p.started(), p.finished() == null ? "not finished" : p.finished()};
      body.append("<tr>");
      for (int i = 0; i < cells.length; i++) {
        String c = cells[i] == null ? "" : cells[i];
        body.append("<td>").append(Html.escape(c)).append("</td>");
        csv.append(i == 0 ? "" : ",").append(Html.csv(c));
      }
      body.append("</tr>\n");
      csv.append('\n');
    }
    body.append("</tbody>\n</table>\n</details>\n");
    files.put(file, csv.toString());
  }

  static String runsUsed(List<Row> rows) {
    Map<String, Integer> replicates = new TreeMap<>();
    rows.forEach(r -> replicates.merge(r.experiment(), r.replicates(), Math::max));
    List<String> parts = new ArrayList<>();
    replicates.forEach((e, n) -> parts.add("lottery_" + e + " (" + n + (n == 1 ? " replicate)" : " replicates)")));
    return String.join(", ", parts);
  }

  static String kindLabel(Row r) {
    if (r.kind().equals(ReportInput.DIRECT)) {
      return r.level() == 0 ? "dense" : "direct pruning level " + r.level();
    }
    return kindName(r.kind());
  }

  private static String kindName(String kind) {
    return kind;
  }

  static String taskTitle(String task) {
    return switch (task) {
      case "classify" -> "Classification (ResNet)";
      case "det" -> "Detection (Faster R-CNN)";
      case "seg" -> "Instance segmentation (Mask R-CNN)";
      case "kp" -> "Keypoints (Keypoint R-CNN)";
      default -> task;
    };
  }

  private static String color(String kind, int index) {
    String c = KIND_COLORS.get(kind);
    return c != null ? c : CYCLE[index % CYCLE.length];
  }

  /** Direct pruning first, then control branches by name, then ImageNet ticket, mask transfer and cross-task. */
  static int compareKinds(String a, String b) {
    return Integer.compare(kindRank(a), kindRank(b)) != 0 ? Integer.compare(kindRank(a), kindRank(b)) : a.compareTo(b);
  }

  private static int kindRank(String k) {
    if (k.startsWith(ReportInput.DIRECT)) {
      return 0;
    }
    if (k.startsWith(ReportInput.IMAGENET_TICKET)) {
      return 2;
    }
    if (k.startsWith(ReportInput.MASK_TRANSFER)) {
      return 3;
    }
    if (k.startsWith("cross-task")) {
      return 4;
    }
    return 1;
  }

  /** bbox before segm before keypoints, then top-1/top-5; AP before AP50. */
  static int compareMetrics(String a, String b) {
    int c = Integer.compare(metricRank(a), metricRank(b));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(statRank(a), statRank(b));
    return c != 0 ? c : a.compareTo(b);
  }

  private static final List<String> STAT_ORDER = List.of("AP", "AP50", "AP75", "APs", "APm", "APl");

  /** AP, AP50, AP75, then small, medium, large (COCO's summary order). */
  private static int statRank(String m) {
    int i = STAT_ORDER.indexOf(m.substring(m.indexOf('/') + 1));
    return i < 0 ? STAT_ORDER.size() : i;
  }

  private static int metricRank(String m) {
    int slash = m.indexOf('/');
    int i = IOU_ORDER.indexOf(slash < 0 ? m : m.substring(0, slash));
    return i < 0 ? IOU_ORDER.size() : i;
  }

  private static String plural(long n, String what) {
    return n + " " + what + (n == 1 ? "" : what.endsWith("s") ? "es" : "s");
  }

  static String fixed(double v, int decimals) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** The population standard deviation (numpy's default, the paper's VOC ± over 5 seeds). */
  static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return v.length == 0 ? Double.NaN : Math.sqrt(s / v.length);
  }

  private static final String CSS = String.join("\n",
      ":root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #555; --rule: #ccc; }",
      "@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #161616; --muted: #aaa; --rule: #444; }",
      "  svg.plot g.series, svg.plot g.legend { filter: brightness(1.9) saturate(1.2); }",
      "  svg.plot polygon.band { fill-opacity: 0.28; } }",
      "body { font-family: sans-serif; color: var(--fg); background: var(--bg); max-width: 1100px; margin: 2em auto;"
          + " padding: 0 1em; line-height: 1.4; }",
      "table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-variant-numeric: tabular-nums; }",
      "th, td { border-bottom: 1px solid var(--rule); padding: 0.25em 0.7em; text-align: right; }",
      "th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }",
      ".caption { color: var(--muted); font-size: 0.95em; }",
      "figure { margin: 1em 0 2em; }",
      "svg.plot { color: var(--fg); max-width: 100%; height: auto; }",
      ".notrun { border: 1px dashed var(--rule); padding: 0.7em 1em; }",
      "details { margin: 1.5em 0; } summary { cursor: pointer; font-weight: bold; }",
      "table.findings td:nth-child(2) { font-weight: bold; }",
      "table.findings tr[data-shows=\"false\"] td:nth-child(2) { color: #8b1e3f; }",
      "#provenance table { font-size: 0.85em; } #provenance td, #provenance th { text-align: left; }",
      "");
}
