package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.analysis.Oracles;
import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiguresTest {
  static TideResult tide(String set) {
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/" + set + "/gt.json"));
    return Tide.analyze(gt, CocoReader.readResults(Oracles.path("fixtures/" + set
        + "/dt_bbox.json"), gt), TideSettings.defaults(TideMode.BBOX));
  }

  @Test
  void tideComparison_rendersHeadlessAsPngAndSvgOfTheFigureSize(@TempDir Path dir)
      throws Exception {
    TideResult small = tide("small");
    Figure f = TideFigures.comparison(List.of("dense", "sparse"), List.of(small, small));
    List<Path> files = f.saveBoth(dir, "cmp");
    BufferedImage png = ImageIO.read(files.get(0).toFile());
    assertThat(png.getWidth()).isEqualTo((int) Math.round(f.width() * 1.5));
    assertThat(png.getHeight()).isEqualTo((int) Math.round(f.height() * 1.5));
    String svg = Files.readString(files.get(1));
    assertThat(svg).contains("<svg").contains("dense").contains("sparse");
  }

  @Test
  void tideSummary_withoutAnyError_stillRenders(@TempDir Path dir) {
    TideResult small = tide("small");
    Figure f = TideFigures.summary("model", small);
    assertThat(f.saveBoth(dir, "s")).allSatisfy(p -> assertThat(p).isRegularFile());
  }
}
