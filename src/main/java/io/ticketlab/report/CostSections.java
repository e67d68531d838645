package io.ticketlab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's sections on a ticket's structure and costs, per experiment, from {@link ReportInput.Costs}:
 *
 * <ul>
 *   <li>per-layer sparsity of the ticket (paper Fig. 2c): the sparsity % of every prunable tensor in network
 *       order at the experiment's sparsest level of its own kind (direct pruning, or the transfer), one series
 *       per kind at that level (the controls beside it);
 *   <li>the parameter share of each module (paper Table 3): parameters and % of the network per module
 *       (stem, layer1–4, FPN, RPN, RoI box head and predictor, mask and keypoint heads), and each module's
 *       sparsity at that level;
 *   <li>disk size in every sparse format and MACs against network sparsity (supplementary Fig. 4), over
 *       every level: bytes on a log axis, MACs in G per image.
 * </ul>
 *
 * A part whose inputs are missing is a "not available" box that says why.
 */
final class CostSections {
  private static final String[] CYCLE = {"#1f4e79", "#e07b00", "#2e8b57", "#8b1e3f", "#6a5acd", "#b8860b",
    "#008b8b", "#555555"};

  private CostSections() {}

  /** Appends the sections of {@code input}'s costs to {@code body}, their CSV files to {@code files}. */
  static void append(ReportInput input, StringBuilder body, Map<String, String> files) {
    body.append("<h2 id=\"costs\">Ticket structure and costs</h2>\n");
    if (input.costs().isEmpty()) {
      notAvailable(body, "costs", "No level costs were read for these runs.");
      return;
    }
    Map<String, List<ReportInput.Costs>> byExperiment = new TreeMap<>();
    input.costs().forEach(c -> byExperiment.computeIfAbsent(c.experiment(), e -> new ArrayList<>()).add(c));
    for (Map.Entry<String, List<ReportInput.Costs>> e : byExperiment.entrySet()) {
      body.append("<h3>lottery_").append(Html.escape(e.getKey())).append("</h3>\n");
      List<ReportInput.Costs> ticket = ticketLevel(e.getValue());
      layerSparsity(e.getKey(), ticket, body, files);
      moduleShares(e.getKey(), ticket, body, files);
      sizesAndMacs(e.getKey(), e.getValue(), body, files);
    }
  }

  /** The kinds of a level's own ticket (the others are control branches beside it). */
  private static final java.util.Set<String> TICKETS = java.util.Set.of(ReportInput.DIRECT,
      ReportInput.IMAGENET_TICKET, ReportInput.MASK_TRANSFER, ReportInput.CROSS_TASK, ReportInput.CROSS_TASK_MASK);

  /**
   * The experiment's own kind (direct pruning, or its transfer) at its sparsest level (lowest replicate on
   * ties), first, then every other kind (the control branches) at that level and replicate.
   */
  static List<ReportInput.Costs> ticketLevel(List<ReportInput.Costs> costs) {
    ReportInput.Costs best = null;
    for (ReportInput.Costs c : costs) {
      if (!TICKETS.contains(c.kind())) {
        continue;
      }
      if (best == null || c.networkSparsityPercent() > best.networkSparsityPercent()
          || (c.networkSparsityPercent() == best.networkSparsityPercent() && c.replicate() < best.replicate())) {
        best = c;
      }
    }
    if (best == null) {
      return List.of();
    }
    List<ReportInput.Costs> out = new ArrayList<>();
    out.add(best);
    for (ReportInput.Costs c : costs) {
      if (c != best && c.level() == best.level() && c.replicate() == best.replicate()) {
        out.add(c);
      }
    }
    out.subList(1, out.size()).sort(Comparator.comparing(ReportInput.Costs::kind, HtmlReport::compareKinds));
    return out;
  }

  private static void layerSparsity(String experiment, List<ReportInput.Costs> ticket, StringBuilder body,
      Map<String, String> files) {
    String id = "layers-" + experiment;
    if (ticket.isEmpty()) {
      notAvailable(body, id, "Per-layer sparsity and module shares not available: lottery_" + experiment
          + " has no finished level of its own ticket (only control branches).");
      return;
    }
    ReportInput.Costs main = ticket.get(0);
    if (main.tensorsMissing() != null) {
      notAvailable(body, id, "Per-layer sparsity not available for lottery_" + experiment + " " + main.folder() + ": "
          + main.tensorsMissing() + ".");
      return;
    }
    String file = "figure-" + id + ".csv";
    StringBuilder csv = new StringBuilder("kind,replicate,level,index,tensor,parameters,zeros,sparsity_percent,source\n");
    List<SvgPlot.Series> plotted = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int i = 0;
    for (ReportInput.Costs c : ticket) {
      if (c.tensorsMissing() != null) {
        skipped.add(c.kind() + " (" + c.tensorsMissing() + ")");
        continue;
      }
      List<SvgPlot.Point> points = new ArrayList<>();
      for (int k = 0; k < c.tensors().size(); k++) {
        ReportInput.Count t = c.tensors().get(k);
        points.add(new SvgPlot.Point(k + 1, t.sparsityPercent(), Double.NaN));
        csv.append(Html.csv(c.kind())).append(',').append(c.replicate()).append(',').append(c.level()).append(',')
            .append(k + 1).append(',').append(Html.csv(t.name())).append(',').append(t.parameters()).append(',')
            .append(t.zeros()).append(',').append(SvgPlot.number(t.sparsityPercent())).append(',')
            .append(c.tensorsSource()).append('\n');
      }
      plotted.add(new SvgPlot.Series(c.kind(), CYCLE[i++ % CYCLE.length], points));
    }
    body.append("<figure id=\"").append(Html.escape(id)).append("\">\n")
        .append(SvgPlot.render("lottery_" + experiment + ": sparsity per layer at level " + main.level()
            + String.format(Locale.ROOT, " (%.2f%% network sparsity)", main.networkSparsityPercent()),
            "prunable tensor (network order)", "sparsity (%)", plotted))
        .append("<figcaption class=\"caption\">")
        .append(Html.escape("Look for which layers the ticket prunes most and which it keeps dense (paper"
            + " Fig. 2c). Tensor k is the k-th prunable tensor of "
            + main.folder() + " (names below and in " + file + "); zeros from " + main.tensorsSource() + "."
            + (skipped.isEmpty() ? "" : " Left out: " + String.join("; ", skipped) + ".")))
        .append("</figcaption>\n<details><summary>Tensors by index</summary>\n<ol class=\"tensors\">\n");
    main.tensors().forEach(t -> body.append("<li>").append(Html.escape(t.name())).append("</li>\n"));
    body.append("</ol>\n</details>\n</figure>\n");
    files.put(file, csv.toString());
  }

  private static void moduleShares(String experiment, List<ReportInput.Costs> ticket, StringBuilder body,
      Map<String, String> files) {
    String id = "modules-" + experiment;
    if (ticket.isEmpty()) {
      return;
    }
    ReportInput.Costs main = ticket.get(0);
    if (main.modulesMissing() != null) {
      notAvailable(body, id, "Parameter share of each module not available for lottery_" + experiment + " "
          + main.folder() + ": " + main.modulesMissing() + ".");
      return;
    }
    List<ReportInput.Costs> shown = ticket.stream().filter(c -> c.modulesMissing() == null).toList();
    long total = main.modules().stream().mapToLong(ReportInput.Count::parameters).sum();
    String file = "table-" + id + ".csv";
    body.append("<section class=\"table\" id=\"").append(Html.escape(id)).append("\">\n<p class=\"caption\">")
        .append(Html.escape("Look for where the parameters are (paper Table 3) and which modules the ticket"
            + " empties at level " + main.level() + " (" + main.folder() + "). All parameters count (biases and"
            + " norms too, not the batch-norm running statistics). Data: " + file + "."))
        .append("</p>\n<table>\n<thead><tr><th>module</th><th>parameters</th><th>% of network</th>");
    for (ReportInput.Costs c : shown) {
      body.append("<th>").append(Html.escape(c.kind())).append(" sparsity %</th>");
    }
    body.append("</tr></thead>\n<tbody>\n");
    StringBuilder csv = new StringBuilder("kind,replicate,level,module,parameters,share_percent,zeros,sparsity_percent\n");
    for (ReportInput.Count m : main.modules()) {
      double share = 100.0 * m.parameters() / total;
      body.append("<tr data-module=\"").append(Html.escape(m.name())).append("\"><td>").append(Html.escape(m.name()))
          .append("</td><td>").append(m.parameters()).append("</td><td>").append(fixed(share, 2)).append("</td>");
      for (ReportInput.Costs c : shown) {
        ReportInput.Count same = c.modules().stream().filter(x -> x.name().equals(m.name())).findFirst().orElse(null);
        body.append("<td>").append(same == null ? "—" : fixed(same.sparsityPercent(), 2)).append("</td>");
      }
      body.append("</tr>\n");
    }
    for (ReportInput.Costs c : shown) {
      long all = c.modules().stream().mapToLong(ReportInput.Count::parameters).sum();
      for (ReportInput.Count m : c.modules()) {
        csv.append(Html.csv(c.kind())).append(',').append(c.replicate()).append(',').append(c.level()).append(',')
            .append(Html.csv(m.name())).append(',').append(m.parameters()).append(',')
            .append(SvgPlot.number(100.0 * m.parameters() / all)).append(',').append(m.zeros()).append(',')
            .append(SvgPlot.number(m.sparsityPercent())).append('\n');
      }
    }
    body.append("<tr class=\"total\"><td>network</td><td>").append(total).append("</td><td>100.00</td>");
    for (ReportInput.Costs c : shown) {
      long z = c.modules().stream().mapToLong(ReportInput.Count::zeros).sum();
      long n = c.modules().stream().mapToLong(ReportInput.Count::parameters).sum();
      body.append("<td>").append(fixed(100.0 * z / n, 2)).append("</td>");
    }
    body.append("</tr>\n</tbody>\n</table>\n</section>\n");
    files.put(file, csv.toString());
  }

  private static void sizesAndMacs(String experiment, List<ReportInput.Costs> costs, StringBuilder body,
      Map<String, String> files) {
    List<ReportInput.Costs> sorted = new ArrayList<>(costs);
    sorted.sort(Comparator.comparing(ReportInput.Costs::kind, HtmlReport::compareKinds)
        .thenComparingDouble(ReportInput.Costs::networkSparsityPercent).thenComparingInt(ReportInput.Costs::replicate)
        .thenComparingInt(ReportInput.Costs::level));
    // the figures' lines run by sparsity over every level and branch
    Comparator<ReportInput.Costs> bySparsity = Comparator.comparingDouble(ReportInput.Costs::networkSparsityPercent)
        .thenComparingInt(ReportInput.Costs::replicate).thenComparingInt(ReportInput.Costs::level);
    List<ReportInput.Costs> sized = sorted.stream().filter(c -> c.sizesMissing() == null).sorted(bySparsity).toList();
    List<ReportInput.Costs> counted = sorted.stream().filter(c -> c.macsMissing() == null).sorted(bySparsity).toList();
    String sizesId = "disk-" + experiment;
    String macsId = "macs-" + experiment;
    String file = "figure-costs-" + experiment + ".csv";
    List<String> formats = new ArrayList<>();
    sized.forEach(c -> c.formatBytes().keySet().stream().filter(f -> !formats.contains(f)).forEach(formats::add));
    StringBuilder csv = new StringBuilder("kind,replicate,level,folder,network_sparsity_percent");
    formats.forEach(f -> csv.append(',').append(Html.csv(f + "_bytes")));
    csv.append(",dense_macs,sparse_macs\n");
    for (ReportInput.Costs c : sorted) {
      csv.append(Html.csv(c.kind())).append(',').append(c.replicate()).append(',').append(c.level()).append(',')
          .append(Html.csv(c.folder())).append(',').append(SvgPlot.number(c.networkSparsityPercent()));
      for (String f : formats) {
        Long b = c.formatBytes().get(f);
        csv.append(',').append(b == null ? "" : b.toString());
      }
      csv.append(',').append(c.macsMissing() == null ? Long.toString(c.denseMacs()) : "")
          .append(',').append(c.macsMissing() == null ? Long.toString(c.sparseMacs()) : "").append('\n');
    }
    if (!sized.isEmpty() || !counted.isEmpty()) {
      files.put(file, csv.toString());
    }
    if (sized.isEmpty()) {
      notAvailable(body, sizesId, "Disk size per sparse format not available for lottery_" + experiment + ": "
          + sorted.get(0).sizesMissing() + ".");
    } else {
      List<SvgPlot.Series> series = new ArrayList<>();
      int i = 0;
      for (String f : formats) {
        List<SvgPlot.Point> points = new ArrayList<>();
        for (ReportInput.Costs c : sized) {
          Long b = c.formatBytes().get(f);
          if (b != null) {
            points.add(new SvgPlot.Point(c.networkSparsityPercent(), b, Double.NaN));
          }
        }
        series.add(new SvgPlot.Series(f, CYCLE[i++ % CYCLE.length], points));
      }
      body.append("<figure id=\"").append(Html.escape(sizesId)).append("\">\n")
          .append(SvgPlot.renderLogY("lottery_" + experiment + ": disk size vs sparsity", "network sparsity (%)",
              "bytes on disk (log scale)", series))
          .append("<figcaption class=\"caption\">")
          .append(Html.escape("Look for the sparsity from which each sparse format beats dense storage, and how"
              + " much the entropy formats save over the paper's (supplementary Fig. 4, left; ticketlab size on the"
              + " lottery folder gives the same bytes). One point per level and branch: the final checkpoint's"
              + " weights and buffers, whole files. " + leftOut(sorted, sized, true) + "Data: " + file + "."))
          .append("</figcaption>\n</figure>\n");
    }
    if (counted.isEmpty()) {
      notAvailable(body, macsId, "MACs not available for lottery_" + experiment + ": "
          + sorted.get(0).macsMissing() + ".");
    } else {
      List<SvgPlot.Point> dense = new ArrayList<>();
      List<SvgPlot.Point> sparse = new ArrayList<>();
      for (ReportInput.Costs c : counted) {
        dense.add(new SvgPlot.Point(c.networkSparsityPercent(), c.denseMacs() / 1e9, Double.NaN));
        sparse.add(new SvgPlot.Point(c.networkSparsityPercent(), c.sparseMacs() / 1e9, Double.NaN));
      }
      body.append("<figure id=\"").append(Html.escape(macsId)).append("\">\n")
          .append(SvgPlot.render("lottery_" + experiment + ": MACs vs sparsity", "network sparsity (%)",
              "GMACs per image", List.of(new SvgPlot.Series("dense", CYCLE[0], dense),
                  new SvgPlot.Series("sparse", CYCLE[1], sparse))))
          .append("<figcaption class=\"caption\">")
          .append(Html.escape("Look for how far the sparse MACs fall below the dense ones (supplementary Fig. 4,"
              + " right; ticketlab macs --checkpoint counts the same): each layer's dense MACs times its weight"
              + " density, on " + counted.get(0).architecture() + ". " + leftOut(sorted, counted, false)
              + "Data: " + file + "."))
          .append("</figcaption>\n</figure>\n");
    }
  }

  private static String leftOut(List<ReportInput.Costs> all, List<ReportInput.Costs> shown, boolean sizes) {
    if (shown.size() == all.size()) {
      return "";
    }
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (ReportInput.Costs c : all) {
      if (!shown.contains(c)) {
        reasons.merge(sizes ? c.sizesMissing() : c.macsMissing(), 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    reasons.forEach((r, n) -> parts.add(n + " × " + r));
    return "Left out: " + String.join("; ", parts) + ". ";
  }

  private static void notAvailable(StringBuilder body, String id, String text) {
    body.append("<p class=\"notrun\" data-missing=\"").append(Html.escape(id)).append("\">")
        .append(Html.escape(text)).append("</p>\n");
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
