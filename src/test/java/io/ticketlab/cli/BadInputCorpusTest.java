package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import io.ticketlab.cli.BadInputCorpus.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Malformed inputs through the real command line (in-process {@link Main}, stderr captured), one
 * table over every command: each case must exit 2 with exactly one line on stderr that names the
 * file, record, field (or option) concerned, and leave no file behind. Inputs that would need the
 * native engine before they are refused are not here (they are checked before it loads); lottery
 * configs have their own corpus.
 */
class BadInputCorpusTest {
  private static Path root;
  private static Path gt;
  private static Path kpGt;
  private static Path results;
  private static Path segmResults;
  private static Path folder;
  private static Path plainFile;
  private static Path checkpoint;
  private static Path sparse;
  private static Path image;
  private static Path voc;
  private static Path out;

  /** One malformed invocation and the fragments its error line must hold. */

  @BeforeAll
  static void fixtures() throws Exception {
    root = Files.createTempDirectory("ticketlab-corpus");
    folder = Files.createDirectories(root.resolve("a-folder"));
    plainFile = Files.writeString(root.resolve("a-file.txt"), "just text\n");
    out = Files.createDirectories(root.resolve("out"));
    gt = write("gt.json", gtJson(IMAGES, CATEGORIES, ANNOTATIONS));
    kpGt = write("kp_gt.json", gtJson(IMAGES, KP_CATEGORIES,
        "[{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100,"
            + " \"num_keypoints\": 1, \"keypoints\": [" + kpValues(17) + "]}]"));
    results = write("results.json", "[" + RESULT + "]");
    segmResults = write("segm_results.json", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9,"
        + " \"segmentation\": {\"size\": [40, 40], \"counts\": [0, 1600]}}]");
    checkpoint = copyResource("/checkpoints/tiny_zip.pth", "tiny.pth");
    sparse = copyResource("/storage/v1/fixture.dense.tlsc", "fixture.dense.tlsc");
    image = root.resolve("img.png");
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
        "png", image.toFile());
    voc = root.resolve("VOC2007");
    Files.createDirectories(voc.resolve("Annotations"));
    Files.createDirectories(voc.resolve("ImageSets/Main"));
    for (String id : List.of("000001", "000002")) {
      copyResource("/voc/VOC2007/Annotations/" + id + ".xml", "VOC2007/Annotations/" + id + ".xml");
    }
    copyResource("/voc/VOC2007/ImageSets/Main/test.txt", "VOC2007/ImageSets/Main/test.txt");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    BadInputCorpus.delete(root);
  }

  @TestFactory
  Stream<DynamicTest> everyMalformedInput_exits2WithOneLineNamingIt() throws IOException {
    List<Case> cases = cases();
    assertThat(cases.size()).as("corpus size").isGreaterThanOrEqualTo(150);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Case c) throws IOException {
    BadInputCorpus.check(c, root, null);
  }

  // ---- the table ---------------------------------------------------------------------------

  private static final String IMAGES =
      "[{\"id\": 1, \"width\": 40, \"height\": 40, \"file_name\": \"a.png\"},"
          + " {\"id\": 2, \"width\": 40, \"height\": 40, \"file_name\": \"b.png\"}]";
  private static final String CATEGORIES = "[{\"id\": 1, \"name\": \"square\"}, {\"id\": 2, \"name\": \"disc\"}]";
  private static final String KP_CATEGORIES;

  static {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 17; i++) {
      names.append(i == 0 ? "" : ", ").append("\"k").append(i).append('"');
    }
    KP_CATEGORIES = "[{\"id\": 1, \"name\": \"person\", \"keypoints\": [" + names + "], \"skeleton\": []}]";
  }

  private static final String ANN_1 =
      "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100, \"iscrowd\": 0,"
          + " \"segmentation\": [[1, 1, 11, 1, 11, 11, 1, 11]]}";
  private static final String ANN_2 =
      "{\"id\": 2, \"image_id\": 2, \"category_id\": 2, \"bbox\": [5, 5, 20, 20], \"area\": 400, \"iscrowd\": 0,"
          + " \"segmentation\": [[5, 5, 25, 5, 25, 25, 5, 25]]}";
  private static final String ANNOTATIONS = "[" + ANN_1 + ", " + ANN_2 + "]";
  private static final String RESULT = "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"score\": 0.9}";

  private static String gtJson(String images, String categories, String annotations) {
    StringBuilder sb = new StringBuilder("{");
    if (images != null) {
      sb.append("\"images\": ").append(images);
    }
    if (categories != null) {
      sb.append(sb.length() > 1 ? ", " : "").append("\"categories\": ").append(categories);
    }
    if (annotations != null) {
      sb.append(sb.length() > 1 ? ", " : "").append("\"annotations\": ").append(annotations);
    }
    return sb.append('}').toString();
  }

  private static String withAnnotation(String annotation) {
    return gtJson(IMAGES, CATEGORIES, "[" + annotation + ", " + ANN_2 + "]");
  }

  private static String kpValues(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ", ").append(i == 0 ? "5, 5, 2" : "0, 0, 0");
    }
    return sb.toString();
  }

  private static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    String g = gt.toString();
    String r = results.toString();

    // COCO ground truth: each malformed file through eval (and the first ones through analyze tide)
    List<String[]> badGt = new ArrayList<>();
    badGt.add(new String[] {"not JSON", "{\"images\": [", "malformed JSON"});
    badGt.add(new String[] {"empty file", "", "expected a JSON object"});
    badGt.add(new String[] {"an array", "[]", "expected a JSON object"});
    badGt.add(new String[] {"no images", gtJson(null, CATEGORIES, ANNOTATIONS), "images: missing"});
    badGt.add(new String[] {"images null", gtJson("null", CATEGORIES, ANNOTATIONS), "images: missing"});
    badGt.add(new String[] {"images a number", gtJson("5", CATEGORIES, ANNOTATIONS), "images: expected an array"});
    badGt.add(new String[] {"image not an object", gtJson("[1]", CATEGORIES, ANNOTATIONS), "images[0]: expected a JSON object"});
    badGt.add(new String[] {"image without id", gtJson("[{\"width\": 4}]", CATEGORIES, "[]"), "images[0].id: missing"});
    badGt.add(new String[] {"image id a string", gtJson("[{\"id\": \"one\"}]", CATEGORIES, "[]"), "images[0].id: bad value one"});
    badGt.add(new String[] {"image id fractional", gtJson("[{\"id\": 1.5}]", CATEGORIES, "[]"), "images[0].id: bad value 1.5"});
    badGt.add(new String[] {"negative image size", gtJson("[{\"id\": 1, \"width\": -4, \"height\": 4}]", CATEGORIES, "[]"), "images[0].width/height"});
    badGt.add(new String[] {"duplicate image id", gtJson("[{\"id\": 1}, {\"id\": 2}, {\"id\": 1}]", CATEGORIES, ANNOTATIONS), "images[2].id: bad value 1: duplicate image id"});
    badGt.add(new String[] {"category without id", gtJson(IMAGES, "[{\"name\": \"x\"}]", "[]"), "categories[0].id: missing"});
    badGt.add(new String[] {"duplicate category id", gtJson(IMAGES, "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 1, \"name\": \"b\"}]", "[]"), "categories[1].id: bad value 1: duplicate category id"});
    badGt.add(new String[] {"category keypoints a number", gtJson(IMAGES, "[{\"id\": 1, \"keypoints\": 3}]", "[]"), "categories[0].keypoints"});
    badGt.add(new String[] {"categories not an array", gtJson(IMAGES, "{}", "[]"), "categories: expected an array"});
    badGt.add(new String[] {"annotations not an array", gtJson(IMAGES, CATEGORIES, "7"), "annotations: expected an array"});
    badGt.add(new String[] {"annotation not an object", gtJson(IMAGES, CATEGORIES, "[\"x\"]"), "annotations[0]: expected a JSON object"});
    badGt.add(new String[] {"annotation without id", withAnnotation("{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}"), "annotations[0].id: missing"});
    badGt.add(new String[] {"annotation without image_id", withAnnotation("{\"id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}"), "annotations[0].image_id: missing"});
    badGt.add(new String[] {"annotation without category_id", withAnnotation("{\"id\": 1, \"image_id\": 1, \"bbox\": [1, 1, 2, 2]}"), "annotations[0].category_id: missing"});
    badGt.add(new String[] {"annotation of an unknown image", withAnnotation("{\"id\": 1, \"image_id\": 9, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}"), "annotations[0].image_id: bad value 9: no image with this id"});
    badGt.add(new String[] {"annotation of an unknown category", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 7, \"bbox\": [1, 1, 2, 2]}"), "annotations[0].category_id: bad value 7: no category with this id"});
    badGt.add(new String[] {"duplicate annotation id", withAnnotation("{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}"), "annotations[1].id: bad value 2: duplicate annotation id"});
    badGt.add(new String[] {"annotations but no categories", gtJson(IMAGES, null, ANNOTATIONS), "annotations[0].category_id: bad value 1: no category with this id"});
    badGt.add(new String[] {"annotations but no image records", gtJson("[]", CATEGORIES, ANNOTATIONS), "annotations[0].image_id: bad value 1"});
    badGt.add(new String[] {"bbox of 3 numbers", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2]}"), "annotations[0].bbox: bad value [1.0, 1.0, 2.0]"});
    badGt.add(new String[] {"bbox NaN", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, NaN, 2, 2]}"), "annotations[0].bbox", "not a finite number"});
    badGt.add(new String[] {"bbox negative width", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, -2, 2]}"), "annotations[0].bbox", "negative width"});
    badGt.add(new String[] {"bbox a string", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": \"1,1,2,2\"}"), "annotations[0].bbox"});
    badGt.add(new String[] {"bbox with a string", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, \"1\", 2, 2]}"), "annotations[0].bbox", "expected a number"});
    badGt.add(new String[] {"polygon of 4 coordinates", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"segmentation\": [[1, 1, 2, 2]]}"), "annotations[0].segmentation", "at least 6"});
    badGt.add(new String[] {"RLE counts of the wrong sum", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"segmentation\": {\"size\": [4, 4], \"counts\": [3, 4]}}"), "annotations[0].segmentation.counts", "not height*width = 16"});
    badGt.add(new String[] {"RLE without size", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"segmentation\": {\"counts\": [16]}}"), "annotations[0].segmentation.size"});
    badGt.add(new String[] {"RLE bad compressed counts", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"segmentation\": {\"size\": [4, 4], \"counts\": \"\\u00ff\\u00ff\"}}"), "annotations[0].segmentation.counts"});
    badGt.add(new String[] {"segmentation a number", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"segmentation\": 5}"), "annotations[0].segmentation", "expected polygons or an RLE object"});
    badGt.add(new String[] {"iscrowd a string", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"iscrowd\": \"yes\"}"), "annotations[0].iscrowd"});
    badGt.add(new String[] {"area a string", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"area\": \"big\"}"), "annotations[0].area: bad value big"});
    badGt.add(new String[] {"keypoints not triplets", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"keypoints\": [1, 2]}"), "annotations[0].keypoints", "triplets"});
    badGt.add(new String[] {"truncated in an annotation", gtJson(IMAGES, CATEGORIES, ANNOTATIONS).substring(0, 300), "malformed JSON"});
    badGt.add(new String[] {"bbox evaluation of an annotation without bbox", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 4}"), "annotations[0].bbox: missing (needed for bbox evaluation)"});
    for (int i = 0; i < badGt.size(); i++) {
      String[] b = badGt.get(i);
      Path file = write("gt_" + i + ".json", b[1]);
      List<String> frags = new ArrayList<>(List.of(file.toString()));
      frags.addAll(Arrays.asList(b).subList(2, b.length));
      cases.add(new Case("eval, GT " + b[0], List.of("eval", "--gt", file.toString(), "--results", r), frags));
      if (i < 30) {
        cases.add(new Case("analyze tide, GT " + b[0],
            List.of("analyze", "tide", "--gt", file.toString(), "--results", r), frags));
      }
      if (i < 26) {
        cases.add(new Case("predict --coco, GT " + b[0], List.of("predict", "--model", "fasterrcnn_resnet50_fpn",
            "--weights", checkpoint.toString(), "--coco", file.toString(), "--out", out.resolve("p.json").toString()), frags));
      }
    }
    Path noSegm = write("gt_no_segm.json", withAnnotation("{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"area\": 4}"));
    cases.add(new Case("eval segm, GT annotation without segmentation",
        List.of("eval", "--iou", "segm", "--gt", noSegm.toString(), "--results", segmResults.toString()),
        List.of(noSegm.toString(), "annotations[0].segmentation: missing")));
    Path kpNoKp = write("kp_gt_no_kp.json", gtJson(IMAGES, KP_CATEGORIES,
        "[{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100}]"));
    Path kpResults = write("kp_results.json", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9, \"keypoints\": ["
        + kpValues(17) + "]}]");
    cases.add(new Case("eval keypoints, GT annotation without keypoints",
        List.of("eval", "--iou", "keypoints", "--gt", kpNoKp.toString(), "--results", kpResults.toString()),
        List.of(kpNoKp.toString(), "annotations[0].keypoints: missing")));
    Path kpShort = write("kp_results_short.json", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9, \"keypoints\": [1, 1, 2]}]");
    cases.add(new Case("eval keypoints, result with 1 of 17 keypoints",
        List.of("eval", "--iou", "keypoints", "--gt", kpGt.toString(), "--results", kpShort.toString()),
        List.of(kpShort.toString(), "[0].keypoints", "expected 3 x 17")));
    cases.add(new Case("analyze keypoints, result with 1 of 17 keypoints",
        List.of("analyze", "keypoints", "--gt", kpGt.toString(), "--results", kpShort.toString()),
        List.of(kpShort.toString(), "[0].keypoints")));

    // COCO results
    List<String[]> badResults = new ArrayList<>();
    badResults.add(new String[] {"an object", "{}", "expected a JSON array of detections"});
    badResults.add(new String[] {"not JSON", "[{", "malformed JSON"});
    badResults.add(new String[] {"empty file", "", "expected a JSON array"});
    badResults.add(new String[] {"element a number", "[1]", "[0]: expected a JSON object"});
    badResults.add(new String[] {"no image_id", "[{\"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]", "[0].image_id: missing"});
    badResults.add(new String[] {"no category_id", "[{\"image_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]", "[0].category_id: missing"});
    badResults.add(new String[] {"no score", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}]", "[0].score: missing"});
    badResults.add(new String[] {"score NaN", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": NaN}]", "[0].score", "not a finite number"});
    badResults.add(new String[] {"score a string", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": \"high\"}]", "[0].score: bad value high"});
    badResults.add(new String[] {"unknown image", "[" + RESULT + ", {\"image_id\": 5, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]", "[1].image_id: bad value 5: no image with this id in the ground truth"});
    badResults.add(new String[] {"unknown category", "[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]", "[0].category_id: bad value 3"});
    badResults.add(new String[] {"bbox of 2 numbers", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1], \"score\": 0.5}]", "[0].bbox"});
    badResults.add(new String[] {"bbox negative height", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 2, -2], \"score\": 0.5}]", "[0].bbox", "negative"});
    badResults.add(new String[] {"bbox infinite", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, Infinity, 2], \"score\": 0.5}]", "[0].bbox", "finite"});
    badResults.add(new String[] {"polygon mask", "[{\"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 1, 2, 1, 2, 2]], \"score\": 0.5}]", "[0].segmentation", "RLE"});
    badResults.add(new String[] {"second result without bbox", "[" + RESULT + ", {\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"keypoints\": [1, 1, 1]}]", "[1].bbox: missing"});
    badResults.add(new String[] {"content after the array", "[" + RESULT + "] [", "unexpected content after the array"});
    badResults.add(new String[] {"image_id fractional", "[{\"image_id\": 1.5, \"category_id\": 1, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]", "[0].image_id: bad value 1.5"});
    badResults.add(new String[] {"a result with nothing to compare", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5}]", "[0]", "needs a bbox, a segmentation or keypoints"});
    badResults.add(new String[] {"RLE of the wrong size sum", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.5, \"segmentation\": {\"size\": [4, 4], \"counts\": [1, 2]}}]", "[0].segmentation.counts"});
    for (int i = 0; i < badResults.size(); i++) {
      String[] b = badResults.get(i);
      Path file = write("results_" + i + ".json", b[1]);
      List<String> frags = new ArrayList<>(List.of(file.toString()));
      frags.addAll(Arrays.asList(b).subList(2, b.length));
      cases.add(new Case("eval, results " + b[0], List.of("eval", "--gt", g, "--results", file.toString()), frags));
      if (i < 15) {
        cases.add(new Case("analyze tide, results " + b[0],
            List.of("analyze", "tide", "--gt", g, "--results", r, "--results", file.toString()), frags));
      }
    }

    // files of the wrong kind, and outputs that cannot be written
    String f = folder.toString();
    String missing = root.resolve("no-such.json").toString();
    cases.add(new Case("eval --gt a folder", List.of("eval", "--gt", f, "--results", r), List.of(f, "is a folder, expected a file")));
    cases.add(new Case("eval --results a folder", List.of("eval", "--gt", g, "--results", f), List.of(f, "is a folder, expected a file")));
    cases.add(new Case("eval --gt missing", List.of("eval", "--gt", missing, "--results", r), List.of(missing, "no such file")));
    cases.add(new Case("eval --results missing", List.of("eval", "--gt", g, "--results", missing), List.of(missing, "no such file")));
    cases.add(new Case("eval --out an existing folder", List.of("eval", "--gt", g, "--results", r, "--out", f), List.of(f, "is a folder, expected a file to write")));
    cases.add(new Case("eval --out below a file", List.of("eval", "--gt", g, "--results", r, "--out", plainFile.resolve("x.json").toString()), List.of(plainFile.resolve("x.json").toString(), "is a file")));
    cases.add(new Case("eval without --results", List.of("eval", "--gt", g), List.of("--gt and --results are required")));
    cases.add(new Case("eval --iou bad", List.of("eval", "--gt", g, "--results", r, "--iou", "boxes"), List.of("--iou: bad value boxes")));
    cases.add(new Case("eval --device gpu without a GPU", List.of("eval", "--gt", g, "--results", r, "--device", "gpu"), List.of("--device: bad value gpu", "no GPU")));
    cases.add(new Case("eval --device gpus without a GPU", List.of("--device", "gpus", "eval", "--gt", g, "--results", r), List.of("--device: bad value gpus")));
    cases.add(new Case("eval --device tpu", List.of("eval", "--gt", g, "--results", r, "--device", "tpu"), List.of("--device: bad value tpu")));
    cases.add(new Case("eval --threads 0", List.of("eval", "--gt", g, "--results", r, "--threads", "0"), List.of("--threads: bad value 0")));
    cases.add(new Case("eval unknown option", List.of("eval", "--gt", g, "--results", r, "--bogus"), List.of("--bogus")));
    cases.add(new Case("analyze tide --out an existing file", List.of("analyze", "tide", "--gt", g, "--results", r, "--out", plainFile.toString()), List.of(plainFile.toString(), "is a file, expected a folder")));
    cases.add(new Case("analyze keypoints --out an existing file", List.of("analyze", "keypoints", "--gt", kpGt.toString(), "--results", kpResults.toString(), "--out", plainFile.toString()), List.of(plainFile.toString(), "is a file, expected a folder")));
    cases.add(new Case("analyze tide --gt a folder", List.of("analyze", "tide", "--gt", f, "--results", r), List.of(f, "is a folder")));
    cases.add(new Case("analyze keypoints --results a folder", List.of("analyze", "keypoints", "--gt", kpGt.toString(), "--results", f), List.of(f, "is a folder")));
    cases.add(new Case("analyze tide --mode bad", List.of("analyze", "tide", "--gt", g, "--results", r, "--mode", "poly"), List.of("--mode: bad value poly")));
    cases.add(new Case("analyze tide labels do not match", List.of("analyze", "tide", "--gt", g, "--results", r, "--label", "a", "--label", "b"), List.of("--label", "2 labels for 1 results")));
    cases.add(new Case("analyze tide bad threshold", List.of("analyze", "tide", "--gt", g, "--results", r, "--pos-threshold", "1.5"), List.of("1.5")));
    cases.add(new Case("analyze unknown command", List.of("analyze", "errors"), List.of("errors")));

    // weights files: every command that reads one
    byte[] zip = Files.readAllBytes(checkpoint);
    byte[] dense = Files.readAllBytes(sparse);
    List<Object[]> badWeights = new ArrayList<>();
    badWeights.add(new Object[] {"a folder", folder, "is a folder, expected a file"});
    badWeights.add(new Object[] {"missing", root.resolve("missing.pth"), "no such file"});
    badWeights.add(new Object[] {"empty", write("empty.pth", ""), "unrecognised weights file"});
    badWeights.add(new Object[] {"text", plainFile, "unrecognised weights file"});
    badWeights.add(new Object[] {"truncated zip .pth", writeBytes("truncated.pth", Arrays.copyOf(zip, 120)), "truncated.pth"});
    badWeights.add(new Object[] {"zip .pth cut in half", writeBytes("half.pth", Arrays.copyOf(zip, zip.length / 2)), "half.pth"});
    badWeights.add(new Object[] {"truncated sparse checkpoint", writeBytes("cut.tlsc", Arrays.copyOf(dense, dense.length - 7)), "cut.tlsc"});
    badWeights.add(new Object[] {"sparse checkpoint header only", writeBytes("head.tlsc", Arrays.copyOf(dense, 12)), "head.tlsc"});
    badWeights.add(new Object[] {"legacy pickle garbage", writeBytes("legacy.pth", new byte[] {(byte) 0x80, 2, 'X', 'Y', 'Z'}), "legacy.pth"});
    badWeights.add(new Object[] {"safetensors with a bad header", writeBytes("bad.safetensors", safetensorsHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 99]}}")), "bad.safetensors"});
    badWeights.add(new Object[] {"safetensors header not JSON", writeBytes("nojson.safetensors", safetensorsHeader("{not json}")), "nojson.safetensors"});
    badWeights.add(new Object[] {"npz of junk", writeBytes("junk.npz", new byte[] {'P', 'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8}), "junk.npz"});
    badWeights.add(new Object[] {"npy with a bad header", writeBytes("bad.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 4, 0, 'x', 'y', 'z', 'w'}), "bad.npy"});
    for (Object[] b : badWeights) {
      String file = b[1].toString();
      String why = (String) b[2];
      List<String> frags = why.equals(file.substring(file.lastIndexOf('/') + 1)) ? List.of(file) : List.of(file, why);
      cases.add(new Case("sparsity, weights " + b[0], List.of("sparsity", file), frags));
      if (!b[1].equals(folder)) { // size reads a lottery run folder (case below)
        cases.add(new Case("size, weights " + b[0], List.of("size", file), frags));
      }
      cases.add(new Case("export, weights " + b[0], List.of("export", file, "--format", "entropy", "--out", out.resolve("x.tlsc").toString()), frags));
      cases.add(new Case("macs --checkpoint, weights " + b[0], List.of("macs", "--arch", "resnet18", "--checkpoint", file), frags));
    }
    cases.add(new Case("size of a folder without lottery levels", List.of("size", f), List.of(f, "no finished lottery level")));
    cases.add(new Case("classify --weights a folder", List.of("classify", "--weights", f, "--images", image.toString()), List.of(f, "is a folder, expected a file")));
    cases.add(new Case("classify --weights missing", List.of("classify", "--weights", missing, "--images", image.toString()), List.of(missing, "no such file")));
    cases.add(new Case("classify --images missing", List.of("classify", "--weights", checkpoint.toString(), "--images", missing), List.of(missing, "no such file or folder")));
    cases.add(new Case("classify --images without images", List.of("classify", "--weights", checkpoint.toString(), "--images", f), List.of(f, "no images")));
    cases.add(new Case("classify --arch bad", List.of("classify", "--weights", checkpoint.toString(), "--images", image.toString(), "--arch", "vgg16"), List.of("--arch: bad value vgg16")));
    cases.add(new Case("classify --topk 0", List.of("classify", "--weights", checkpoint.toString(), "--images", image.toString(), "--topk", "0"), List.of("--topk: bad value 0")));
    cases.add(new Case("export --format bad", List.of("export", sparse.toString(), "--format", "zip", "--out", out.resolve("x").toString()), List.of("zip")));
    cases.add(new Case("export --paper-threshold without paper", List.of("export", sparse.toString(), "--format", "dense", "--paper-threshold", "0.5", "--out", out.resolve("x").toString()), List.of("--paper-threshold")));
    cases.add(new Case("export --out a folder", List.of("export", sparse.toString(), "--format", "dense", "--out", f), List.of(f, "is a folder, expected a file to write")));
    cases.add(new Case("export --out below a file", List.of("export", sparse.toString(), "--format", "dense", "--out", plainFile.resolve("x.tlsc").toString()), List.of(plainFile.resolve("x.tlsc").toString())));
    cases.add(new Case("import of a folder", List.of("import", f, "--out", out.resolve("x.tlsc").toString()), List.of(f, "is a folder")));
    cases.add(new Case("import --out a folder", List.of("import", sparse.toString(), "--out", f), List.of(f, "is a folder")));
    cases.add(new Case("size --format bad", List.of("size", sparse.toString(), "--format", "rar"), List.of("rar")));
    cases.add(new Case("sparsity, a preset that selects nothing", List.of("sparsity", checkpoint.toString(), "--preset", "paper-coco"), List.of(checkpoint + ": --preset: bad value paper-coco: selects no tensor of this checkpoint")));
    cases.add(new Case("sparsity, the default preset selects nothing", List.of("sparsity", checkpoint.toString()), List.of(checkpoint + ": --preset: bad value paper-coco")));
    cases.add(new Case("sparsity, --include matches nothing", List.of("sparsity", checkpoint.toString(), "--preset", "paper-coco", "--include", "^nothing$"), List.of("selects no tensor")));
    cases.add(new Case("sparsity --preset bad", List.of("sparsity", checkpoint.toString(), "--preset", "everything"), List.of("everything")));
    cases.add(new Case("sparsity without a checkpoint", List.of("sparsity"), List.of("CHECKPOINT")));
    cases.add(new Case("macs --arch bad", List.of("macs", "--arch", "lenet"), List.of("lenet")));
    cases.add(new Case("macs --input bad", List.of("macs", "--arch", "resnet18", "--input", "224xabc"), List.of("--input", "224xabc")));
    cases.add(new Case("macs --input zero", List.of("macs", "--arch", "resnet18", "--input", "0x0"), List.of("0x0")));

    // predict: refused before the model is built
    List<String> predict = List.of("predict", "--model", "fasterrcnn_resnet50_fpn", "--weights", checkpoint.toString());
    cases.add(new Case("predict --out a folder", concat(predict, "--coco", g, "--out", f), List.of(f, "is a folder, expected a file to write")));
    cases.add(new Case("predict --coco a folder", concat(predict, "--coco", f, "--out", out.resolve("p.json").toString()), List.of(f, "is a folder, expected a file")));
    cases.add(new Case("predict --images a file", concat(predict, "--images", plainFile.toString(), "--out", out.resolve("p.json").toString()), List.of(plainFile.toString(), "is a file, expected a folder")));
    cases.add(new Case("predict --coco and --images", concat(predict, "--coco", g, "--images", f, "--out", out.resolve("p.json").toString()), List.of("exactly one of --coco")));
    cases.add(new Case("predict --weights a folder", List.of("predict", "--model", "fasterrcnn_resnet50_fpn", "--weights", f, "--coco", g, "--out", out.resolve("p.json").toString()), List.of(f, "is a folder, expected a file")));
    cases.add(new Case("predict --model missing", List.of("predict", "--model", missing, "--coco", g, "--out", out.resolve("p.json").toString()), List.of(missing, "--model", "not a torchvision model name")));
    cases.add(new Case("predict without --weights", List.of("predict", "--model", "fasterrcnn_resnet50_fpn", "--coco", g, "--out", out.resolve("p.json").toString()), List.of("--weights")));
    cases.add(new Case("predict --device gpu without a GPU", concat(predict, "--coco", g, "--out", out.resolve("p.json").toString(), "--device", "gpu:0"), List.of("--device: bad value gpu:0")));

    // Pascal VOC
    String vr = voc.toString();
    cases.add(new Case("voc2coco --voc-root missing", List.of("data", "voc2coco", "--voc-root", missing, "--out", out.resolve("v.json").toString()), List.of(missing, "no such folder")));
    cases.add(new Case("voc2coco --voc-root a file", List.of("data", "voc2coco", "--voc-root", plainFile.toString(), "--out", out.resolve("v.json").toString()), List.of(plainFile.toString(), "is a file, expected a folder")));
    cases.add(new Case("voc2coco root without ImageSets", List.of("data", "voc2coco", "--voc-root", f, "--out", out.resolve("v.json").toString()), List.of("test.txt", "no such file")));
    cases.add(new Case("voc2coco unknown split", List.of("data", "voc2coco", "--voc-root", vr, "--split", "trainval", "--out", out.resolve("v.json").toString()), List.of("trainval.txt", "no such file")));
    cases.add(new Case("voc2coco --out a folder", List.of("data", "voc2coco", "--voc-root", vr, "--out", f), List.of(f, "is a folder, expected a file to write")));
    cases.add(new Case("voc2coco --difficult bad", List.of("data", "voc2coco", "--voc-root", vr, "--difficult", "ignore", "--out", out.resolve("v.json").toString()), List.of("--difficult", "ignore")));
    List<String[]> badXml = new ArrayList<>();
    String okObject = "<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>";
    String size = "<size><width>100</width><height>80</height><depth>3</depth></size>";
    badXml.add(new String[] {"truncated XML", "<annotation><filename>x.jpg</filename><object><name>dog</na", "malformed XML at line 1"});
    badXml.add(new String[] {"empty XML", "", "malformed XML"});
    badXml.add(new String[] {"object without name", "<annotation>" + size + "<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>", "object[0].name: missing"});
    badXml.add(new String[] {"object without bndbox", "<annotation>" + size + "<object><name>dog</name></object></annotation>", "object[0].bndbox: missing"});
    badXml.add(new String[] {"bndbox coordinate not a number", "<annotation>" + size + okObject.replace("<xmin>1</xmin>", "<xmin>one</xmin>") + "</annotation>", "object[0]", "xmin", "one"});
    badXml.add(new String[] {"object of an unknown class", "<annotation>" + size + okObject.replace("dog", "unicorn") + "</annotation>", "object[0].name: bad value unicorn"});
    badXml.add(new String[] {"size not a number", "<annotation><size><width>wide</width><height>80</height></size>" + okObject + "</annotation>", "size", "wide"});
    badXml.add(new String[] {"a DOCTYPE (entity expansion)", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><annotation>" + size + "</annotation>", "malformed XML"});
    for (int i = 0; i < badXml.size(); i++) {
      String[] b = badXml.get(i);
      Path root2 = Files.createDirectories(root.resolve("voc_" + i));
      Files.createDirectories(root2.resolve("Annotations"));
      Files.createDirectories(root2.resolve("ImageSets/Main"));
      Files.writeString(root2.resolve("ImageSets/Main/test.txt"), "000001\n");
      Path xml = write("voc_" + i + "/Annotations/000001.xml", b[1]);
      List<String> frags = new ArrayList<>(List.of(xml.toString()));
      frags.addAll(Arrays.asList(b).subList(2, b.length));
      cases.add(new Case("voc2coco, " + b[0], List.of("data", "voc2coco", "--voc-root", root2.toString(), "--out", out.resolve("v.json").toString()), frags));
      cases.add(new Case("eval voc, " + b[0], List.of("eval", "voc", "--voc-root", root2.toString(), "--results", r), frags));
    }
    Path missingXmlRoot = Files.createDirectories(root.resolve("voc_missing_xml"));
    Files.createDirectories(missingXmlRoot.resolve("ImageSets/Main"));
    Files.writeString(missingXmlRoot.resolve("ImageSets/Main/test.txt"), "000009\n");
    cases.add(new Case("voc2coco, split lists an image without XML", List.of("data", "voc2coco", "--voc-root", missingXmlRoot.toString(), "--out", out.resolve("v.json").toString()), List.of("000009.xml", "no such file")));
    Path vocResultsBad = write("voc_results_bad.json", "[{\"image_id\": \"000001\", \"category_id\": 12, \"bbox\": [0, 0, 10], \"score\": 0.9}]");
    cases.add(new Case("eval voc, results bbox of 3 numbers", List.of("eval", "voc", "--voc-root", vr, "--results", vocResultsBad.toString()), List.of(vocResultsBad.toString(), "[0]", "bbox")));
    Path vocResultsObj = write("voc_results_obj.json", "{}");
    cases.add(new Case("eval voc, results an object", List.of("eval", "voc", "--voc-root", vr, "--results", vocResultsObj.toString()), List.of(vocResultsObj.toString(), "expected a JSON array")));
    Path vocResultsImg = write("voc_results_img.json", "[{\"image_id\": \"999999\", \"category_id\": 12, \"bbox\": [0, 0, 10, 10], \"score\": 0.9}]");
    cases.add(new Case("eval voc, results of an unknown image", List.of("eval", "voc", "--voc-root", vr, "--results", vocResultsImg.toString()), List.of(vocResultsImg.toString(), "[0].image_id", "999999")));
    cases.add(new Case("eval voc, results a folder", List.of("eval", "voc", "--voc-root", vr, "--results", f), List.of(f, "is a folder")));
    cases.add(new Case("eval voc --metric bad", List.of("eval", "voc", "--voc-root", vr, "--results", r, "--metric", "99"), List.of("--metric: bad value 99")));

    // data synth
    cases.add(new Case("synth --images 0", List.of("data", "synth", "--out", out.resolve("s").toString(), "--images", "0"), List.of("images", "0")));
    cases.add(new Case("synth --images -3", List.of("data", "synth", "--out", out.resolve("s").toString(), "--images", "-3"), List.of("-3")));
    cases.add(new Case("synth --size 0", List.of("data", "synth", "--out", out.resolve("s").toString(), "--images", "2", "--size", "0"), List.of("size", "0")));
    cases.add(new Case("synth --out an existing file", List.of("data", "synth", "--out", plainFile.toString(), "--images", "1"), List.of(plainFile.toString(), "is a file")));
    cases.add(new Case("synth --split bad", List.of("data", "synth", "--out", out.resolve("s").toString(), "--images", "1", "--split", "test"), List.of("--split", "test")));
    cases.add(new Case("synth --images not a number", List.of("data", "synth", "--out", out.resolve("s").toString(), "--images", "many"), List.of("--images", "many")));

    // readers of run folders (report, lottery table) and the demo's output folder
    Path emptyRoot = Files.createDirectories(root.resolve("no-experiments"));
    String[][] badRoots = {
      {plainFile.toString(), plainFile + ": not a folder (--root takes a folder of lottery_<id> experiments)"},
      {missing, missing + ": no such folder"},
      {emptyRoot.toString(), emptyRoot + ": no experiment folders (lottery_<id>) in it"},
    };
    for (String[] b : badRoots) {
      cases.add(new Case("report --root " + b[0], List.of("report", "--root", b[0], "--out", out.resolve("r.html").toString()), List.of(b[1])));
      cases.add(new Case("lottery table --root " + b[0], List.of("lottery", "table", "--root", b[0]), List.of(b[1])));
    }
    cases.add(new Case("report --out a folder", List.of("report", "--root", emptyRoot.toString(), "--out", f), List.of(f + ": is a folder, expected a file to write")));
    cases.add(new Case("report --out below a file", List.of("report", "--root", emptyRoot.toString(), "--out", plainFile.resolve("r.html").toString()), List.of(plainFile.resolve("r.html") + ": " + plainFile + " is a file")));
    cases.add(new Case("report without --root", List.of("report", "--out", out.resolve("r.html").toString()), List.of("--root")));
    cases.add(new Case("lottery table without --root", List.of("lottery", "table"), List.of("--root")));
    cases.add(new Case("lottery table --format xml", List.of("lottery", "table", "--root", emptyRoot.toString(), "--format", "xml"), List.of("--format: bad value xml")));
    cases.add(new Case("lottery table --out a folder", List.of("lottery", "table", "--root", emptyRoot.toString(), "--out", f), List.of(f + ": is a folder, expected a file to write")));
    cases.add(new Case("lottery table --out below a file", List.of("lottery", "table", "--root", emptyRoot.toString(), "--out", plainFile.resolve("t.md").toString()), List.of(plainFile.resolve("t.md") + ": " + plainFile + " is a file")));
    cases.add(new Case("demo --out a file", List.of("demo", "--quick", "--out", plainFile.toString()), List.of(plainFile + ": is a file, expected a folder to write into")));
    cases.add(new Case("demo --out below a file", List.of("demo", "--quick", "--out", plainFile.resolve("demo").toString()), List.of(plainFile.resolve("demo") + ": " + plainFile + " is a file")));
    cases.add(new Case("doctor --device tpu", List.of("--device", "tpu", "doctor"), List.of("--device: bad value tpu")));

    // the command line itself
    cases.add(new Case("unknown command", List.of("evaluate"), List.of("evaluate")));
    cases.add(new Case("help of an unknown command", List.of("help", "evaluate"), List.of("evaluate")));
    cases.add(new Case("--threads not a number", List.of("--threads", "x", "eval", "--gt", g, "--results", r), List.of("--threads", "x")));
    cases.add(new Case("data without a command", List.of("data", "frobnicate"), List.of("frobnicate")));
    return cases;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private static byte[] safetensorsHeader(String json) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[8 + h.length];
    java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length);
    System.arraycopy(h, 0, out, 8, h.length);
    return out;
  }

  private static Path write(String name, String content) throws IOException {
    Path p = root.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  private static Path writeBytes(String name, byte[] content) throws IOException {
    return Files.write(root.resolve(name), content);
  }

  private static Path copyResource(String resource, String name) throws IOException {
    Path p = root.resolve(name);
    Files.createDirectories(p.getParent());
    try (InputStream in = BadInputCorpusTest.class.getResourceAsStream(resource)) {
      Files.copy(in, p);
    }
    return p;
  }
}
