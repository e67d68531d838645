package io.ticketlab.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.data.image.DecodedImage;
import io.ticketlab.data.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic objects as an ImageFolder classification set: one crop per large-enough object. */
class ShapeCropsTest {
  @TempDir Path dir;

  @Test
  void everyLargeEnoughObjectBecomesOneCropInItsCategoryFolder_sameBytesTwice() throws Exception {
    SynthOptions options = new SynthOptions(12, 3, SynthOptions.DEFAULT_SIZE, SynthOptions.Split.train);
    ShapeCrops.Summary s = ShapeCrops.write(dir.resolve("a"), options, 32);
    int expected = 0;
    List<String> expectedFiles = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      SynthGenerator.SynthImage img = SynthGenerator.image(options, i);
      for (int k = 0; k < img.annotations().size(); k++) {
        CocoAnnotation a = img.annotations().get(k);
        if (a.bbox()[2] >= ShapeCrops.MIN_SIDE && a.bbox()[3] >= ShapeCrops.MIN_SIDE) {
          expected++;
          expectedFiles.add(ShapeCrops.classes().get(a.categoryId() - 1) + "/" + String.format("%06d_%d.png", i, k + 1));
        }
      }
    }
    assertThat(s.crops()).isEqualTo(expected).isGreaterThan(12);
    ImageFolder folder = ImageFolder.scan(dir.resolve("a"));
    assertThat(folder.size()).isEqualTo(expected);
    assertThat(ShapeCrops.classes()).containsAll(folder.classes());
    List<String> files = new ArrayList<>();
    for (ImageFolder.Sample sample : folder.samples()) {
      files.add(dir.resolve("a").relativize(sample.path()).toString());
      DecodedImage d = ImageDecoder.decode(sample.path());
      assertThat(d.width()).isEqualTo(32);
      assertThat(d.height()).isEqualTo(32);
    }
    assertThat(files).containsExactlyInAnyOrderElementsOf(expectedFiles);
    ShapeCrops.write(dir.resolve("b"), options, 32);
    try (Stream<Path> all = Files.walk(dir.resolve("a"))) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        assertThat(dir.resolve("b").resolve(dir.resolve("a").relativize(p))).hasSameBinaryContentAs(p);
      }
    }
  }

  @Test
  void theCropIsTheBoxCentredSquareWithMargins() {
    int w = 20;
    int h = 10;
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = i; // each pixel its own index
    }
    // box x 4..8, y 2..6 (4 x 4): square side 6 centred at (6, 4): pixels 3..8 x 1..6
    int[] c = ShapeCrops.crop(rgb, w, h, new double[] {4, 2, 4, 4}, 6);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        assertThat(c[y * 6 + x]).isEqualTo((1 + y) * w + 3 + x);
      }
    }
    // at the border the nearest image pixel repeats
    int[] edge = ShapeCrops.crop(rgb, w, h, new double[] {0, 0, 4, 4}, 6);
    assertThat(edge[0]).isEqualTo(0);
  }

  @Test
  void aSizeOutsideTheRangeIsRefused() {
    assertThatThrownBy(() -> ShapeCrops.write(dir, new SynthOptions(1, 1, 128, SynthOptions.Split.train), 4))
        .isInstanceOf(BadInputException.class).hasMessageContaining("crop size 4");
  }
}
