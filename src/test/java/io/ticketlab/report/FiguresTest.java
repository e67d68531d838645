package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.analysis.Oracles;
import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieSeries;

/** What the TIDE figures show: the values of their bars and slices, their titles, the drawn files. */
class FiguresTest {
  static TideResult tide(String set) {
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/" + set + "/gt.json"));
    return Tide.analyze(gt, CocoReader.readResults(Oracles.path("fixtures/" + set
        + "/dt_bbox.json"), gt), TideSettings.defaults(TideMode.BBOX));
  }

  static List<Double> mainDaps(TideResult r) {
    List<Double> out = new ArrayList<>();
    for (TideErrorType t : TideErrorType.values()) {
      out.add(r.dAp(t));
    }
    return out;
  }

  static List<Double> yValues(CategoryChart chart, String series) {
    CategorySeries s = chart.getSeriesMap().get(series);
    assertThat(s).as("series %s of %s", series, chart.getTitle()).isNotNull();
    List<Double> out = new ArrayList<>();
    s.getYData().forEach(y -> out.add(y.doubleValue()));
    return out;
  }

  @Test
  void tideComparison_showsEachModelsDapsAndShares(@TempDir Path dir) throws Exception {
    TideResult dense = tide("errors");
    TideResult sparse = tide("small");
    assertThat(mainDaps(dense)).as("the fixture has errors to show").anyMatch(v -> v > 0.5);
    Figure f = TideFigures.comparison(List.of("dense", "sparse"), List.of(dense, sparse));
    assertThat(f.title()).isEqualTo(String.format(Locale.ROOT,
        "TIDE errors: dense (AP50 %.1f) vs sparse (AP50 %.1f)", dense.ap(), sparse.ap()));
    assertThat(f.panels()).hasSize(3).allMatch(p -> p instanceof CategoryChart);
    CategoryChart main = (CategoryChart) f.panels().get(0);
    CategoryChart special = (CategoryChart) f.panels().get(1);
    CategoryChart share = (CategoryChart) f.panels().get(2);
    assertThat(main.getSeriesMap().keySet()).containsExactly("dense", "sparse");
    List<Object> categories = new ArrayList<>(main.getSeriesMap().get("dense").getXData());
    assertThat(categories).containsExactly("Cls", "Loc", "Both", "Dupe", "Bkg", "Miss");
    assertThat(yValues(main, "dense")).containsExactlyElementsOf(mainDaps(dense));
    assertThat(yValues(main, "sparse")).containsExactlyElementsOf(mainDaps(sparse));
    assertThat(yValues(special, "dense"))
        .containsExactly(dense.falsePositiveDap(), dense.falseNegativeDap());
    assertThat(yValues(special, "sparse"))
        .containsExactly(sparse.falsePositiveDap(), sparse.falseNegativeDap());
    double denseTotal = mainDaps(dense).stream().mapToDouble(Double::doubleValue).sum();
    List<Double> denseShare = yValues(share, "dense");
    for (TideErrorType t : TideErrorType.values()) {
      assertThat(denseShare.get(t.ordinal())).as(t.name())
          .isCloseTo(100 * dense.dAp(t) / denseTotal, within(1e-12));
    }
    assertThat(denseShare.stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(100, within(1e-9));

    List<Path> files = f.saveBoth(dir, "cmp");
    BufferedImage png = ImageIO.read(files.get(0).toFile());
    assertThat(png.getWidth()).isEqualTo((int) Math.round(f.width() * 1.5));
    assertThat(png.getHeight()).isEqualTo((int) Math.round(f.height() * 1.5));
    // both models' bar colours are painted (bars, not only a legend swatch)
    assertThat(pixels(png, Charts.model(0))).isGreaterThan(2000);
    assertThat(pixels(png, Charts.model(1))).isGreaterThan(2000);
    String svg = Files.readString(files.get(1));
    // the title is SVG text (the charts draw their labels as outlines); the bars are filled
    // rectangles in each model's colour
    assertThat(svg).contains("<svg").contains(">" + f.title() + "</text>");
    assertThat(svg).contains(svgFill(Charts.model(0))).contains(svgFill(Charts.model(1)));
  }

  @Test
  void tideSummary_pieHoldsTheNonZeroMainDaps_barsAllOfThem(@TempDir Path dir) {
    TideResult r = tide("errors");
    Figure f = TideFigures.summary("model", r);
    assertThat(f.title()).isEqualTo(
        String.format(Locale.ROOT, "TIDE bbox errors: model (AP50 = %.2f)", r.ap()));
    PieChart pie = (PieChart) f.panels().get(0);
    List<String> nonZero = new ArrayList<>();
    for (TideErrorType t : TideErrorType.values()) {
      if (r.dAp(t) > 0) {
        nonZero.add(t.shortName());
        PieSeries s = pie.getSeriesMap().get(t.shortName());
        assertThat(s).as("pie slice of %s", t.name()).isNotNull();
        assertThat(s.getValue().doubleValue()).as(t.name()).isEqualTo(r.dAp(t));
        assertThat(s.getFillColor()).isEqualTo(TideFigures.ERROR_COLORS[t.ordinal()]);
      }
    }
    assertThat(nonZero).isNotEmpty();
    assertThat(pie.getSeriesMap().keySet()).containsExactlyElementsOf(nonZero);
    assertThat(yValues((CategoryChart) f.panels().get(1), "model"))
        .containsExactlyElementsOf(mainDaps(r));
    assertThat(yValues((CategoryChart) f.panels().get(2), "model"))
        .containsExactly(r.falsePositiveDap(), r.falseNegativeDap());
    assertThat(f.saveBoth(dir, "s")).allSatisfy(p -> assertThat(p).isNotEmptyFile());
  }

  @Test
  void tideSummary_withoutAnyMainError_showsOneGreySlice(@TempDir Path dir) {
    // every GT box detected exactly: no error of any kind
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/small/gt.json"));
    List<CocoResult> perfect = new ArrayList<>();
    for (CocoAnnotation a : gt.annotations()) {
      if (!a.crowd()) {
        perfect.add(CocoResult.box(a.imageId(), a.categoryId(), 0.9, a.bbox().clone()));
      }
    }
    TideResult r = Tide.analyze(gt, perfect, TideSettings.defaults(TideMode.BBOX));
    assertThat(mainDaps(r)).allMatch(v -> v == 0.0);
    Figure f = TideFigures.summary("model", r);
    PieChart pie = (PieChart) f.panels().get(0);
    assertThat(pie.getSeriesMap().keySet()).containsExactly("no error");
    assertThat(pie.getSeriesMap().get("no error").getFillColor()).isEqualTo(Color.LIGHT_GRAY);
    assertThat(f.saveBoth(dir, "s")).allSatisfy(p -> assertThat(p).isNotEmptyFile());
  }

  private static String svgFill(Color c) {
    return "fill:rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
  }

  private static int pixels(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
          n++;
        }
      }
    }
    return n;
  }
}
