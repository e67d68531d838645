package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SvgPlot}: where values land on a linear and a logarithmic y axis; std bands; coordinate format. */
class SvgPlotTest {
  private static final Pattern CY = Pattern.compile("<circle class=\"point\" cx=\"[^\"]+\" cy=\"([^\"]+)\"");
  private static final Pattern Y_TICK = Pattern.compile("text-anchor=\"end\" fill=\"currentColor\">([^<]+)</text>");

  private static List<Double> cys(String svg) {
    List<Double> out = new ArrayList<>();
    Matcher m = CY.matcher(svg);
    while (m.find()) {
      out.add(Double.parseDouble(m.group(1)));
    }
    return out;
  }

  private static List<String> yTicks(String svg) {
    List<String> out = new ArrayList<>();
    Matcher m = Y_TICK.matcher(svg);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<SvgPlot.Series> oneSeries(double... ys) {
    List<SvgPlot.Point> pts = new ArrayList<>();
    for (int i = 0; i < ys.length; i++) {
      pts.add(new SvgPlot.Point(i, ys[i], Double.NaN));
    }
    return List.of(new SvgPlot.Series("s", "#000", pts));
  }

  @Test
  void logY_equalRatiosAreEqualDistances_ticksAtPowersOfTen() {
    String svg = SvgPlot.renderLogY("t", "x", "bytes", oneSeries(1e3, 1e4, 1e5, 1e7));
    assertThat(svg).contains("data-y-scale=\"log\"");
    List<Double> y = cys(svg);
    assertThat(y).hasSize(4);
    // 1e3 → 1e4 and 1e4 → 1e5 are the same distance; 1e5 → 1e7 twice it
    assertThat(y.get(0) - y.get(1)).isCloseTo(y.get(1) - y.get(2), within(0.02));
    assertThat(y.get(2) - y.get(3)).isCloseTo(2 * (y.get(1) - y.get(2)), within(0.02));
    assertThat(yTicks(svg)).containsExactly("1000", "1e4", "1e5", "1e6", "1e7");
    // the data attributes keep the values, not their logarithms
    assertThat(svg).contains("data-y=\"10000.0\"");
  }

  @Test
  void linearY_equalDifferencesAreEqualDistances() {
    String svg = SvgPlot.render("t", "x", "y", oneSeries(1e3, 1e4, 1e5));
    assertThat(svg).doesNotContain("data-y-scale");
    List<Double> y = cys(svg);
    // on a linear axis 1e4 → 1e5 is ten times 1e3 → 1e4
    assertThat(y.get(1) - y.get(2)).isCloseTo(10 * (y.get(0) - y.get(1)), within(0.05));
  }

  @Test
  void logY_leavesOutValuesThatAreNotPositive() {
    String svg = SvgPlot.renderLogY("t", "x", "y", oneSeries(0, 50, -1, 200));
    assertThat(cys(svg)).hasSize(2);
    assertThat(yTicks(svg)).containsExactly("10", "100", "1000");
  }

  @Test
  void logTicks_coverTheRangeByDecades() {
    assertThat(SvgPlot.logTicks(3, 3)).containsExactly(1, 10);
    assertThat(SvgPlot.logTicks(1e5, 1e5)).containsExactly(1e5, 1e6);
    assertThat(SvgPlot.logTicks(0.02, 150)).containsExactly(0.01, 0.1, 1, 10, 100, 1000);
  }

  static String group(String svg, String series) {
    int s = svg.indexOf("<g class=\"series\" data-name=\"" + series + "\"");
    assertThat(s).as(series).isNotNegative();
    return svg.substring(s, svg.indexOf("</g>", s));
  }

  /** The vertices of the series' band polygon, or an empty list when it has none. */
  static List<double[]> band(String group) {
    Matcher m = Pattern.compile("<polygon class=\"band\"[^>]* points=\"([^\"]+)\"").matcher(group);
    List<double[]> out = new ArrayList<>();
    if (m.find()) {
      for (String v : m.group(1).split(" ")) {
        String[] xy = v.split(",");
        out.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
      }
    }
    return out;
  }

  /** Pixel (cx, cy) of each marker and the (top, bottom) pixel of each error bar, in drawing order. */
  static List<double[]> markers(String group) {
    Matcher m = Pattern.compile("cx=\"([^\"]+)\" cy=\"([^\"]+)\"").matcher(group);
    List<double[]> out = new ArrayList<>();
    while (m.find()) {
      out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    return out;
  }

  @Test
  void seriesWithReplicates_getABandFromMeanPlusStdToMeanMinusStd_throughEveryPoint() {
    List<SvgPlot.Point> pts = List.of(new SvgPlot.Point(0, 40, 1), new SvgPlot.Point(50, 30, 2),
        new SvgPlot.Point(80, 20, Double.NaN));
    String svg = SvgPlot.render("t", "x", "y", List.of(new SvgPlot.Series("direct", "#1f4e79", pts)));
    String g = group(svg, "direct");
    assertThat(g).contains("<polygon class=\"band\" stroke=\"none\" fill-opacity=\"0.18\"");
    assertThat(g.indexOf("<polygon")).isLessThan(g.indexOf("<polyline")); // the line is drawn over the band
    List<double[]> band = band(g);
    List<double[]> marks = markers(g);
    assertThat(band).hasSize(6);
    // the band's edges are where the error bars end (the bars' pixels come from the same axis mapping)
    Matcher bars = Pattern.compile("class=\"err\"[^>]* d=\"M([0-9.]+) ([0-9.]+)V([0-9.]+)").matcher(g);
    for (int i = 0; i < 2; i++) {
      assertThat(bars.find()).isTrue();
      double[] upper = band.get(i);
      double[] lower = band.get(5 - i);
      assertThat(upper[0]).isEqualTo(marks.get(i)[0]).isEqualTo(Double.parseDouble(bars.group(1)));
      assertThat(lower[0]).isEqualTo(marks.get(i)[0]);
      assertThat(upper[1]).isEqualTo(Double.parseDouble(bars.group(3))); // mean + std, higher on the page
      assertThat(lower[1]).isEqualTo(Double.parseDouble(bars.group(2)));
      assertThat((upper[1] + lower[1]) / 2).isCloseTo(marks.get(i)[1], within(0.011));
    }
    assertThat(bars.find()).isFalse(); // one replicate at 80: no bar, the band closes on the mean
    assertThat(band.get(2)).containsExactly(marks.get(2));
    assertThat(band.get(3)).containsExactly(marks.get(2));
    assertThat(band.get(0)[1] - band.get(5)[1]).isCloseTo((band.get(1)[1] - band.get(4)[1]) / 2, within(0.011));
  }

  @Test
  void seriesWithoutReplicates_orWithOnePoint_getNoBand() {
    String svg = SvgPlot.render("t", "x", "y", List.of(
        new SvgPlot.Series("one seed", "#e07b00", List.of(new SvgPlot.Point(0, 40, Double.NaN),
            new SvgPlot.Point(50, 30, 0))),
        new SvgPlot.Series("one point", "#2e8b57", List.of(new SvgPlot.Point(20, 35, 3)))));
    assertThat(band(group(svg, "one seed"))).isEmpty();
    assertThat(group(svg, "one point")).doesNotContain("<polygon").contains("class=\"err\"");
  }

  @Test
  void pixelCoordinates_haveTwoDecimals_likePercentTwoF() {
    for (double v : new double[] {0, 0.004, 0.005, 1.5, 12.345678, 98.7, 333.999, -0.004, -2.5, -17.126}) {
      StringBuilder sb = new StringBuilder();
      SvgPlot.fixed2(sb, v);
      assertThat(sb.toString()).as("%s", v).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", v)
          .replace("-0.00", "0.00"));
    }
  }
}
