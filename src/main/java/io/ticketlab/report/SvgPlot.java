package io.ticketlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line plot with markers, ± error bars and a shaded ± band (series with replicates) written as
 * inline SVG text for an HTML page (no fonts to embed, no external resources, byte-identical for
 * the same input). Axes and labels use {@code currentColor}
 * so the figure follows the page's light or dark colours; each point carries its values as
 * {@code data-x}/{@code data-y}/{@code data-err} attributes, for readers and tests. The y axis is linear, or
 * logarithmic ({@link #renderLogY}: decade ticks, for quantities over orders of magnitude such as bytes on disk).
 */
final class SvgPlot {
  static final int WIDTH = 640;
  static final int HEIGHT = 400;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 36;
  private static final int BOTTOM = 52;

  /** One point; {@code err} is the ± half-width of its error bar (NaN or 0: none). */
  record Point(double x, double y, double err) {}

  /** A named series drawn in {@code color} (CSS colour). */
  record Series(String name, String color, List<Point> points) {}

  private SvgPlot() {}

  static String render(String title, String xLabel, String yLabel, List<Series> series) {
    return render(title, xLabel, yLabel, series, false);
  }

  /**
   * The plot with a base-10 logarithmic y axis: ticks at the powers of ten covering the data, equal
   * distances for equal ratios. Points with y ≤ 0 cannot be drawn and are left out; error bars are
   * not drawn. The svg element carries {@code data-y-scale="log"}.
   */
  static String renderLogY(String title, String xLabel, String yLabel, List<Series> series) {
    List<Series> positive = new ArrayList<>();
    for (Series s : series) {
      positive.add(new Series(s.name(), s.color(),
          s.points().stream().filter(p -> p.y() > 0 && Double.isFinite(p.y()))
              .map(p -> new Point(p.x(), p.y(), Double.NaN)).toList()));
    }
    return render(title, xLabel, yLabel, positive, true);
  }

  private static String render(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (Point p : s.points()) {
        double e = Double.isFinite(p.err()) ? p.err() : 0;
        xMin = Math.min(xMin, p.x());
        xMax = Math.max(xMax, p.x());
        yMin = Math.min(yMin, p.y() - e);
        yMax = Math.max(yMax, p.y() + e);
      }
    }
    if (!Double.isFinite(xMin)) {
      xMin = 0;
      xMax = 1;
      yMin = logY ? 1 : 0;
      yMax = logY ? 10 : 1;
    }
    double[] xt = ticks(xMin, xMax);
    double[] yt = logY ? logTicks(yMin, yMax) : ticks(yMin, yMax);
    double x0 = xt[0];
    double x1 = xt[xt.length - 1];
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator scale = logY ? Math::log10 : v -> v;
    double y0 = scale.applyAsDouble(yt[0]);
    double y1 = scale.applyAsDouble(yt[yt.length - 1]);
    java.util.function.DoubleUnaryOperator px = v -> LEFT + (v - x0) / (x1 - x0) * plotW;
    java.util.function.DoubleUnaryOperator py = v -> TOP + plotH - (scale.applyAsDouble(v) - y0) / (y1 - y0) * plotH;

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg class=\"plot\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"%s"
            + " role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"13\">%n",
        WIDTH, HEIGHT, WIDTH, HEIGHT, logY ? " data-y-scale=\"log\"" : "", Html.escape(title)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"15\""
        + " font-weight=\"bold\" fill=\"currentColor\">%s</text>%n", LEFT + plotW / 2, Html.escape(title)));
    // grid and ticks
    for (double t : yt) {
      double y = py.applyAsDouble(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"currentColor\""
          + " stroke-opacity=\"0.15\"/>%n", LEFT, y, LEFT + plotW, y));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\" fill=\"currentColor\">%s</text>%n",
          LEFT - 6, y + 4, logY ? powerTick(t) : tick(t)));
    }
    for (double t : xt) {
      double x = px.applyAsDouble(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"currentColor\"/>%n",
          x, TOP + plotH, x, TOP + plotH + 5));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\">%s</text>%n",
          x, TOP + plotH + 19, tick(t)));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
        + " stroke=\"currentColor\"/>%n", LEFT, TOP, plotW, plotH));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\">%s</text>%n",
        LEFT + plotW / 2, HEIGHT - 10, Html.escape(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\""
        + " transform=\"rotate(-90 16 %d)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, Html.escape(yLabel)));
    // series
    int legendY = TOP + 8;
    for (Series s : series) {
      List<Point> pts = new ArrayList<>(s.points());
      sb.append(String.format(Locale.ROOT, "<g class=\"series\" data-name=\"%s\" stroke=\"%s\" fill=\"%s\">%n",
          Html.escape(s.name()), s.color(), s.color()));
      if (pts.size() > 1 && pts.stream().anyMatch(p -> Double.isFinite(p.err()) && p.err() > 0)) {
        band(sb, pts, px, py);
      }
      if (pts.size() > 1) {
        sb.append("<polyline fill=\"none\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < pts.size(); i++) {
          vertex(sb.append(i == 0 ? "" : " "), px.applyAsDouble(pts.get(i).x()), py.applyAsDouble(pts.get(i).y()));
        }
        sb.append("\"/>\n");
      }
      for (Point p : pts) {
        double x = px.applyAsDouble(p.x());
        double y = py.applyAsDouble(p.y());
        boolean bar = Double.isFinite(p.err()) && p.err() > 0;
        if (bar) {
          double lo = py.applyAsDouble(p.y() - p.err());
          double hi = py.applyAsDouble(p.y() + p.err());
          sb.append("<path class=\"err\" fill=\"none\" stroke-width=\"1.5\" d=\"M");
          fixed2(sb, x);
          fixed2(sb.append(' '), lo);
          fixed2(sb.append('V'), hi);
          fixed2(sb.append('M'), x - 4);
          fixed2(sb.append(' '), lo);
          fixed2(sb.append('H'), x + 4);
          fixed2(sb.append('M'), x - 4);
          fixed2(sb.append(' '), hi);
          fixed2(sb.append('H'), x + 4);
          sb.append("\"/>\n");
        }
        sb.append("<circle class=\"point\" cx=\"");
        fixed2(sb, x);
        fixed2(sb.append("\" cy=\""), y);
        sb.append("\" r=\"4\" data-x=\"").append(number(p.x())).append("\" data-y=\"").append(number(p.y())).append('"');
        if (bar) {
          sb.append(" data-err=\"").append(number(p.err())).append('"');
        }
        sb.append("/>\n");
      }
      sb.append("</g>\n");
      sb.append(String.format(Locale.ROOT, "<g class=\"legend\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
          + " stroke=\"%s\" stroke-width=\"2\"/><circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\" fill=\"currentColor\">%s</text></g>%n",
          WIDTH - RIGHT + 12, legendY, WIDTH - RIGHT + 36, legendY, s.color(), WIDTH - RIGHT + 24, legendY, s.color(),
          WIDTH - RIGHT + 42, legendY + 4, Html.escape(s.name())));
      legendY += 20;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /**
   * The ± std band of a series with replicates: a closed polygon through {@code y + err} left to right
   * and back through {@code y - err} (a point without replicates contributes its mean twice), filled in
   * the series colour at low opacity so that lines and markers stay readable on it, in light and dark.
   */
  private static void band(StringBuilder sb, List<Point> pts, java.util.function.DoubleUnaryOperator px,
      java.util.function.DoubleUnaryOperator py) {
    sb.append("<polygon class=\"band\" stroke=\"none\" fill-opacity=\"0.18\" points=\"");
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      double e = Double.isFinite(p.err()) ? p.err() : 0;
      vertex(sb.append(i == 0 ? "" : " "), px.applyAsDouble(p.x()), py.applyAsDouble(p.y() + e));
    }
    for (int i = pts.size() - 1; i >= 0; i--) {
      Point p = pts.get(i);
      double e = Double.isFinite(p.err()) ? p.err() : 0;
      vertex(sb.append(' '), px.applyAsDouble(p.x()), py.applyAsDouble(p.y() - e));
    }
    sb.append("\"/>\n");
  }

  private static void vertex(StringBuilder sb, double x, double y) {
    fixed2(sb, x);
    fixed2(sb.append(','), y);
  }

  /**
   * A pixel coordinate with two decimals, rounded half up: {@code %.2f} without a {@code Formatter}
   * (the report writes tens of thousands of them, and formatting was most of its rendering time); the
   * two can differ in the last digit only where {@code v × 100} lies within a rounding error of a tie.
   */
  static void fixed2(StringBuilder sb, double v) {
    long hundredths = Math.round(Math.abs(v) * 100);
    if (v < 0 && hundredths != 0) {
      sb.append('-');
    }
    long fraction = hundredths % 100;
    sb.append(hundredths / 100).append('.').append(fraction < 10 ? "0" : "").append(fraction);
  }

  /** Round tick positions covering [lo, hi]: 1, 2 or 5 times a power of ten apart, at least two. */
  static double[] ticks(double lo, double hi) {
    if (hi - lo < 1e-9) {
      double pad = Math.abs(lo) < 1e-9 ? 1 : Math.abs(lo) * 0.05;
      lo -= pad;
      hi += pad;
    }
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
    double start = Math.floor(lo / step) * step;
    double end = Math.ceil(hi / step) * step;
    int n = (int) Math.round((end - start) / step) + 1;
    double[] t = new double[Math.max(n, 2)];
    for (int i = 0; i < t.length; i++) {
      t[i] = start + i * step;
    }
    return t;
  }

  /** The powers of ten from the one at or below {@code lo} to the one at or above {@code hi}, at least two. */
  static double[] logTicks(double lo, double hi) {
    if (!(lo > 0) || !(hi >= lo)) {
      throw new IllegalArgumentException("a log axis needs 0 < lo <= hi, got " + lo + ", " + hi);
    }
    int from = (int) Math.floor(Math.log10(lo) + 1e-9);
    int to = Math.max(from + 1, (int) Math.ceil(Math.log10(hi) - 1e-9));
    double[] t = new double[to - from + 1];
    for (int i = 0; i < t.length; i++) {
      t[i] = Math.pow(10, from + i);
    }
    return t;
  }

  /** A power of ten as a tick label: 1, 10, 100, 1000, then 1e4, 1e5, ... (and 0.1, 0.01, then 1e-3, ...). */
  private static String powerTick(double v) {
    int e = (int) Math.round(Math.log10(v));
    return e >= 0 && e <= 3 ? tick(v) : e < 0 && e >= -2 ? tick(v) : "1e" + e;
  }

  private static String tick(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }

  /** A value as the data attributes and CSV files hold it: shortest exact decimal. */
  static String number(double v) {
    return Double.toString(v);
  }
}
