package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SvgBars}: one bar per series and category, drawn from the zero line up or down. */
class SvgBarsTest {
  static final Pattern BAR = Pattern.compile("<rect class=\"bar\" x=\"([^\"]+)\" y=\"([^\"]+)\" width=\"([^\"]+)\""
      + " height=\"([^\"]+)\" data-series=\"([^\"]+)\" data-category=\"([^\"]+)\" data-y=\"([^\"]+)\"/>");

  static List<double[]> bars(String svg) {
    List<double[]> out = new ArrayList<>();
    Matcher m = BAR.matcher(svg);
    while (m.find()) {
      out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
          Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(7))});
    }
    return out;
  }

  @Test
  void negativeBars_hangFromTheZeroLine_positiveOnesStandOnIt_inProportion() {
    String svg = SvgBars.render("gains", "AP points", List.of("jitter", "swap"), List.of(
        new SvgBars.Series("dense", "#555555", new double[] {2, -1}),
        new SvgBars.Series("sparse", "#1f4e79", new double[] {4, Double.NaN})));
    List<double[]> b = bars(svg);
    assertThat(b).hasSize(3); // NaN: no bar
    double[] densePlus = b.get(0);
    double[] denseMinus = b.get(1);
    double[] sparsePlus = b.get(2);
    double zero = densePlus[1] + densePlus[3];
    assertThat(sparsePlus[1] + sparsePlus[3]).isCloseTo(zero, within(0.01));
    assertThat(denseMinus[1]).isCloseTo(zero, within(0.01)); // hangs down from zero
    assertThat(sparsePlus[3]).isCloseTo(2 * densePlus[3], within(0.02));
    assertThat(denseMinus[3]).isCloseTo(densePlus[3] / 2, within(0.02));
    assertThat(sparsePlus[0]).as("side by side in a group").isCloseTo(densePlus[0] + densePlus[2], within(0.01));
    assertThat(denseMinus[0]).as("the next group to the right").isGreaterThan(sparsePlus[0] + sparsePlus[2]);
    assertThat(SvgBars.render("gains", "AP points", List.of("jitter", "swap"), List.of(
        new SvgBars.Series("dense", "#555555", new double[] {2, -1}),
        new SvgBars.Series("sparse", "#1f4e79", new double[] {4, Double.NaN})))).isEqualTo(svg);
  }
}
