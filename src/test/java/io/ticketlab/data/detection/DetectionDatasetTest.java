package io.ticketlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.data.detection.DetectionOptions.Mode;
import io.ticketlab.data.detection.SkipReport.Reason;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionDatasetTest {
  @TempDir static Path synthDir;
  private static Path synthJson;
  private static CocoDataset synth;

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    SynthGenerator.write(synthDir, new SynthOptions(12, 5, 96, SynthOptions.Split.train));
    synthJson = synthDir.resolve(SynthGenerator.ANNOTATIONS);
    synth = CocoReader.readDataset(synthJson);
  }

  @Test
  void samples_carryReferenceTargets_boxesLabelsMasksAndPixels() throws IOException {
    DetectionDataset ds =
        DetectionDataset.open(synthJson, synthDir, DetectionOptions.training().withMasks());
    assertThat(ds.size()).isEqualTo(12);
    assertThat(ds.numClasses()).isEqualTo(5);
    Map<Long, List<CocoAnnotation>> byImage = synth.annotationsByImage();
    for (int i = 0; i < ds.size(); i++) {
      DetectionSample s = ds.sample(i);
      CocoImage image = synth.image(s.imageId());
      List<CocoAnnotation> anns = byImage.get(s.imageId());
      assertThat(s.instances()).isEqualTo(anns.size());
      assertThat(s.keypoints()).isNull();
      for (int j = 0; j < anns.size(); j++) {
        CocoAnnotation a = anns.get(j);
        double[] b = a.bbox();
        assertThat(new float[] {s.boxes()[4 * j], s.boxes()[4 * j + 1], s.boxes()[4 * j + 2],
            s.boxes()[4 * j + 3]})
            .containsExactly((float) b[0], (float) b[1], (float) (b[0] + b[2]),
                (float) (b[1] + b[3]));
        assertThat(s.labels()[j]).isEqualTo(a.categoryId()); // synth ids are 1..5 already
        // annToMask as the COCO evaluation computes it (Segmentation.toRle), column-major
        byte[] expected = a.segmentation().toRle(image.height(), image.width()).decode();
        for (int y = 0; y < s.height(); y++) {
          for (int x = 0; x < s.width(); x++) {
            assertThat(s.masks()[j][y * s.width() + x])
                .isEqualTo(expected[x * s.height() + y]);
          }
        }
      }
      BufferedImage png = ImageIO.read(synthDir.resolve(image.fileName()).toFile());
      int plane = s.height() * s.width();
      for (int p = 0; p < plane; p += 37) {
        int rgb = png.getRGB(p % s.width(), p / s.width());
        assertThat(s.image()[p]).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
        assertThat(s.image()[plane + p]).isEqualTo(((rgb >> 8) & 0xFF) / 255f);
        assertThat(s.image()[2 * plane + p]).isEqualTo((rgb & 0xFF) / 255f);
      }
    }
  }

  @Test
  void personKeypoints_useOnlyPersons_andKeepTheFileKeypoints() {
    DetectionDataset ds = DetectionDataset.open(
        synthJson, synthDir, DetectionOptions.evaluation().withPersonKeypoints());
    assertThat(ds.numClasses()).isEqualTo(1);
    assertThat(ds.categoryIdOf(1)).isEqualTo(SynthGenerator.PERSON);
    assertThat(ds.numKeypoints()).isEqualTo(17);
    assertThat(ds.keypointFlipIndices()).containsExactly(DetectionAugment.cocoPersonFlipIndices());
    assertThat(ds.size()).isEqualTo(12); // evaluation keeps images without persons
    Map<Long, List<CocoAnnotation>> byImage = synth.annotationsByImage();
    int persons = 0;
    for (int i = 0; i < ds.size(); i++) {
      DetectionSample s = ds.sample(i);
      List<CocoAnnotation> people = byImage.get(s.imageId()).stream()
          .filter(a -> a.categoryId() == SynthGenerator.PERSON).toList();
      assertThat(s.instances()).isEqualTo(people.size());
      for (int j = 0; j < people.size(); j++) {
        double[] kp = people.get(j).keypoints();
        for (int v = 0; v < kp.length; v++) {
          assertThat(s.keypoints()[51 * j + v]).isEqualTo((float) kp[v]);
        }
      }
      assertThat(java.util.Arrays.stream(s.labels())).allMatch(l -> l == 1);
      persons += people.size();
    }
    assertThat(persons).isPositive();
    assertThat(ds.skipReport().count(Reason.UNSELECTED_CATEGORY))
        .isEqualTo(synth.annotations().size() - persons);
  }

  @Test
  void trainingWithKeypoints_dropsImagesWithFewerThanTenLabelledKeypoints() {
    DetectionDataset ds = DetectionDataset.open(
        synthJson, synthDir, DetectionOptions.training().withPersonKeypoints());
    int expected = 0;
    for (List<CocoAnnotation> anns : synth.annotationsByImage().values()) {
      int labelled = 0;
      for (CocoAnnotation a : anns) {
        if (a.categoryId() == SynthGenerator.PERSON) {
          for (int v = 2; v < a.keypoints().length; v += 3) {
            labelled += a.keypoints()[v] > 0 ? 1 : 0;
          }
        }
      }
      expected += labelled >= DetectionDataset.MIN_KEYPOINTS_PER_IMAGE ? 1 : 0;
    }
    assertThat(ds.size()).isEqualTo(expected);
    assertThat(ds.skipReport().count(Reason.IMAGE_WITHOUT_ANNOTATIONS)
            + ds.skipReport().count(Reason.IMAGE_WITH_TOO_FEW_KEYPOINTS))
        .isEqualTo(12 - expected);
  }

  @Test
  void labelMap_isContiguousInAscendingCategoryOrder_andInvertible() {
    DetectionDataset ds = DetectionDataset.open(
        synthJson, synthDir, DetectionOptions.evaluation().withCategories(Set.of(5, 3)));
    assertThat(ds.labelMap()).containsExactly(Map.entry(3, 1), Map.entry(5, 2));
    assertThat(ds.labelOf(5)).isEqualTo(2);
    assertThat(ds.categoryIdOf(1)).isEqualTo(3);
    assertThat(ds.categoryIdOf(2)).isEqualTo(5);
    assertThatThrownBy(() -> ds.categoryIdOf(0)).isInstanceOf(IllegalArgumentException.class);
    for (int i = 0; i < ds.size(); i++) {
      assertThat(java.util.Arrays.stream(ds.sample(i).labels())).allMatch(l -> l == 1 || l == 2);
    }
  }

  @Test
  void sample_isThreadSafe_andRepeatable() throws Exception {
    DetectionDataset ds =
        DetectionDataset.open(synthJson, synthDir, DetectionOptions.training().withMasks());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DetectionSample>> futures = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        for (int i = 0; i < ds.size(); i++) {
          int index = i;
          futures.add(pool.submit(() -> ds.sample(index)));
        }
      }
      for (int f = 0; f < futures.size(); f++) {
        DetectionSample a = futures.get(f).get();
        DetectionSample b = ds.sample(f % ds.size());
        assertThat(a.image()).isEqualTo(b.image());
        assertThat(a.boxes()).isEqualTo(b.boxes());
        assertThat(a.masks()).isDeepEqualTo(b.masks());
      }
    } finally {
      pool.shutdown();
    }
  }

  // --- crowd, clipping, degenerate boxes, training filter ------------------------------------

  @Test
  void crowdAndDegenerateBoxes_areLeftOutAndCounted_boxesAreClipped() throws IOException {
    writePng(dir.resolve("a.png"), 40, 30);
    writePng(dir.resolve("b.png"), 40, 30);
    writePng(dir.resolve("c.png"), 40, 30);
    String json = """
        {"images": [{"id": 1, "width": 40, "height": 30, "file_name": "a.png"},
                    {"id": 2, "width": 40, "height": 30, "file_name": "b.png"},
                    {"id": 3, "width": 40, "height": 30, "file_name": "c.png"}],
         "categories": [{"id": 7, "name": "x"}, {"id": 9, "name": "y"}],
         "annotations": [
           {"id": 1, "image_id": 1, "category_id": 9, "bbox": [-5, 2, 10, 40], "iscrowd": 0},
           {"id": 2, "image_id": 1, "category_id": 7, "bbox": [1, 1, 5, 5], "iscrowd": 1},
           {"id": 3, "image_id": 1, "category_id": 7, "bbox": [45, 1, 5, 5], "iscrowd": 0},
           {"id": 4, "image_id": 1, "category_id": 7, "bbox": [3, 3, 0, 5], "iscrowd": 0},
           {"id": 5, "image_id": 2, "category_id": 7, "bbox": [3, 3, 1, 0.5], "iscrowd": 0}]}
        """;
    Path file = write("gt.json", json);
    DetectionDataset train = DetectionDataset.open(file, dir, DetectionOptions.training());
    assertThat(train.size()).isEqualTo(1);
    DetectionSample s = train.sample(0);
    assertThat(s.imageId()).isEqualTo(1);
    assertThat(s.boxes()).containsExactly(0f, 2f, 5f, 30f);
    assertThat(s.labels()).containsExactly(2);
    assertThat(train.skipReport().counts()).containsOnly(
        Map.entry(Reason.CROWD_ANNOTATION, 1),
        Map.entry(Reason.DEGENERATE_BOX, 2),
        Map.entry(Reason.IMAGE_WITH_ONLY_TINY_BOXES, 1),
        Map.entry(Reason.IMAGE_WITHOUT_ANNOTATIONS, 1));

    DetectionDataset eval = DetectionDataset.open(file, dir, DetectionOptions.evaluation());
    assertThat(eval.size()).isEqualTo(3);
    assertThat(eval.instances(0)).isEqualTo(1);
    assertThat(eval.instances(1)).isEqualTo(1); // 1 x 0.5 is tiny but not degenerate
    assertThat(eval.instances(2)).isZero();
    assertThat(eval.sample(2).boxes()).isEmpty();
    assertThat(eval.skipReport().counts()).containsOnly(
        Map.entry(Reason.CROWD_ANNOTATION, 1), Map.entry(Reason.DEGENERATE_BOX, 2));
  }

  @Test
  void emptyAnnotations_validForEvaluation_clearErrorForTraining() throws IOException {
    writePng(dir.resolve("a.png"), 8, 8);
    Path file = write("empty.json", """
        {"images": [{"id": 1, "width": 8, "height": 8, "file_name": "a.png"}],
         "categories": [{"id": 1, "name": "x"}], "annotations": []}
        """);
    assertThat(DetectionDataset.open(file, dir, DetectionOptions.evaluation()).size()).isEqualTo(1);
    assertThatThrownBy(() -> DetectionDataset.open(file, dir, DetectionOptions.training()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no training images with annotations in " + file);
  }

  @Test
  void uncompressedRle_givesTheMaskOfItsRuns() throws IOException {
    writePng(dir.resolve("a.png"), 3, 2);
    // column-major runs: 1 zero, 3 ones, 2 zeros over a 2 x 3 image
    Path file = write("rle.json", """
        {"images": [{"id": 1, "width": 3, "height": 2, "file_name": "a.png"}],
         "categories": [{"id": 1, "name": "x"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2],
           "iscrowd": 0, "segmentation": {"size": [2, 3], "counts": [1, 3, 2]}}]}
        """);
    DetectionSample s =
        DetectionDataset.open(file, dir, DetectionOptions.training().withMasks()).sample(0);
    assertThat(s.masks()[0]).containsExactly(0, 1, 0, 1, 1, 0);
    assertThat(new Rle(2, 3, new int[] {1, 3, 2}).decode()).containsExactly(0, 1, 1, 1, 0, 0);
  }

  // --- bad input ----------------------------------------------------------------------------

  private static final String IMAGES = """
      "images": [{"id": 1, "width": 8, "height": 6, "file_name": "a.png"}],
      "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "left_eye", "right_eye"]},
                     {"id": 2, "name": "box"}],
      """;

  @Test
  void missingImageFile_namesFileRecordAndPath() throws IOException {
    Path file = write("gt.json", "{" + IMAGES + "\"annotations\": []}");
    assertThatThrownBy(() -> DetectionDataset.open(file, dir, DetectionOptions.evaluation()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("images[0] (id 1)")
        .hasMessageContaining(dir.resolve("a.png").toString())
        .hasMessageContaining("not found");
  }

  @Test
  void undecodableImage_namesImageFileAndRecord() throws IOException {
    Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3, 4, 5});
    Path file = write("gt.json", "{" + IMAGES + "\"annotations\": []}");
    DetectionDataset ds = DetectionDataset.open(file, dir, DetectionOptions.evaluation());
    assertThatThrownBy(() -> ds.sample(0))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(dir.resolve("a.png").toString())
        .hasMessageContaining("images[0] (id 1)")
        .hasMessageContaining("not an image");
  }

  @Test
  void imageOfAnotherSizeThanTheFileSays_isBadInput() throws IOException {
    writePng(dir.resolve("a.png"), 5, 5);
    Path file = write("gt.json", "{" + IMAGES + "\"annotations\": []}");
    DetectionDataset ds = DetectionDataset.open(file, dir, DetectionOptions.evaluation());
    assertThatThrownBy(() -> ds.sample(0))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("images[0] (id 1)")
        .hasMessageContaining("8x6")
        .hasMessageContaining("5x5");
  }

  @Test
  void unknownImageId_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 99, \"category_id\": 2, \"bbox\": [0, 0, 2, 2]"),
        DetectionOptions.evaluation(), "annotations[0].image_id", "99", "no image");
  }

  @Test
  void unknownCategoryId_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 42, \"bbox\": [0, 0, 2, 2]"),
        DetectionOptions.evaluation(), "annotations[0].category_id", "42", "no category");
  }

  @Test
  void unknownSelectedCategory_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 2, 2]"),
        DetectionOptions.evaluation().withCategories(Set.of(2, 77)), "category ids", "77",
        "no category");
  }

  @Test
  void negativeImageSize_isBadInput() throws IOException {
    writePng(dir.resolve("a.png"), 8, 6);
    Path file = write("gt.json", """
        {"images": [{"id": 1, "width": -8, "height": 6, "file_name": "a.png"}],
         "categories": [], "annotations": []}
        """);
    assertThatThrownBy(() -> DetectionDataset.open(file, dir, DetectionOptions.evaluation()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("images[0]")
        .hasMessageContaining("-8x6");
  }

  @Test
  void negativeBoxSize_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, -2, 2]"),
        DetectionOptions.evaluation(), "annotations[0].bbox", "-2.0", "negative");
  }

  @Test
  void malformedPolygon_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 2, 2],"
            + " \"segmentation\": [[1, 1, 2, 2]]"),
        DetectionOptions.evaluation().withMasks(), "annotations[0].segmentation", "[1.0, 1.0",
        "at least 6");
  }

  @Test
  void rleOfTheWrongSize_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 2, 2],"
            + " \"segmentation\": {\"size\": [4, 4], \"counts\": [16]}"),
        DetectionOptions.evaluation().withMasks(), "annotations[0].segmentation.size", "[4, 4]",
        "8");
  }

  @Test
  void rleCountsNotSummingToTheImage_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 2, 2],"
            + " \"segmentation\": {\"size\": [6, 8], \"counts\": [5, 3]}"),
        DetectionOptions.evaluation().withMasks(), "annotations[0].segmentation.counts",
        "array of 2 runs", "48");
  }

  @Test
  void missingSegmentationWhenMasksRequested_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 2, 2]"),
        DetectionOptions.evaluation().withMasks(), "annotations[0].segmentation", "missing",
        "masks");
  }

  @Test
  void keypointArrayOfTheWrongLength_isBadInput() throws IOException {
    expectBad(annotation("\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 2, 2],"
            + " \"keypoints\": [1, 1, 2, 3, 3, 2]"),
        DetectionOptions.evaluation().withPersonKeypoints(), "annotations[0].keypoints",
        "array of 6 numbers", "3 x 3");
  }

  @Test
  void keypointsRequestedWithoutKeypointCategory_isBadInput() throws IOException {
    writePng(dir.resolve("a.png"), 8, 6);
    Path file = write("gt.json", """
        {"images": [{"id": 1, "width": 8, "height": 6, "file_name": "a.png"}],
         "categories": [{"id": 2, "name": "box"}], "annotations": []}
        """);
    assertThatThrownBy(() -> DetectionDataset.open(
            file, dir, DetectionOptions.evaluation().withPersonKeypoints()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("no category");
  }

  // ---------------------------------------------------------------------------------------------

  private String annotation(String fields) {
    return "{" + IMAGES + "\"annotations\": [{\"id\": 1, \"iscrowd\": 0, " + fields + "}]}";
  }

  private void expectBad(String json, DetectionOptions options, String record, String value,
      String problem) throws IOException {
    writePng(dir.resolve("a.png"), 8, 6);
    Path file = write("gt.json", json);
    assertThatThrownBy(() -> DetectionDataset.open(file, dir, options).sample(0))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(record)
        .hasMessageContaining(value)
        .hasMessageContaining(problem);
  }

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private static void writePng(Path file, int width, int height) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x * 31 + y * 7) << 8 | (x * 5) & 0xFF);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }
}
