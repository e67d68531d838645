package io.ticketlab.data.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.data.coco.Segmentation;
import io.ticketlab.eval.coco.AreaRange;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthTest {
  private static CocoDataset set200;

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    set200 = SynthGenerator.dataset(new SynthOptions(200, 7, 128, SynthOptions.Split.train));
  }

  @Test
  void sameOptions_giveByteIdenticalFiles_otherSeedOrSplit_otherData() throws IOException {
    SynthOptions options = new SynthOptions(12, 3, 128, SynthOptions.Split.train);
    SynthGenerator.write(dir.resolve("a"), options);
    SynthGenerator.write(dir.resolve("b"), options);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir.resolve("a"))) {
      files = walk.filter(Files::isRegularFile).map(dir.resolve("a")::relativize).sorted().toList();
    }
    assertThat(files).hasSize(13);
    for (Path f : files) {
      assertThat(Files.readAllBytes(dir.resolve("b").resolve(f)))
          .as(f.toString()).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
    }
    SynthGenerator.write(dir.resolve("c"), new SynthOptions(12, 4, 128, SynthOptions.Split.train));
    SynthGenerator.write(dir.resolve("d"), new SynthOptions(12, 3, 128, SynthOptions.Split.val));
    byte[] a = Files.readAllBytes(dir.resolve("a/annotations.json"));
    assertThat(Files.readAllBytes(dir.resolve("c/annotations.json"))).isNotEqualTo(a);
    assertThat(Files.readAllBytes(dir.resolve("d/annotations.json"))).isNotEqualTo(a);
  }

  @Test
  void writtenDataset_readsBackWithCocoReader_withImagesOfTheStatedSize() throws IOException {
    SynthOptions options = new SynthOptions(6, 11, 96, SynthOptions.Split.val);
    SynthGenerator.Summary summary = SynthGenerator.write(dir, options);
    CocoDataset read = CocoReader.readDataset(dir.resolve(SynthGenerator.ANNOTATIONS));
    CocoDataset made = SynthGenerator.dataset(options);
    assertThat(read.images()).isEqualTo(made.images()).hasSize(6);
    assertThat(read.annotations()).hasSize(made.annotations().size()).hasSize(summary.objects());
    assertThat(read.categories()).extracting(CocoCategory::name)
        .containsExactly("person", "rectangle", "ellipse", "triangle", "star");
    CocoCategory person = read.category(SynthGenerator.PERSON);
    assertThat(person.keypoints()).isEqualTo(Person.KEYPOINTS).hasSize(17);
    assertThat(person.skeleton()).isEqualTo(Person.SKELETON);
    for (CocoImage image : read.images()) {
      BufferedImage png = ImageIO.read(dir.resolve(image.fileName()).toFile());
      assertThat(png.getWidth()).isEqualTo(96);
      assertThat(png.getHeight()).isEqualTo(96);
    }
    for (int i = 0; i < read.annotations().size(); i++) {
      CocoAnnotation r = read.annotations().get(i);
      CocoAnnotation m = made.annotations().get(i);
      assertThat(r.bbox()).isEqualTo(m.bbox());
      assertThat(r.keypoints()).isEqualTo(m.keypoints());
      assertThat(r.segmentation().toRle(96, 96)).isEqualTo(m.segmentation().toRle(96, 96));
    }
  }

  @Test
  void everyBox_isTheTightBoxOfTheMask_andAreaIsTheMaskArea() {
    int polygons = 0;
    int occluded = 0;
    for (CocoAnnotation a : set200.annotations()) {
      Rle mask = a.segmentation().toRle(128, 128);
      assertThat(mask.area()).as("annotation %d", a.id()).isPositive().isEqualTo((long) a.area());
      assertThat(a.bbox()).isEqualTo(mask.toBbox());
      byte[] bits = mask.decode();
      for (int i = 0; i < bits.length; i++) {
        if (bits[i] != 0) {
          int x = i / 128;
          int y = i % 128;
          assertThat(x >= a.bbox()[0] && x < a.bbox()[0] + a.bbox()[2]
              && y >= a.bbox()[1] && y < a.bbox()[1] + a.bbox()[3]).isTrue();
        }
      }
      if (a.segmentation() instanceof Segmentation.Polygons) {
        polygons++;
      } else {
        occluded++;
      }
      assertThat(a.crowd()).isFalse();
    }
    assertThat(polygons).isGreaterThan(occluded).isPositive();
    assertThat(occluded).as("occluded objects stored as visible-mask RLE").isPositive();
  }

  @Test
  void visibleKeypoints_lieInTheirPersonsBox_andOthersAreZeroOrOccluded() {
    int visible = 0;
    int hidden = 0;
    int persons = 0;
    for (CocoAnnotation a : set200.annotations()) {
      if (a.categoryId() != SynthGenerator.PERSON) {
        assertThat(a.keypoints()).isNull();
        continue;
      }
      persons++;
      double[] k = a.keypoints();
      double[] b = a.bbox();
      assertThat(k).hasSize(51);
      int labelled = 0;
      for (int j = 0; j < 17; j++) {
        double v = k[3 * j + 2];
        assertThat(v).isIn(0.0, 1.0, 2.0);
        if (v > 0) {
          labelled++;
        } else {
          assertThat(k[3 * j]).isZero();
          assertThat(k[3 * j + 1]).isZero();
        }
        if (v == 2) {
          visible++;
          assertThat(k[3 * j]).isBetween(b[0], b[0] + b[2]);
          assertThat(k[3 * j + 1]).isBetween(b[1], b[1] + b[3]);
        } else if (v == 1) {
          hidden++;
        }
      }
      assertThat(a.numKeypoints()).isEqualTo(labelled).isPositive();
    }
    assertThat(persons).isGreaterThan(50);
    assertThat(hidden).isPositive().isLessThan(visible);
  }

  @Test
  void flipPairs_areCocosLeftRightPairs_andLeftIsOnTheImageRight() {
    int[] flip = Person.flipIndex();
    for (int i = 0; i < 17; i++) {
      assertThat(flip[flip[i]]).isEqualTo(i);
      String name = Person.KEYPOINTS.get(i);
      String mirrored = name.startsWith("left_") ? name.replace("left_", "right_")
          : name.replace("right_", "left_");
      assertThat(Person.KEYPOINTS.get(flip[i])).isEqualTo(mirrored);
    }
    // The figures face the viewer: a person's left shoulder is to the image right of the right one.
    int facing = 0;
    int persons = 0;
    for (CocoAnnotation a : set200.annotations()) {
      if (a.categoryId() == SynthGenerator.PERSON && a.keypoints()[5 * 3 + 2] > 0
          && a.keypoints()[6 * 3 + 2] > 0) {
        persons++;
        if (a.keypoints()[5 * 3] > a.keypoints()[6 * 3]) {
          facing++;
        }
      }
    }
    assertThat(facing).isEqualTo(persons).isPositive();
  }

  @Test
  void cocosThreeAreaRanges_allOccurIn200Images_forEveryShapeClassAtLeastSmallAndMedium() {
    int[][] counts = new int[6][3];
    for (CocoAnnotation a : set200.annotations()) {
      int range = AreaRange.SMALL.contains(a.area()) ? 0 : AreaRange.MEDIUM.contains(a.area()) ? 1 : 2;
      counts[a.categoryId()][range]++;
    }
    int large = 0;
    for (int c = 1; c <= 5; c++) {
      assertThat(counts[c][0]).as("small of category %d", c).isPositive();
      assertThat(counts[c][1]).as("medium of category %d", c).isPositive();
      large += counts[c][2];
    }
    assertThat(large).as("large objects").isGreaterThanOrEqualTo(10);
  }

  @Test
  void perfectDetector_scoresAp1_forBoxesMasksAndKeypoints() {
    List<CocoResult> results = new ArrayList<>();
    for (CocoAnnotation a : set200.annotations()) {
      results.add(new CocoResult(a.imageId(), a.categoryId(), 1, a.bbox(),
          a.segmentation().toRle(128, 128), a.keypoints()));
    }
    for (IouType type : IouType.values()) {
      List<CocoResult> typed = type == IouType.KEYPOINTS
          ? results.stream().filter(r -> r.keypoints() != null).toList() : results;
      Evaluation e = CocoEvaluator.evaluate(set200, typed, EvalParams.defaults(type));
      assertThat(e.stat("AP")).as(type.cocoName()).isGreaterThan(0.99999);
      assertThat(e.stat("AP50")).as(type.cocoName()).isGreaterThan(0.99999);
    }
  }

  @Test
  void unoccludedShapes_arePaintedInOneColourOverTheirWholeMask() {
    SynthOptions options = new SynthOptions(20, 9, 128, SynthOptions.Split.train);
    int checked = 0;
    for (int id = 1; id <= 20; id++) {
      SynthGenerator.SynthImage image = SynthGenerator.image(options, id);
      for (CocoAnnotation a : image.annotations()) {
        if (a.categoryId() == SynthGenerator.PERSON
            || !(a.segmentation() instanceof Segmentation.Polygons)) {
          continue;
        }
        byte[] mask = a.segmentation().toRle(128, 128).decode();
        int[] min = {255, 255, 255};
        int[] max = {0, 0, 0};
        for (int i = 0; i < mask.length; i++) {
          if (mask[i] != 0) {
            int c = image.rgb()[(i % 128) * 128 + i / 128];
            for (int ch = 0; ch < 3; ch++) {
              int v = (c >> (16 - 8 * ch)) & 255;
              min[ch] = Math.min(min[ch], v);
              max[ch] = Math.max(max[ch], v);
            }
          }
        }
        for (int ch = 0; ch < 3; ch++) {
          assertThat(max[ch] - min[ch]).as("colour spread of annotation in image %d", id)
              .isLessThanOrEqualTo(12);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
  }
}
