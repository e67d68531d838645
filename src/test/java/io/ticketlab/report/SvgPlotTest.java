package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgPlotTest {
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
