package io.ticketlab.report;

import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideResult;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieChartBuilder;
import org.knowm.xchart.PieSeries;
import org.knowm.xchart.style.PieStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * TIDE's figures: the summary of one model (share of each main error type in the summed dAP, the
 * dAP of each main error, the special errors) and the comparison of several models on shared axes.
 * dAPs are in AP points (0–100), as tidecv prints them.
 */
public final class TideFigures {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** One colour per main error type, in {@link TideErrorType} order. */
  static final Color[] ERROR_COLORS = {
    Charts.hex("#D62728"), Charts.hex("#FF7F0E"), Charts.hex("#9467BD"), Charts.hex("#8C564B"),
    Charts.hex("#1F77B4"), Charts.hex("#2CA02C")
  };

  private TideFigures() {}

  private static List<String> mainNames() {
    List<String> names = new ArrayList<>();
    for (TideErrorType t : TideErrorType.values()) {
      names.add(t.shortName());
    }
    return names;
  }

  /** The summary figure of one model: error share (pie), main dAPs, special dAPs. */
  public static Figure summary(String label, TideResult r) {
    PieChart pie = new PieChartBuilder().width(480).height(440)
        .title("Share of main-error dAP").build();
    Charts.style(pie.getStyler());
    pie.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    pie.getStyler().setLabelType(PieStyler.LabelType.Percentage);
    pie.getStyler().setLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
    pie.getStyler().setLabelsDistance(0.75);
    pie.getStyler().setDecimalPattern("0");
    double total = 0;
    for (TideErrorType t : TideErrorType.values()) {
      total += r.dAp(t);
    }
    for (TideErrorType t : TideErrorType.values()) {
      if (r.dAp(t) > 0) {
        PieSeries s = pie.addSeries(t.shortName(), r.dAp(t));
        s.setFillColor(ERROR_COLORS[t.ordinal()]);
      }
    }
    if (total <= 0) {
      pie.addSeries("no error", 1).setFillColor(Color.LIGHT_GRAY);
    }
    double[][] main = new double[1][TideErrorType.values().length];
    for (TideErrorType t : TideErrorType.values()) {
      main[0][t.ordinal()] = r.dAp(t);
    }
    CategoryChart mainBars = Charts.groupedBars("Main errors", "dAP (AP points)", mainNames(),
        List.of(label), main, new Color[] {Charts.model(0)}, "0.00");
    CategoryChart special = Charts.groupedBars("Special errors", "dAP (AP points)",
        List.of("FalsePos", "FalseNeg"), List.of(label),
        new double[][] {{r.falsePositiveDap(), r.falseNegativeDap()}},
        new Color[] {Charts.model(0)}, "0.00");
    List<Chart<?, ?>> panels = List.of(pie, mainBars, special);
    String title = String.format(Locale.ROOT, "TIDE %s errors: %s (AP%d = %.2f)",
        r.settings().mode().name().toLowerCase(Locale.ROOT), label,
        Math.round(r.settings().foregroundThreshold() * 100), r.ap());
    return new Figure(title, panels, 3, 540, 460);
  }

  /**
   * Several models side by side on shared axes: main dAPs, special dAPs and each error's share of
   * the summed main dAP (%), one bar per model in each group.
   */
  public static Figure comparison(List<String> labels, List<TideResult> results) {
    if (labels.size() != results.size() || results.isEmpty()) {
      throw new IllegalArgumentException("one label per result needed");
    }
    int n = results.size();
    double[][] main = new double[n][TideErrorType.values().length];
    double[][] share = new double[n][TideErrorType.values().length];
    double[][] special = new double[n][2];
    Color[] colors = new Color[n];
    StringBuilder title = new StringBuilder("TIDE errors: ");
    for (int m = 0; m < n; m++) {
      TideResult r = results.get(m);
      double total = 0;
      for (TideErrorType t : TideErrorType.values()) {
        main[m][t.ordinal()] = r.dAp(t);
        total += r.dAp(t);
      }
      for (TideErrorType t : TideErrorType.values()) {
        share[m][t.ordinal()] = total > 0 ? 100 * r.dAp(t) / total : 0;
      }
      special[m][0] = r.falsePositiveDap();
      special[m][1] = r.falseNegativeDap();
      colors[m] = Charts.model(m);
      title.append(m == 0 ? "" : " vs ").append(labels.get(m)).append(String.format(Locale.ROOT,
          " (AP%d %.1f)", Math.round(r.settings().foregroundThreshold() * 100), r.ap()));
    }
    double max = 0;
    for (int m = 0; m < n; m++) {
      for (double v : main[m]) {
        max = Math.max(max, v);
      }
    }
    CategoryChart mainBars = Charts.groupedBars("Main errors (dAP)", "dAP (AP points)",
        mainNames(), labels, main, colors, "0.0");
    mainBars.getStyler().setYAxisMin(0.0);
    mainBars.getStyler().setYAxisMax(Math.max(1, Math.ceil(max * 1.15)));
    CategoryChart specialBars = Charts.groupedBars("Special errors (dAP)", "dAP (AP points)",
        List.of("FalsePos", "FalseNeg"), labels, special, colors, "0.0");
    double specialMax = 0;
    double specialMin = 0;
    for (double[] row : special) {
      for (double v : row) {
        specialMax = Math.max(specialMax, v);
        specialMin = Math.min(specialMin, v);
      }
    }
    specialBars.getStyler().setYAxisMax(Math.max(1, Math.ceil(specialMax * 1.3)));
    specialBars.getStyler().setYAxisMin(Math.floor(specialMin * 1.3));
    CategoryChart shareBars = Charts.groupedBars("Share of main-error dAP", "% of summed dAP",
        mainNames(), labels, share, colors, "0");
    shareBars.getStyler().setYAxisMin(0.0);
    shareBars.getStyler().setYAxisMax(100.0);
    List<Chart<?, ?>> panels = List.of(mainBars, specialBars, shareBars);
    return new Figure(title.toString(), panels, 3, 560, 460);
  }
}
