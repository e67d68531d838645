package io.ticketlab.report;

import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart written as inline SVG text, in {@link SvgPlot}'s style: one group per category on the x
 * axis, one bar per series in each group, a zero line when values are negative. Axes and labels use {@code
 * currentColor}; each bar carries its series, category and value as {@code data-series}/{@code
 * data-category}/{@code data-y} attributes, for readers and tests. The same input gives the same bytes.
 */
final class SvgBars {
  private static final int WIDTH = SvgPlot.WIDTH;
  private static final int HEIGHT = SvgPlot.HEIGHT;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 36;
  private static final int BOTTOM = 52;

  /**
   * A named series drawn in {@code color} (CSS colour).
   *
   * @param values one value per category (NaN: no bar)
   */
  record Series(String name, String color, double[] values) {}

  private SvgBars() {}

  static String render(String title, String yLabel, List<String> categories, List<Series> series) {
    double lo = 0;
    double hi = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    double[] yt = SvgPlot.ticks(lo, hi == lo ? lo + 1 : hi);
    double y0 = yt[0];
    double y1 = yt[yt.length - 1];
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator py = v -> TOP + plotH - (v - y0) / (y1 - y0) * plotH;
    double groupW = (double) plotW / Math.max(1, categories.size());
    double barW = groupW * 0.8 / Math.max(1, series.size());

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg class=\"plot\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"13\">%n",
        WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"15\""
        + " font-weight=\"bold\" fill=\"currentColor\">%s</text>%n", LEFT + plotW / 2, Html.escape(title)));
    for (double t : yt) {
      double y = py.applyAsDouble(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"currentColor\""
          + " stroke-opacity=\"%s\"/>%n", LEFT, y, LEFT + plotW, y, t == 0 ? "0.6" : "0.15"));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\" fill=\"currentColor\">%s</text>%n",
          LEFT - 6, y + 4, tick(t)));
    }
    for (int c = 0; c < categories.size(); c++) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\">%s"
          + "</text>%n", LEFT + (c + 0.5) * groupW, TOP + plotH + 19, Html.escape(categories.get(c))));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
        + " stroke=\"currentColor\"/>%n", LEFT, TOP, plotW, plotH));
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\""
        + " transform=\"rotate(-90 16 %d)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, Html.escape(yLabel)));
    double zero = py.applyAsDouble(0);
    int legendY = TOP + 8;
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      sb.append(String.format(Locale.ROOT, "<g class=\"series\" data-name=\"%s\" fill=\"%s\">%n",
          Html.escape(ser.name()), ser.color()));
      for (int c = 0; c < categories.size() && c < ser.values().length; c++) {
        double v = ser.values()[c];
        if (!Double.isFinite(v)) {
          continue;
        }
        double x = LEFT + c * groupW + groupW * 0.1 + s * barW;
        double y = py.applyAsDouble(v);
        sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\""
            + " height=\"%.2f\" data-series=\"%s\" data-category=\"%s\" data-y=\"%s\"/>%n", x, Math.min(y, zero),
            barW, Math.abs(zero - y), Html.escape(ser.name()), Html.escape(categories.get(c)), SvgPlot.number(v)));
      }
      sb.append("</g>\n");
      sb.append(String.format(Locale.ROOT, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"18\" height=\"10\""
          + " fill=\"%s\"/><text x=\"%d\" y=\"%d\" fill=\"currentColor\">%s</text></g>%n",
          WIDTH - RIGHT + 14, legendY - 5, ser.color(), WIDTH - RIGHT + 40, legendY + 4, Html.escape(ser.name())));
      legendY += 20;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String tick(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }
}
