package io.ticketlab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The paper's transfer tables (Tables 1–2 and 4, supplementary Tables 1–2) over finished runs: one
 * table per task, one line per prune % and kind of ticket — the dense network first, then for each
 * prune % direct pruning beside its controls, the ImageNet ticket, mask transfer and cross-task
 * transfers — with network sparsity and AP/AP50 of each IoU type (top-1/top-5 for classifiers), in
 * %, mean ± population std over replicates. As Markdown, CSV or JSON.
 *
 * @param task the task key ({@code det}, {@code seg}, {@code kp}, {@code classify})
 * @param metrics the metric columns, bbox before segm before keypoints, AP before AP50
 * @param lines the lines, dense first, then by prune % and kind
 */
public record PaperTable(String task, List<String> metrics, List<HtmlReport.Row> lines) {
  private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile("(bbox|segm|keypoints)/AP(50)?|top1|top5");

  /** The tables of {@code levels}, one per task in key order. */
  public static List<PaperTable> of(List<ReportInput.Level> levels) {
    Map<String, List<HtmlReport.Row>> byTask = new java.util.TreeMap<>();
    for (HtmlReport.Row r : HtmlReport.rows(levels, ReportInput.Level::metrics, METRIC)) {
      byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r);
    }
    List<PaperTable> out = new ArrayList<>();
    byTask.forEach((task, rows) -> {
      Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
      rows.forEach(r -> names.addAll(r.metrics().keySet()));
      List<HtmlReport.Row> sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparing((HtmlReport.Row r) -> !isDense(r))
          .thenComparingDouble(r -> Math.round(r.prunePercent() * 10) / 10.0)
          .thenComparing(HtmlReport.Row::kind, HtmlReport::compareKinds)
          .thenComparing(HtmlReport.Row::experiment).thenComparingInt(HtmlReport.Row::level));
      out.add(new PaperTable(task, List.copyOf(names), sorted));
    });
    return out;
  }

  private static boolean isDense(HtmlReport.Row r) {
    return r.kind().equals(ReportInput.DIRECT) && r.level() == 0;
  }

  /** The kind as the table names it: dense, direct pruning, or the control / transfer. */
  static String label(HtmlReport.Row r) {
    return isDense(r) ? "dense" : r.kind();
  }

  private static String cell(double[] m) {
    if (m == null || m[2] == 0) {
      return "—";
    }
    return Double.isNaN(m[1]) ? String.format(Locale.ROOT, "%.1f", m[0])
        : String.format(Locale.ROOT, "%.1f ± %.1f", m[0], m[1]);
  }

  /** The tables as Markdown: a heading per task, then a pipe table. */
  public static String markdown(List<PaperTable> tables) {
    StringBuilder s = new StringBuilder();
    for (PaperTable t : tables) {
      s.append(s.length() == 0 ? "" : "\n").append("## ").append(HtmlReport.taskTitle(t.task())).append("\n\n");
      s.append("| prune % | ticket | network sparsity % |");
      t.metrics().forEach(m -> s.append(' ').append(m).append(" |"));
      s.append(" replicates | experiment |\n|---:|---|---:|");
      t.metrics().forEach(m -> s.append("---:|"));
      s.append("---:|---|\n");
      for (HtmlReport.Row r : t.lines()) {
        s.append(String.format(Locale.ROOT, "| %.1f | %s | %.2f |", r.prunePercent(), label(r), r.networkSparsityPercent()));
        t.metrics().forEach(m -> s.append(' ').append(cell(r.metrics().get(m))).append(" |"));
        s.append(' ').append(r.replicates()).append(" | ").append(r.experiment()).append(" level ").append(r.level())
            .append(" |\n");
      }
    }
    s.append("\nAP and top-1 in %; mean ± population std over replicates where there are several.\n");
    return s.toString();
  }

  /**
   * The table as an HTML {@code <table>} with the Markdown form's columns; metric cells carry
   * {@code data-metric}, each line {@code data-ticket} (its label) and {@code data-experiment}.
   */
  String html() {
    StringBuilder s = new StringBuilder("<table>\n<thead><tr><th>prune %</th><th>ticket</th><th>network sparsity %</th>");
    metrics.forEach(m -> s.append("<th>").append(Html.escape(m)).append(" (%)</th>"));
    s.append("<th>replicates</th><th>experiment</th></tr></thead>\n<tbody>\n");
    for (HtmlReport.Row r : lines) {
      s.append("<tr data-ticket=\"").append(Html.escape(label(r))).append("\" data-experiment=\"")
          .append(Html.escape(r.experiment())).append("\"><td>").append(String.format(Locale.ROOT, "%.1f", r.prunePercent()))
          .append("</td><td>").append(Html.escape(label(r))).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.2f", r.networkSparsityPercent())).append("</td>");
      metrics.forEach(m -> s.append("<td data-metric=\"").append(Html.escape(m)).append("\">").append(cell(r.metrics().get(m)))
          .append("</td>"));
      s.append("<td>").append(r.replicates()).append("</td><td>").append(Html.escape(r.experiment())).append(" level ")
          .append(r.level()).append("</td></tr>\n");
    }
    return s.append("</tbody>\n</table>\n").toString();
  }

  /** The tables as one CSV (a {@code task} column; mean and std columns per metric, empty where absent). */
  public static String csv(List<PaperTable> tables) {
    Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
    tables.forEach(t -> names.addAll(t.metrics()));
    StringBuilder s = new StringBuilder("task,prune_percent,ticket,network_sparsity_percent");
    names.forEach(n -> s.append(',').append(Html.csv(n + "_mean")).append(',').append(Html.csv(n + "_std")));
    s.append(",replicates,experiment,level\n");
    for (PaperTable t : tables) {
      for (HtmlReport.Row r : t.lines()) {
        s.append(Html.csv(t.task())).append(',').append(SvgPlot.number(r.prunePercent())).append(',')
            .append(Html.csv(label(r))).append(',').append(SvgPlot.number(r.networkSparsityPercent()));
        for (String n : names) {
          double[] m = r.metrics().get(n);
          s.append(',').append(m == null || m[2] == 0 ? "" : SvgPlot.number(m[0]))
              .append(',').append(m == null || Double.isNaN(m[1]) ? "" : SvgPlot.number(m[1]));
        }
        s.append(',').append(r.replicates()).append(',').append(Html.csv(r.experiment())).append(',').append(r.level())
            .append('\n');
      }
    }
    return s.toString();
  }

  /** The tables as JSON: {@code {"det": [{"prunePercent": .., "ticket": .., "metrics": {"bbox/AP": {"mean", "std"}}}]}}. */
  public static String json(List<PaperTable> tables) {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    for (PaperTable t : tables) {
      ArrayNode lines = root.putArray(t.task());
      for (HtmlReport.Row r : t.lines()) {
        ObjectNode l = lines.addObject();
        l.put("prunePercent", r.prunePercent());
        l.put("ticket", label(r));
        l.put("networkSparsityPercent", r.networkSparsityPercent());
        ObjectNode m = l.putObject("metrics");
        Map<String, double[]> ordered = new LinkedHashMap<>();
        t.metrics().forEach(n -> ordered.put(n, r.metrics().get(n)));
        ordered.forEach((n, v) -> {
          if (v != null && v[2] > 0) {
            ObjectNode c = m.putObject(n);
            c.put("mean", v[0]);
            if (!Double.isNaN(v[1])) {
              c.put("std", v[1]);
            }
          }
        });
        l.put("replicates", r.replicates());
        l.put("experiment", r.experiment());
        l.put("level", r.level());
      }
    }
    try {
      return json.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
