package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SvgPlot}'s axes: where values land, on a linear and on a logarithmic y axis. */
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
}
