package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train detect}, {@code predict} and {@code eval} chained on synthetic shapes, and the
 * detector commands' bad-input errors (exit 2, one line naming the file and the bad value).
 */
@Tag("engine")
class DetectCommandsTest {
  @TempDir Path tmp;

  private static final String[] TINY = {
    "--width", "0.25", "--fpn-channels", "32", "--head-width", "64", "--min-size", "128", "--max-size", "128",
    "--scratch", "--batch", "2", "--roi-samples", "64", "--warmup", "2it", "--quiet"
  };

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void trainPredictEval_chainOnSyntheticShapes() throws Exception {
    Path train = tmp.resolve("train");
    Path val = tmp.resolve("val");
    SynthGenerator.write(train, new SynthOptions(4, 1, 128, SynthOptions.Split.train));
    SynthGenerator.write(val, new SynthOptions(2, 1, 128, SynthOptions.Split.val));
    Path run = tmp.resolve("run");
    MainTest.Outcome t =
        MainTest.run(concat(new String[] {"train", "detect", "--train", train.resolve("annotations.json").toString(),
            "--val", val.resolve("annotations.json").toString(), "--iterations", "2it", "--eval-every", "2it",
            "--device", "cpu", "--out", run.toString()}, TINY));
    assertThat(t.exitCode()).as(t.err()).isZero();
    assertThat(t.out()).contains("trained to iteration 2").contains("bbox/AP50");
    assertThat(run.resolve("model.json")).exists();
    Path results = tmp.resolve("results.json");
    MainTest.Outcome p =
        MainTest.run("predict", "--model", run.toString(), "--coco", val.resolve("annotations.json").toString(),
            "--score-threshold", "0", "--out", results.toString(), "--quiet");
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertCocoResults(results, val.resolve("annotations.json"));
    MainTest.Outcome e =
        MainTest.run("eval", "--gt", val.resolve("annotations.json").toString(), "--results", results.toString());
    assertThat(e.exitCode()).as(e.err()).isZero();
    MainTest.Outcome folder =
        MainTest.run("predict", "--model", run.resolve("checkpoint_2.tlck").toString(), "--images",
            val.resolve("images").toString(), "--out", tmp.resolve("folder.json").toString(), "--quiet");
    assertThat(folder.exitCode()).as(folder.err()).isZero();
    assertThat(tmp.resolve("images.json")).exists();
    predictExifOrientation_boxesThePictureAsShown(run.resolve("checkpoint_2.tlck"));
  }

  /**
   * {@code predict --exif-orientation}: a JPEG stored sideways (7×5, orientation 6) gets the boxes of
   * the upright picture (a lossless PNG of its turned pixels) and its turned size; without the flag,
   * those of the image as stored (torchvision's way).
   */
  private void predictExifOrientation_boxesThePictureAsShown(Path model) throws Exception {
    Path sideways = Files.createDirectories(tmp.resolve("sideways"));
    Path file = sideways.resolve("photo.jpg");
    try (java.io.InputStream in = getClass().getResourceAsStream("/images/exif/orientation_6.jpg")) {
      Files.write(file, in.readAllBytes());
    }
    io.ticketlab.data.image.DecodedImage shown = io.ticketlab.data.image.ImageDecoder.decode(file, null, true);
    java.awt.image.BufferedImage upright = new java.awt.image.BufferedImage(shown.width(), shown.height(),
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < shown.height(); y++) {
      for (int x = 0; x < shown.width(); x++) {
        upright.setRGB(x, y, shown.get(x, y, 0) << 16 | shown.get(x, y, 1) << 8 | shown.get(x, y, 2));
      }
    }
    Path uprightDir = Files.createDirectories(tmp.resolve("upright"));
    javax.imageio.ImageIO.write(upright, "png", uprightDir.resolve("photo.png").toFile());

    String turned = predict(model, sideways, "turned", "--exif-orientation");
    assertThat(turned).isEqualTo(predict(model, uprightDir, "upright")).isNotEqualTo(predict(model, sideways, "stored"));
    JsonNode listing = new ObjectMapper().readTree(tmp.resolve("turned/images.json").toFile()).get("images").get(0);
    assertThat(new int[] {listing.get("width").asInt(), listing.get("height").asInt()}).containsExactly(5, 7);
    JsonNode stored = new ObjectMapper().readTree(tmp.resolve("stored/images.json").toFile()).get("images").get(0);
    assertThat(new int[] {stored.get("width").asInt(), stored.get("height").asInt()}).containsExactly(7, 5);
  }

  private String predict(Path model, Path images, String name, String... flags) throws Exception {
    Path out = Files.createDirectories(tmp.resolve(name)).resolve("results.json");
    List<String> args = new java.util.ArrayList<>(List.of("predict", "--model", model.toString(), "--images",
        images.toString(), "--score-threshold", "0", "--out", out.toString(), "--quiet"));
    args.addAll(List.of(flags));
    MainTest.Outcome p = MainTest.run(args.toArray(String[]::new));
    assertThat(p.exitCode()).as(p.err()).isZero();
    return Files.readString(out);
  }

  /**
   * A COCO results file of the detector: a non-empty JSON array whose every entry names an image
   * and a category of the GT, a box of four finite numbers with non-negative size inside the
   * image, and a score in [0, 1]; and our own reader takes every entry.
   */
  static void assertCocoResults(Path results, Path annotations) throws Exception {
    JsonNode root = new ObjectMapper().readTree(results.toFile());
    CocoDataset gt = CocoReader.readDataset(annotations);
    assertThat(root.isArray()).as("%s is a JSON array", results).isTrue();
    assertThat(root.size()).as("detections at score threshold 0").isPositive();
    Map<Long, CocoImage> images = new HashMap<>();
    gt.images().forEach(i -> images.put(i.id(), i));
    Set<Integer> categories = new HashSet<>();
    gt.categories().forEach(c -> categories.add(c.id()));
    for (JsonNode d : root) {
      assertThat(d.fieldNames()).toIterable().as(d.toString())
          .contains("image_id", "category_id", "bbox", "score");
      CocoImage image = images.get(d.get("image_id").asLong());
      assertThat(image).as("image of %s", d).isNotNull();
      assertThat(categories).as("category of %s", d).contains(d.get("category_id").asInt());
      JsonNode b = d.get("bbox");
      assertThat(b.size()).as(d.toString()).isEqualTo(4);
      double x = b.get(0).asDouble(), y = b.get(1).asDouble();
      double w = b.get(2).asDouble(), h = b.get(3).asDouble();
      assertThat(List.of(x, y, w, h)).as(d.toString()).allMatch(Double::isFinite);
      assertThat(w).as(d.toString()).isGreaterThanOrEqualTo(0);
      assertThat(h).as(d.toString()).isGreaterThanOrEqualTo(0);
      assertThat(x).as(d.toString()).isBetween(-1e-3, image.width() + 1e-3);
      assertThat(y).as(d.toString()).isBetween(-1e-3, image.height() + 1e-3);
      assertThat(y + h).as(d.toString()).isBetween(-1e-3, image.height() + 1e-3);
      assertThat(x + w).as(d.toString()).isBetween(-1e-3, image.width() + 1e-3);
      assertThat(d.get("score").asDouble()).as(d.toString()).isBetween(0.0, 1.0);
    }
    assertThat(CocoReader.readResults(results, gt)).hasSize(root.size());
  }

  @Test
  void missingImage_exits2NamingTheFile() throws Exception {
    Path train = tmp.resolve("train");
    SynthGenerator.write(train, new SynthOptions(2, 1, 128, SynthOptions.Split.train));
    try (var files = Files.list(train.resolve("images"))) {
      Files.delete(files.sorted().findFirst().orElseThrow());
    }
    MainTest.Outcome t =
        MainTest.run(concat(new String[] {"train", "detect", "--train", train.resolve("annotations.json").toString(),
            "--iterations", "1it", "--out", tmp.resolve("run").toString()}, TINY));
    assertThat(t.exitCode()).isEqualTo(2);
    assertThat(t.err().strip().lines()).hasSize(1);
    assertThat(t.err()).contains(".png");
  }

  @Test
  void gpusTheEngineLacks_exit2BeforeAnythingIsWritten() throws Exception {
    Path train = tmp.resolve("train");
    SynthGenerator.write(train, new SynthOptions(2, 1, 128, SynthOptions.Split.train));
    Path run = tmp.resolve("run");
    MainTest.Outcome t =
        MainTest.run(concat(new String[] {"train", "detect", "--train", train.resolve("annotations.json").toString(),
            "--iterations", "1it", "--device", "gpu:0,1", "--accumulate", "2", "--out", run.toString()}, TINY));
    org.junit.jupiter.api.Assumptions.assumeTrue(io.ticketlab.engine.Engines.pytorch().getGpuCount() == 0,
        "this machine has a GPU: the refusal of a GPU device without one is not checked here");
    assertThat(t.exitCode()).isEqualTo(2);
    assertThat(t.err().strip().lines()).hasSize(1);
    assertThat(t.err()).contains("--device").contains("gpu:0,1").contains("the engine sees no GPU");
    assertThat(run).doesNotExist();
  }

  @Test
  void badDetectorOptions_exit2() {
    MainTest.Outcome task = MainTest.run("train", "detect", "--task", "pose", "--train", "x.json", "--out", "o");
    assertThat(task.exitCode()).isEqualTo(2);
    assertThat(task.err()).contains("--task").contains("pose");
    MainTest.Outcome model = MainTest.run("predict", "--model", "no-such-model", "--images", ".", "--out", "r.json");
    assertThat(model.exitCode()).isEqualTo(2);
    assertThat(model.err()).contains("no-such-model");
  }
}
