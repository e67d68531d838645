package io.ticketlab.report;

import io.ticketlab.analysis.keypoints.KeypointAnalysis;
import io.ticketlab.analysis.keypoints.KeypointAnalysisResult;
import io.ticketlab.analysis.keypoints.KeypointAnalysisStep;
import io.ticketlab.analysis.keypoints.KeypointError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * coco-analyze's keypoint error figures: the precision–recall curves after each cumulative
 * correction (filled between consecutive steps, coco-analyze's colours), the AP gained by fixing
 * each error type alone, the share of keypoint classes, and the comparison of several models on
 * shared axes. APs are on coco-analyze's 0–1 scale, area range "all".
 */
public final class KeypointFigures {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** coco-analyze's colours of the steps (baseline light grey). */
  static final Color[] STEP_COLORS = {
    Charts.hex("#E8E8E8"), Charts.hex("#F2E394"), Charts.hex("#F2AE72"), Charts.hex("#D96459"),
    Charts.hex("#8C4646"), Charts.hex("#4F82BD"), Charts.hex("#8063A3"), Charts.hex("#2E8B57")
  };
  private static final String[] STEP_LABELS = {
    "Original", "w/o Miss", "w/o Swap", "w/o Inv.", "w/o Jit.", "Opt. Score", "w/o Bkg. FP",
    "w/o FN"
  };
  private static final int OKS_INDEX_75 = 5;

  private KeypointFigures() {}

  /** Stacked PR curves of one model at OKS .75 (area "all"), each step filled to the previous. */
  static XYChart prBreakdown(String label, KeypointAnalysisResult r) {
    XYChart chart = new XYChartBuilder().width(560).height(460)
        .title(label + ": PR after each fix (OKS .75)").xAxisTitle("recall")
        .yAxisTitle("precision").build();
    Charts.style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setXAxisDecimalPattern("0.0");
    chart.getStyler().setYAxisDecimalPattern("0.0");
    chart.getStyler().setLegendFont(new java.awt.Font(java.awt.Font.MONOSPACED,
        java.awt.Font.PLAIN, 12));
    chart.getStyler().setLegendBackgroundColor(new Color(255, 255, 255, 210));
    chart.getStyler().setLegendSeriesLineLength(22);
    double[] x = new double[101];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 100.0;
    }
    KeypointAnalysisStep[] steps = KeypointAnalysisStep.values();
    // painted from the last (outermost) step to the first, so each fill shows what the step adds
    for (int s = steps.length - 1; s >= 0; s--) {
      double[] p = r.precisionCurves().get(steps[s])[OKS_INDEX_75].clone();
      double sum = 0;
      for (int i = 0; i < p.length; i++) {
        p[i] = Math.max(0, p[i]);
        sum += p[i];
      }
      String name = String.format(Locale.ROOT, "%-11s %.3f", STEP_LABELS[s], sum / p.length);
      XYSeries series = chart.addSeries(name, x, p);
      series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      series.setMarker(SeriesMarkers.NONE);
      series.setFillColor(STEP_COLORS[s]);
      series.setLineColor(STEP_COLORS[s].darker());
      series.setLineStyle(new BasicStroke(2.5f));
    }
    return chart;
  }

  private static List<String> fixNames() {
    return List.of("miss", "swap", "inversion", "jitter", "score", "bkg FP", "FN");
  }

  private static double[] isolatedGains(KeypointAnalysisResult r) {
    KeypointAnalysisStep[] steps = KeypointAnalysisStep.values();
    double[] g = new double[steps.length - 1];
    for (int s = 1; s < steps.length; s++) {
      double[] imp = r.isolatedImprovement(steps[s], "all");
      double sum = 0;
      for (double v : imp) {
        sum += v;
      }
      g[s - 1] = sum / imp.length;
    }
    return g;
  }

  private static double[] classShares(KeypointAnalysisResult r) {
    double total = 0;
    for (KeypointError e : KeypointError.values()) {
      total += r.errorCounts().get(e);
    }
    double[] v = new double[KeypointError.values().length];
    for (KeypointError e : KeypointError.values()) {
      v[e.ordinal()] = total > 0 ? 100.0 * r.errorCounts().get(e) / total : 0;
    }
    return v;
  }

  private static List<String> classNames() {
    List<String> names = new ArrayList<>();
    for (KeypointError e : KeypointError.values()) {
      names.add(e.jsonName());
    }
    return names;
  }

  /** One model's breakdown: PR curves per step, AP gain per error type alone, keypoint classes. */
  public static Figure breakdown(String label, KeypointAnalysisResult r) {
    return comparison(List.of(label), List.of(r));
  }

  /**
   * Several models side by side: the AP after each cumulative step, the AP gained by fixing each
   * error type alone, the share of keypoint classes (one bar per model, shared axes), then each
   * model's PR breakdown on the same [0, 1] axes.
   */
  public static Figure comparison(List<String> labels, List<KeypointAnalysisResult> results) {
    if (labels.size() != results.size() || results.isEmpty()) {
      throw new IllegalArgumentException("one label per result needed");
    }
    int n = results.size();
    KeypointAnalysisStep[] steps = KeypointAnalysisStep.values();
    List<String> stepNames = new ArrayList<>();
    for (KeypointAnalysisStep s : steps) {
      stepNames.add(switch (s) {
        case BASELINE -> "base";
        case INVERSION -> "+inv";
        case JITTER -> "+jit";
        default -> "+" + s.shortName();
      });
    }
    double[][] cumulative = new double[n][steps.length];
    double[][] gains = new double[n][];
    double[][] shares = new double[n][];
    Color[] colors = new Color[n];
    StringBuilder title = new StringBuilder("Keypoint errors: ");
    for (int m = 0; m < n; m++) {
      KeypointAnalysisResult r = results.get(m);
      for (KeypointAnalysisStep s : steps) {
        cumulative[m][s.ordinal()] = r.cumulativeAp(s, "all");
      }
      gains[m] = isolatedGains(r);
      shares[m] = classShares(r);
      colors[m] = Charts.model(m);
      title.append(m == 0 ? "" : " vs ").append(labels.get(m)).append(String.format(Locale.ROOT,
          " (AP %.3f)", r.cumulativeAp(KeypointAnalysisStep.BASELINE, "all")));
    }
    CategoryChart cum = Charts.groupedBars("AP after each cumulative fix",
        "AP (OKS .50:.95, area all)", stepNames, labels, cumulative, colors, "0.00");
    cum.getStyler().setYAxisMin(0.0);
    cum.getStyler().setYAxisMax(1.1);
    cum.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    cum.getStyler().setLabelsVisible(n == 1);
    CategoryChart gain = Charts.groupedBars("AP gain, each error fixed alone", "AP gain",
        fixNames(), labels, gains, colors, "0.00");
    double top = 0;
    double bottom = 0;
    for (double[] g : gains) {
      for (double v : g) {
        top = Math.max(top, v);
        bottom = Math.min(bottom, v);
      }
    }
    gain.getStyler().setLabelsVisible(n == 1);
    gain.getStyler().setYAxisMax(Math.max(0.05, top * 1.35));
    gain.getStyler().setYAxisMin(Math.min(0.0, bottom * 1.2));
    gain.getStyler().setLegendPosition(Styler.LegendPosition.InsideN);
    CategoryChart cls = Charts.groupedBars("Keypoint classes", "% of analysed keypoints",
        classNames(), labels, shares, colors, "0");
    cls.getStyler().setYAxisMin(0.0);
    cls.getStyler().setYAxisMax(100.0);
    List<Chart<?, ?>> panels = new ArrayList<>(List.of(cum, gain, cls));
    for (int m = 0; m < n; m++) {
      panels.add(prBreakdown(labels.get(m), results.get(m)));
    }
    return new Figure(title.toString(), panels, n == 1 ? 2 : 3, 560, 460);
  }

  /** The OKS thresholds of the analysis (for captions). */
  static double[] thresholds() {
    return KeypointAnalysis.OKS_THRESHOLDS.clone();
  }
}
