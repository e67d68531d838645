package io.ticketlab.report;

import io.ticketlab.config.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The report's sections of the paper's other table forms and of its ablations, over the same rows
 * as the per-level tables ({@link HtmlReport#rows}):
 *
 * <ul>
 *   <li>Table 4 (cross-task transfer) and supplementary Table 1 (mask transfer): {@link PaperTable}'s
 *       lines of the task, the transfers beside the dense networks and direct pruning at the
 *       transfers' prune % (rounded to whole percents);
 *   <li>Table 3 (module groups): experiments of one task that differ only in the pruned modules
 *       ({@link ReportInput#MODULES}), one line each at its last level;
 *   <li>Fig. 2's ablations: experiments of one task that differ only in {@link ReportInput#REWIND_AT},
 *       {@link ReportInput#ROUNDS} or {@link ReportInput#STRATEGY}, AP vs network sparsity with one
 *       series per value; early-bird branches with their mask IoU with the ticket and AP.
 * </ul>
 *
 * <p>A form without runs gets a "not run" box naming the config key to vary and the command.
 */
final class PaperSections {
  private static final Pattern MAIN_METRIC = Pattern.compile("(bbox|segm|keypoints)/AP|top1");
  /** The ablations of Fig. 2 that are curves over sparsity, with the figure panel they reproduce. */
  private static final Map<String, String> ABLATIONS = new LinkedHashMap<>();

  static {
    ABLATIONS.put(ReportInput.REWIND_AT, "Fig. 2c, late resetting");
    ABLATIONS.put(ReportInput.ROUNDS, "Fig. 2d, one-shot vs iterative");
    ABLATIONS.put(ReportInput.STRATEGY, "Fig. 2e, global vs layer-wise");
  }

  private PaperSections() {}

  /** Appends the sections of {@code input} ({@code rows}: its rows of the paper's table form). */
  static void append(ReportInput input, List<HtmlReport.Row> rows, StringBuilder body, Map<String, String> files) {
    body.append("<h2 id=\"paper-tables\">Transfer and module-group tables (paper Tables 3–4, supplementary"
        + " Table 1)</h2>\n");
    List<PaperTable> tables = PaperTable.of(input.levels());
    transferForm(tables, "cross-task", "Table 4: cross-task transfer",
        Set.of(ReportInput.CROSS_TASK, ReportInput.CROSS_TASK_MASK), input, body, files);
    transferForm(tables, "mask-transfer", "Supplementary Table 1: mask transfer", Set.of(ReportInput.MASK_TRANSFER),
        input, body, files);
    moduleGroups(input, rows, body, files);
    body.append("<h2 id=\"ablations\">Ablations (paper Fig. 2)</h2>\n");
    for (Map.Entry<String, String> a : ABLATIONS.entrySet()) {
      ablation(a.getKey(), a.getValue(), input, rows, body, files);
    }
    earlyBird(input, rows, body, files);
  }

  // ---- Table 4 and supplementary Table 1 ----

  private static void transferForm(List<PaperTable> tables, String form, String title, Set<String> kinds,
      ReportInput input, StringBuilder body, Map<String, String> files) {
    boolean any = false;
    for (PaperTable t : tables) {
      if (t.lines().stream().noneMatch(r -> kinds.contains(r.kind()))) {
        continue;
      }
      any = true;
      // direct pruning at the transfers' prune % (whole percents) and the dense networks, as in the paper
      Set<Long> at = new TreeSet<>(List.of(0L));
      t.lines().stream().filter(r -> kinds.contains(r.kind())).forEach(r -> at.add(Math.round(r.prunePercent())));
      List<HtmlReport.Row> lines = t.lines().stream().filter(r -> kinds.contains(r.kind())
          || r.kind().equals(ReportInput.DIRECT) && at.contains(Math.round(r.prunePercent()))).toList();
      PaperTable shown = new PaperTable(t.task(), t.metrics(), lines);
      String file = "table-" + form + "-" + t.task() + ".csv";
      body.append("<section class=\"table\" id=\"").append(Html.escape(form + "-" + t.task())).append("\">\n<h3>")
          .append(Html.escape(title + ", " + HtmlReport.taskTitle(t.task()))).append("</h3>\n<p class=\"caption\">")
          .append(Html.escape("Look for the transfer against direct pruning at the same prune %, and against the"
              + " dense network. Runs: " + HtmlReport.runsUsed(lines) + ". Data: " + file + "."))
          .append("</p>\n").append(shown.html()).append("</section>\n");
      files.put(file, PaperTable.csv(List.of(shown)));
    }
    if (!any) {
      String root = input.roots().isEmpty() ? "ROOT" : input.roots().get(0);
      String key = form.equals("cross-task")
          ? "transfer: {kind: task, source: " + ticketFolder(input) + "}"
          : "transfer: {kind: mask, source: resnet18-imagenet.pth, prune: 0.8}";
      String what = form.equals("cross-task")
          ? "a detector task's ticket moved to another task (paper Table 4). Put <code>" + Html.escape(key)
              + "</code> (a ticket of another task; <code>mask_only: true</code> moves the mask alone) in the target"
              + " task's config"
          : "the pretrained backbone's largest weights kept as a mask (supplementary Table 1). Put <code>"
              + Html.escape(key) + "</code> in a detector config";
      body.append("<p class=\"notrun\" data-form=\"").append(form).append("\">Not run: no ")
          .append(form.equals("cross-task") ? "cross-task transfer" : "mask transfer").append(" in these runs, ")
          .append(what).append(" and run <code>").append(Html.escape("ticketlab lottery --config CONFIG --root " + root))
          .append("</code>.</p>\n");
    }
  }

  /** A direct-pruning ticket folder of these runs, for the example of a cross-task transfer. */
  private static String ticketFolder(ReportInput input) {
    return input.levels().stream()
        .filter(l -> l.kind().equals(ReportInput.DIRECT) && l.level() > 0 && !l.task().equals("classify"))
        .max(Comparator.comparingInt(ReportInput.Level::level))
        .map(l -> input.experimentRoots().getOrDefault(l.experiment(), "ROOT") + "/lottery_" + l.experiment() + "/"
            + l.folder())
        .orElse("ROOT/lottery_<id>/replicate_0/level_1/main");
  }

  // ---- Table 3 ----

  private static void moduleGroups(ReportInput input, List<HtmlReport.Row> rows, StringBuilder body,
      Map<String, String> files) {
    List<List<ReportInput.Settings>> groups = groups(ReportInput.MODULES, input, rows);
    Map<String, Integer> perTask = new TreeMap<>();
    for (List<ReportInput.Settings> g : groups) {
      String task = g.get(0).task();
      int n = perTask.merge(task, 1, Integer::sum);
      String id = "modules-" + task + (n == 1 ? "" : "-" + n);
      String file = "table-" + id + ".csv";
      List<HtmlReport.Row> lines = new ArrayList<>();
      Map<String, String> modules = new LinkedHashMap<>();
      for (ReportInput.Settings s : g) {
        lines.add(lastDirectOrNull(rows, s.experiment()));
        modules.put(s.experiment(), s.modules());
      }
      lines.sort(Comparator.comparing((HtmlReport.Row r) -> modules.get(r.experiment())));
      Set<String> names = new TreeSet<>(HtmlReport::compareMetrics);
      lines.forEach(r -> names.addAll(r.metrics().keySet()));
      body.append("<section class=\"table\" id=\"").append(Html.escape(id)).append("\">\n<h3>")
          .append(Html.escape("Table 3: pruned modules, " + HtmlReport.taskTitle(task))).append("</h3>\n")
          .append("<p class=\"caption\">")
          .append(Html.escape("Look for the modules whose pruning costs AP: each line prunes only the modules named"
              + " (at the experiment's last level), every other setting equal. Parameter share: network sparsity ÷"
              + " prune %, the pruned modules' share of all parameters (exact when nothing else is zero). Runs: "
              + HtmlReport.runsUsed(lines) + ". Data: " + file + "."))
          .append("</p>\n<table>\n<thead><tr><th>pruned modules</th><th>experiment</th><th>parameter share %</th>"
              + "<th>level</th><th>prune %</th><th>network sparsity %</th>");
      StringBuilder csv = new StringBuilder("modules,experiment,parameter_share_percent,level,replicates,prune_percent,"
          + "network_sparsity_percent");
      for (String m : names) {
        body.append("<th>").append(Html.escape(m)).append(" (%)</th>");
        csv.append(',').append(Html.csv(m + "_mean")).append(',').append(Html.csv(m + "_std"));
      }
      body.append("<th>replicates</th></tr></thead>\n<tbody>\n");
      csv.append('\n');
      for (HtmlReport.Row r : lines) {
        double share = r.prunePercent() > 0 ? 100 * r.networkSparsityPercent() / r.prunePercent() : Double.NaN;
        String mod = modules.get(r.experiment());
        body.append("<tr><td>").append(Html.escape(mod)).append("</td><td>").append(Html.escape(r.experiment()))
            .append("</td><td>").append(HtmlReport.fixed(share, 2)).append("</td><td>").append(r.level())
            .append("</td><td>").append(HtmlReport.fixed(r.prunePercent(), 2)).append("</td><td>")
            .append(HtmlReport.fixed(r.networkSparsityPercent(), 2)).append("</td>");
        csv.append(Html.csv(mod)).append(',').append(Html.csv(r.experiment())).append(',')
            .append(Double.isNaN(share) ? "" : SvgPlot.number(share)).append(',').append(r.level()).append(',')
            .append(r.replicates()).append(',').append(SvgPlot.number(r.prunePercent())).append(',')
            .append(SvgPlot.number(r.networkSparsityPercent()));
        for (String m : names) {
          double[] v = r.metrics().get(m);
          body.append("<td data-metric=\"").append(Html.escape(m)).append("\">").append(cell(v)).append("</td>");
          csv.append(',').append(v == null || v[2] == 0 ? "" : SvgPlot.number(v[0])).append(',')
              .append(v == null || Double.isNaN(v[1]) ? "" : SvgPlot.number(v[1]));
        }
        body.append("<td>").append(r.replicates()).append("</td></tr>\n");
        csv.append('\n');
      }
      body.append("</tbody>\n</table>\n</section>\n");
      files.put(file, csv.toString());
    }
    if (groups.isEmpty()) {
      body.append("<p class=\"notrun\" data-form=\"module-groups\">Not run: no experiments of one task that differ"
          + " only in the pruned modules (paper Table 3). Run one config several times with only <code>")
          .append(Html.escape("pruning.preset")).append("</code>, <code>pruning.include</code> or"
              + " <code>pruning.exclude</code> changed, e.g. <code>")
          .append(Html.escape("pruning: {preset: paper-voc:base+top}")).append("</code> beside <code>")
          .append(Html.escape("pruning: {preset: paper-voc}")).append("</code>, each with <code>")
          .append(Html.escape("ticketlab lottery --config CONFIG --root "
              + (input.roots().isEmpty() ? "ROOT" : input.roots().get(0))))
          .append("</code>.</p>\n");
    }
  }

  // ---- Fig. 2c–e ----

  private static void ablation(String key, String panel, ReportInput input, List<HtmlReport.Row> rows,
      StringBuilder body, Map<String, String> files) {
    List<List<ReportInput.Settings>> groups = groups(key, input, rows);
    String slug = key.replace('.', '-').replace('/', '-');
    Map<String, Integer> perTask = new TreeMap<>();
    Set<String> tasksWithAblation = new TreeSet<>();
    for (List<ReportInput.Settings> g : groups) {
      String task = g.get(0).task();
      tasksWithAblation.add(task);
      int n = perTask.merge(task, 1, Integer::sum);
      String id = "ablation-" + task + "-" + slug + (n == 1 ? "" : "-" + n);
      String file = "figure-" + id + ".csv";
      Map<String, String> valueOf = new LinkedHashMap<>();
      g.forEach(s -> valueOf.put(s.experiment(), s.value(key)));
      String metric = mainMetric(input.levels(), valueOf.keySet());
      Map<String, List<HtmlReport.Row>> series = new TreeMap<>(valueOrder(key));
      List<HtmlReport.Row> used = new ArrayList<>();
      for (HtmlReport.Row r : rows) {
        double[] m = r.metrics().get(metric);
        if (valueOf.containsKey(r.experiment()) && r.kind().equals(ReportInput.DIRECT) && m != null && m[2] > 0) {
          series.computeIfAbsent(valueOf.get(r.experiment()), v -> new ArrayList<>()).add(r);
          used.add(r);
        }
      }
      StringBuilder csv = new StringBuilder("series,experiment,level,prune_percent,network_sparsity_percent,mean,std,"
          + "replicates\n");
      List<SvgPlot.Series> plotted = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, List<HtmlReport.Row>> s : series.entrySet()) {
        List<HtmlReport.Row> pts = new ArrayList<>(s.getValue());
        pts.sort(Comparator.comparingDouble(HtmlReport.Row::networkSparsityPercent)
            .thenComparing(HtmlReport.Row::experiment).thenComparingInt(HtmlReport.Row::level));
        String name = key + " " + s.getKey();
        List<SvgPlot.Point> points = new ArrayList<>();
        for (HtmlReport.Row r : pts) {
          double[] m = r.metrics().get(metric);
          points.add(new SvgPlot.Point(r.networkSparsityPercent(), m[0], m[1]));
          csv.append(Html.csv(name)).append(',').append(Html.csv(r.experiment())).append(',').append(r.level())
              .append(',').append(SvgPlot.number(r.prunePercent())).append(',')
              .append(SvgPlot.number(r.networkSparsityPercent())).append(',').append(SvgPlot.number(m[0])).append(',')
              .append(Double.isNaN(m[1]) ? "" : SvgPlot.number(m[1])).append(',').append((int) m[2]).append('\n');
        }
        plotted.add(new SvgPlot.Series(name, HtmlReport.CYCLE[i++ % HtmlReport.CYCLE.length], points));
      }
      body.append("<figure id=\"").append(Html.escape(id)).append("\">\n")
          .append(SvgPlot.render(HtmlReport.taskTitle(task) + ": " + key, "network sparsity (%)", metric + " (%)",
              plotted))
          .append("<figcaption class=\"caption\">")
          .append(Html.escape("Look for the value of " + key + " that keeps " + metric + " up to the highest sparsity"
              + " (paper " + panel + "); only " + key + " differs between these experiments. Bars and band: ± std over"
              + " replicates. Runs: " + HtmlReport.runsUsed(used) + ". Data: " + file + "."))
          .append("</figcaption>\n</figure>\n");
      files.put(file, csv.toString());
    }
    Map<String, ReportInput.Settings> pruned = new TreeMap<>();
    input.settings().stream().filter(s -> !s.sameExcept().isEmpty() && lastDirectOrNull(rows, s.experiment()) != null)
        .forEach(s -> pruned.putIfAbsent(s.task(), s));
    for (ReportInput.Settings s : pruned.values()) {
      if (tasksWithAblation.contains(s.task())) {
        continue;
      }
      String change = switch (key) {
        case ReportInput.REWIND_AT -> "0it".equals(s.rewindAt()) ? "rewind: {at: 1ep}" : "rewind: {at: 0it}";
        case ReportInput.ROUNDS -> Integer.valueOf(2).equals(s.rounds()) ? "pruning: {rounds: 5}" : "pruning: {rounds: 2}";
        default -> "layerwise".equals(s.strategy()) ? "pruning: {strategy: global}" : "pruning: {strategy: layerwise}";
      };
      body.append("<p class=\"notrun\" data-ablation=\"").append(Html.escape(key)).append("\" data-task=\"")
          .append(Html.escape(s.task())).append("\">Not run: the ").append(Html.escape(key)).append(" ablation of ")
          .append(Html.escape(HtmlReport.taskTitle(s.task()))).append(" (paper ").append(Html.escape(panel))
          .append("). Run the config of lottery_").append(Html.escape(s.experiment())).append(" (").append(Html.escape(key))
          .append(' ').append(Html.escape(String.valueOf(s.value(key)))).append(") again with only <code>")
          .append(Html.escape(key)).append("</code> changed, e.g. <code>").append(Html.escape(change))
          .append("</code>: <code>").append(Html.escape("ticketlab lottery --config CONFIG --root "
              + input.experimentRoots().getOrDefault(s.experiment(), "ROOT"))).append("</code>.</p>\n");
    }
    if (pruned.isEmpty()) {
      body.append("<p class=\"notrun\" data-ablation=\"").append(Html.escape(key)).append("\">Not run: the ")
          .append(Html.escape(key)).append(" ablation (paper ").append(Html.escape(panel))
          .append(") needs direct-pruning experiments (a config with <code>pruning</code>) that differ only in <code>")
          .append(Html.escape(key)).append("</code>.</p>\n");
    }
  }

  // ---- Fig. 2f ----

  private static void earlyBird(ReportInput input, List<HtmlReport.Row> rows, StringBuilder body,
      Map<String, String> files) {
    if (input.earlyBirdMasks().isEmpty()) {
      boolean any = false;
      for (ReportInput.Settings s : input.settings()) {
        HtmlReport.Row last = lastDirectOrNull(rows, s.experiment());
        if (s.earlyBird().isEmpty() || last == null) {
          continue;
        }
        any = true;
        String command = "ticketlab lottery branch --name early-bird --fraction " + s.earlyBird().get(0)
            + " --config CONFIG --root " + input.experimentRoots().getOrDefault(s.experiment(), "ROOT") + " --level "
            + last.level();
        body.append("<p class=\"notrun\" data-ablation=\"early-bird\" data-experiment=\"")
            .append(Html.escape(s.experiment())).append("\">Not run: early-bird tickets of lottery_")
            .append(Html.escape(s.experiment())).append(" (paper Fig. 2f; its level 0 saved checkpoints at fractions ")
            .append(Html.escape(s.earlyBird().toString())).append("). Run <code>").append(Html.escape(command))
            .append("</code>, CONFIG being the experiment's config file.</p>\n");
      }
      if (!any) {
        body.append("<p class=\"notrun\" data-ablation=\"early-bird\">Not run: no early-bird ticket (paper Fig. 2f)."
            + " Add <code>early_bird: {fractions: [0.2, 0.4]}</code> to a config (a new experiment: the fractions are"
            + " part of its id), run <code>ticketlab lottery</code>, then <code>ticketlab lottery branch --name"
            + " early-bird --fraction 0.2 --config CONFIG --root ROOT --level K</code>.</p>\n");
      }
      return;
    }
    Map<List<Object>, List<ReportInput.EarlyBirdMask>> byBranch = new TreeMap<>(Comparator
        .comparing((List<Object> k) -> (String) k.get(0)).thenComparing(k -> (Integer) k.get(1))
        .thenComparing(k -> (Double) k.get(2)).thenComparing(k -> (String) k.get(3)));
    input.earlyBirdMasks().forEach(m -> byBranch.computeIfAbsent(
        List.of(m.experiment(), m.level(), m.fraction(), m.kind()), k -> new ArrayList<>()).add(m));
    Set<String> experiments = new TreeSet<>();
    input.earlyBirdMasks().forEach(m -> experiments.add(m.experiment()));
    String file = "table-early-bird.csv";
    body.append("<section class=\"table\" id=\"early-bird\">\n<h3>Early-bird tickets (paper Fig. 2f)</h3>\n")
        .append("<p class=\"caption\">")
        .append(Html.escape("Look for a mask IoU with the ticket near 1 and an AP within one std of the ticket's:"
            + " then the mask found early in training is as good (the paper: IoU ≈ 0.96). The metric is each"
            + " experiment's main one. Runs: " + String.join(", ", experiments.stream().map(e -> "lottery_" + e).toList())
            + ". Data: " + file + "."))
        .append("</p>\n<table>\n<thead><tr><th>experiment</th><th>branch</th><th>level</th><th>fraction</th>"
            + "<th>iteration</th><th>replicates</th><th>mask IoU with ticket</th><th>network sparsity %</th>"
            + "<th>metric</th><th>early-bird (%)</th><th>ticket (%)</th></tr></thead>\n<tbody>\n");
    StringBuilder csv = new StringBuilder("experiment,branch,level,fraction,iteration,replicates,mask_iou_mean,"
        + "mask_iou_std,network_sparsity_percent,metric,early_bird_mean,early_bird_std,ticket_mean,ticket_std\n");
    for (List<ReportInput.EarlyBirdMask> g : byBranch.values()) {
      ReportInput.EarlyBirdMask first = g.get(0);
      double[] iou = g.stream().mapToDouble(ReportInput.EarlyBirdMask::maskIouWithTicket).toArray();
      double[] iouStat = {HtmlReport.mean(iou), iou.length > 1 ? HtmlReport.std(iou) : Double.NaN, iou.length};
      String metric = mainMetric(input.levels(), Set.of(first.experiment()));
      HtmlReport.Row branch = row(rows, first.experiment(), first.kind(), first.level());
      HtmlReport.Row ticket = row(rows, first.experiment(), ReportInput.DIRECT, first.level());
      double[] eb = branch == null ? null : branch.metrics().get(metric);
      double[] tk = ticket == null ? null : ticket.metrics().get(metric);
      double sparsity = branch == null ? Double.NaN : branch.networkSparsityPercent();
      body.append("<tr><td>").append(Html.escape(first.experiment())).append("</td><td>").append(Html.escape(first.kind()))
          .append("</td><td>").append(first.level()).append("</td><td>").append(SvgPlot.number(first.fraction()))
          .append("</td><td>").append(first.iteration()).append("</td><td>").append(g.size()).append("</td><td>")
          .append(Double.isNaN(iouStat[1]) ? HtmlReport.fixed(iouStat[0], 3)
              : HtmlReport.fixed(iouStat[0], 3) + " ± " + HtmlReport.fixed(iouStat[1], 3))
          .append("</td><td>").append(HtmlReport.fixed(sparsity, 2)).append("</td><td>").append(Html.escape(metric))
          .append("</td><td data-metric=\"early-bird\">").append(cell(eb)).append("</td><td data-metric=\"ticket\">")
          .append(cell(tk)).append("</td></tr>\n");
      csv.append(Html.csv(first.experiment())).append(',').append(Html.csv(first.kind())).append(',').append(first.level())
          .append(',').append(SvgPlot.number(first.fraction())).append(',').append(first.iteration()).append(',')
          .append(g.size()).append(',').append(SvgPlot.number(iouStat[0])).append(',')
          .append(Double.isNaN(iouStat[1]) ? "" : SvgPlot.number(iouStat[1])).append(',')
          .append(Double.isNaN(sparsity) ? "" : SvgPlot.number(sparsity)).append(',').append(Html.csv(metric));
      for (double[] v : new double[][] {eb, tk}) {
        csv.append(',').append(v == null || v[2] == 0 ? "" : SvgPlot.number(v[0])).append(',')
            .append(v == null || Double.isNaN(v[1]) ? "" : SvgPlot.number(v[1]));
      }
      csv.append('\n');
    }
    body.append("</tbody>\n</table>\n</section>\n");
    files.put(file, csv.toString());
  }

  // ---- grouping ----

  /**
   * The experiments of one task that differ only in {@code key} and in more than one value of it,
   * each with at least one direct-pruning level: groups in order of their first experiment's task and
   * run id, experiments by run id.
   */
  static List<List<ReportInput.Settings>> groups(String key, ReportInput input, List<HtmlReport.Row> rows) {
    Map<String, List<ReportInput.Settings>> byBase = new TreeMap<>();
    input.settings().stream()
        .filter(s -> s.sameExcept().containsKey(key) && s.value(key) != null
            && lastDirectOrNull(rows, s.experiment()) != null)
        .sorted(Comparator.comparing(ReportInput.Settings::task).thenComparing(ReportInput.Settings::experiment))
        .forEach(s -> byBase.computeIfAbsent(s.task() + "\n" + s.sameExcept().get(key), b -> new ArrayList<>()).add(s));
    List<List<ReportInput.Settings>> out = new ArrayList<>();
    for (List<ReportInput.Settings> g : byBase.values()) {
      if (g.stream().map(s -> s.value(key)).distinct().count() > 1) {
        out.add(List.copyOf(g));
      }
    }
    out.sort(Comparator.comparing((List<ReportInput.Settings> g) -> g.get(0).task())
        .thenComparing(g -> g.get(0).experiment()));
    return out;
  }

  /** Values in their natural order: rewind points by iteration, rounds by number, else by name. */
  private static Comparator<String> valueOrder(String key) {
    return switch (key) {
      case ReportInput.REWIND_AT -> Comparator.comparing((String v) -> Step.parse(v)).thenComparing(v -> v);
      case ReportInput.ROUNDS -> Comparator.comparingInt((String v) -> Integer.parseInt(v.substring(0, v.indexOf(' '))))
          .thenComparing(v -> v);
      default -> Comparator.naturalOrder();
    };
  }

  /** The metric most of these experiments' levels name as their main one (AP of the first IoU type on ties). */
  private static String mainMetric(List<ReportInput.Level> levels, Set<String> experiments) {
    Map<String, Integer> counts = new TreeMap<>(HtmlReport::compareMetrics);
    levels.stream().filter(l -> experiments.contains(l.experiment()) && MAIN_METRIC.matcher(l.metric()).matches())
        .forEach(l -> counts.merge(l.metric(), 1, Integer::sum));
    String best = "bbox/AP";
    int most = 0;
    for (Map.Entry<String, Integer> c : counts.entrySet()) {
      if (c.getValue() > most) {
        best = c.getKey();
        most = c.getValue();
      }
    }
    return best;
  }

  /** The last pruned level of an experiment's direct pruning, or null when it has none. */
  private static HtmlReport.Row lastDirectOrNull(List<HtmlReport.Row> rows, String experiment) {
    return rows.stream().filter(r -> r.experiment().equals(experiment) && r.kind().equals(ReportInput.DIRECT)
        && r.level() > 0).max(Comparator.comparingInt(HtmlReport.Row::level)).orElse(null);
  }

  private static HtmlReport.Row row(List<HtmlReport.Row> rows, String experiment, String kind, int level) {
    return rows.stream().filter(r -> r.experiment().equals(experiment) && r.kind().equals(kind) && r.level() == level)
        .findFirst().orElse(null);
  }

  private static String cell(double[] m) {
    if (m == null || m[2] == 0) {
      return "—";
    }
    return Double.isNaN(m[1]) ? HtmlReport.fixed(m[0], 1) : HtmlReport.fixed(m[0], 1) + " ± " + HtmlReport.fixed(m[1], 1);
  }
}
