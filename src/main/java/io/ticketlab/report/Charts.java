package io.ticketlab.report;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** Shared look of TicketLab's figures: fonts large enough to read, white background, colours. */
final class Charts {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Colours of models compared side by side (dense first, then sparse tickets). */
  static final Color[] MODELS = {
    new Color(0x1F, 0x4E, 0x79), new Color(0xE0, 0x7B, 0x00), new Color(0x2E, 0x8B, 0x57),
    new Color(0x8B, 0x1E, 0x3F), new Color(0x6A, 0x5A, 0xCD), new Color(0x55, 0x55, 0x55)
  };

  private Charts() {}

  static Color model(int i) {
    return MODELS[i % MODELS.length];
  }

  static Color hex(String rgb) {
    return new Color(Integer.parseInt(rgb.substring(1), 16));
  }

  static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setChartTitleBoxVisible(false);
    s.setAntiAlias(true);
    s.setToolTipsEnabled(false);
    if (s instanceof AxesChartStyler a) {
      a.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      a.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      a.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
      a.setPlotGridVerticalLinesVisible(false);
    }
  }

  /**
   * A grouped bar chart: one group per category, one bar per series; {@code colors} per series.
   */
  static CategoryChart groupedBars(String title, String yTitle, List<String> categories,
      List<String> series, double[][] values, Color[] colors, String decimals) {
    CategoryChart chart = new CategoryChartBuilder().width(560).height(440).title(title)
        .xAxisTitle("").yAxisTitle(yTitle).build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, series.size() > 2 ? 10 : 12));
    chart.getStyler().setLabelsFontColorAutomaticEnabled(true);
    chart.getStyler().setLabelsFontColorAutomaticLight(Color.WHITE);
    chart.getStyler().setLabelsFontColorAutomaticDark(Color.BLACK);
    chart.getStyler().setLabelsPosition(0.92);
    chart.getStyler().setDecimalPattern(decimals);
    chart.getStyler().setYAxisDecimalPattern(decimals);
    chart.getStyler().setAvailableSpaceFill(0.8);
    for (int s = 0; s < series.size(); s++) {
      List<Double> y = new java.util.ArrayList<>();
      for (double v : values[s]) {
        y.add(v);
      }
      CategorySeries cs = chart.addSeries(series.get(s), categories, y);
      cs.setFillColor(colors[s % colors.length]);
    }
    return chart;
  }
}
