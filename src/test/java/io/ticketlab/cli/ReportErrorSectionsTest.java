package io.ticketlab.cli;

import static io.ticketlab.cli.ReportCommandTest.csv;
import static io.ticketlab.cli.ReportCommandTest.det;
import static io.ticketlab.cli.ReportCommandTest.level;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticketlab.analysis.Oracles;
import io.ticketlab.analysis.keypoints.KeypointAnalysis;
import io.ticketlab.analysis.keypoints.KeypointAnalysisResult;
import io.ticketlab.analysis.keypoints.KeypointAnalysisStep;
import io.ticketlab.analysis.keypoints.KeypointError;
import io.ticketlab.analysis.tide.Tide;
import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideMode;
import io.ticketlab.analysis.tide.TideResult;
import io.ticketlab.analysis.tide.TideSettings;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.eval.coco.CategoryAp;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.lottery.Experiment;
import io.ticketlab.lottery.LevelAnalyses;
import io.ticketlab.lottery.RunIndex;
import io.ticketlab.report.ReportInput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error-analysis sections of {@code ticketlab report} (per-category AP, TIDE, keypoint errors) over
 * hand-written run folders with a tiny ground truth and hand-written results.json: the numbers are those of the
 * evaluator and analyses run directly, cached per level, and a results file that does not fit is left out.
 */
class ReportErrorSectionsTest {
  @TempDir Path dir;

  static final String DET = String.join("\n",
      "task: det", "data: {train: coco/train.json, val: coco/val.json}",
      "training: {iterations: 10it, batch: 2, lr: 0.01, warmup: 1it}",
      "pruning: {preset: paper-coco, sparsity: 0.8, rounds: 3}", "rewind: {at: 2it}", "");

  /** Three 100×100 images, cats and dogs. */
  static final String GT = """
      {"images": [{"id": 1, "width": 100, "height": 100, "file_name": "1.jpg"},
        {"id": 2, "width": 100, "height": 100, "file_name": "2.jpg"},
        {"id": 3, "width": 100, "height": 100, "file_name": "3.jpg"}],
       "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
       "annotations": [
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 30], "area": 900, "iscrowd": 0},
        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [50, 50, 40, 40], "area": 1600, "iscrowd": 0},
        {"id": 3, "image_id": 2, "category_id": 1, "bbox": [20, 20, 40, 40], "area": 1600, "iscrowd": 0},
        {"id": 4, "image_id": 3, "category_id": 2, "bbox": [5, 5, 50, 50], "area": 2500, "iscrowd": 0},
        {"id": 5, "image_id": 3, "category_id": 1, "bbox": [60, 60, 30, 30], "area": 900, "iscrowd": 0}]}
      """;

  /** Nearly every object found, one weak background detection. */
  static final String DENSE = """
      [{"image_id": 1, "category_id": 1, "bbox": [11, 10, 30, 30], "score": 0.9},
       {"image_id": 1, "category_id": 2, "bbox": [50, 52, 40, 40], "score": 0.8},
       {"image_id": 2, "category_id": 1, "bbox": [20, 20, 38, 40], "score": 0.95},
       {"image_id": 3, "category_id": 2, "bbox": [5, 5, 50, 48], "score": 0.85},
       {"image_id": 3, "category_id": 1, "bbox": [60, 62, 30, 30], "score": 0.7},
       {"image_id": 2, "category_id": 2, "bbox": [80, 80, 10, 10], "score": 0.1}]
      """;

  /** A poor box, a dog called a cat, a duplicate, a background dog, a missed cat. */
  static final String SPARSE = """
      [{"image_id": 1, "category_id": 1, "bbox": [20, 20, 30, 30], "score": 0.9},
       {"image_id": 1, "category_id": 1, "bbox": [50, 50, 40, 40], "score": 0.8},
       {"image_id": 2, "category_id": 1, "bbox": [20, 20, 40, 40], "score": 0.95},
       {"image_id": 2, "category_id": 1, "bbox": [21, 21, 40, 40], "score": 0.6},
       {"image_id": 3, "category_id": 2, "bbox": [5, 5, 50, 50], "score": 0.85},
       {"image_id": 3, "category_id": 2, "bbox": [0, 90, 10, 10], "score": 0.75}]
      """;

  Path run;
  Path gt;

  /** A det experiment under {@code dir/runs}: dense level 0 and level 2 with results.json, level 1 without. */
  Path detRoot() throws Exception {
    Path root = dir.resolve("runs");
    Path cfg = Files.writeString(dir.resolve("det.yaml"), DET);
    Experiment e = Experiment.read(cfg);
    run = e.layout(root).runDir();
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), e.spec().canonicalJson());
    gt = Files.createDirectories(dir.resolve("coco")).resolve("val.json");
    Files.writeString(gt, GT);
    Files.writeString(level(run, 0, 0, null, 0, 0, det(0.6, 0.8)).resolve("results.json"), DENSE);
    level(run, 0, 1, null, 40, 45.5, det(0.5, 0.7));
    Files.writeString(level(run, 0, 2, null, 80, 71.25, det(0.3, 0.5)).resolve("results.json"), SPARSE);
    return root;
  }

  Path results(int level) {
    return run.resolve("replicate_0/level_" + level + "/main/results.json");
  }

  String[] report(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("report"));
    all.addAll(List.of(args));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  static Map<String, String> row(List<Map<String, String>> rows, String column, String value) {
    return rows.stream().filter(r -> value.equals(r.get(column))).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + column + " = " + value + " in " + rows));
  }

  static List<Path> list(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted().toList();
    }
  }

  @Test
  void perCategoryAp_denseAndSparsest_areTheEvaluatorsNumbers_withTheChange() throws Exception {
    Path root = detRoot();
    Path page = dir.resolve("out/report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2]).isEmpty();
    String id = run.getFileName().toString().substring("lottery_".length());
    List<Map<String, String>> rows = csv(dir.resolve("out/report-files/table-categories-det-bbox-" + id + ".csv"));
    assertThat(rows).extracting(m -> m.get("category")).containsExactly("cat", "dog");
    assertThat(rows.get(0).keySet()).containsExactly("category", "dense", "direct pruning level 2",
        "direct pruning level 2 change"); // level 1 is not compared
    CocoDataset truth = CocoReader.readDataset(gt);
    List<CategoryAp> dense = CocoEvaluator.evaluate(truth, CocoReader.readResults(results(0), truth),
        EvalParams.defaults(IouType.BBOX)).perCategory();
    List<CategoryAp> sparse = CocoEvaluator.evaluate(truth, CocoReader.readResults(results(2), truth),
        EvalParams.defaults(IouType.BBOX)).perCategory();
    for (int c = 0; c < 2; c++) {
      Map<String, String> row = rows.get(c);
      assertThat(Double.parseDouble(row.get("dense"))).isCloseTo(100 * dense.get(c).ap(), within(1e-9));
      assertThat(Double.parseDouble(row.get("direct pruning level 2")))
          .isCloseTo(100 * sparse.get(c).ap(), within(1e-9));
      assertThat(Double.parseDouble(row.get("direct pruning level 2 change")))
          .isCloseTo(100 * (sparse.get(c).ap() - dense.get(c).ap()), within(1e-9));
    }
    assertThat(sparse.get(0).ap()).as("the fixture's sparse cats are worse").isLessThan(dense.get(0).ap() - 0.1);
    String html = Files.readString(page);
    assertThat(html).contains("<section class=\"table\" id=\"categories-det-bbox-" + id + "\">")
        .contains("Look for the categories that lose the most bbox AP")
        .contains("Runs: lottery_" + id + ": dense (1 replicate, 0.0% sparse), direct pruning level 2 (1 replicate,"
            + " 71.3% sparse)")
        .doesNotContain("Not run: no compared detector level");
  }

  @Test
  void otherKindsAtTheHighestLevel_areColumnsToo_andReplicatesAreAveraged() throws Exception {
    Path root = detRoot();
    // a second replicate of the dense network: its results are the sparse ones (a bad seed)
    Files.writeString(level(run, 1, 0, null, 0, 0, det(0.3, 0.5)).resolve("results.json"), SPARSE);
    Path branch = level(run, 0, 2, "random-pruning", 80, 71.25, det(0.1, 0.2));
    Files.writeString(branch.resolve("results.json"), SPARSE.replace("\"score\": 0.95", "\"score\": 0.05"));
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String id = run.getFileName().toString().substring("lottery_".length());
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-categories-det-bbox-" + id + ".csv"));
    assertThat(rows.get(0).keySet()).containsExactly("category", "dense", "direct pruning level 2",
        "direct pruning level 2 change", "random-pruning level 2", "random-pruning level 2 change");
    CocoDataset truth = CocoReader.readDataset(gt);
    EvalParams params = EvalParams.defaults(IouType.BBOX);
    double dense0 = CocoEvaluator.evaluate(truth, CocoReader.readResults(results(0), truth), params)
        .perCategory().get(0).ap();
    double sparseCat = CocoEvaluator.evaluate(truth, CocoReader.readResults(results(2), truth), params)
        .perCategory().get(0).ap();
    double branchCat = CocoEvaluator.evaluate(truth, CocoReader.readResults(branch.resolve("results.json"), truth),
        params).perCategory().get(0).ap();
    Map<String, String> cat = row(rows, "category", "cat");
    double denseMean = 100 * (dense0 + sparseCat) / 2;
    assertThat(Double.parseDouble(cat.get("dense"))).isCloseTo(denseMean, within(1e-9));
    assertThat(Double.parseDouble(cat.get("random-pruning level 2"))).isCloseTo(100 * branchCat, within(1e-9));
    assertThat(Double.parseDouble(cat.get("random-pruning level 2 change")))
        .isCloseTo(100 * branchCat - denseMean, within(1e-9));
    assertThat(branchCat).as("the branch's results differ from the ticket's").isNotEqualTo(sparseCat);
    assertThat(Files.readString(page)).contains("dense (2 replicates, 0.0% sparse)")
        .contains("random-pruning level 2 (1 replicate, 71.3% sparse)");
  }

  @Test
  void tide_denseVsSparse_isTheDapsOfAnalyzeTide() throws Exception {
    Path root = detRoot();
    Path page = dir.resolve("report.html");
    assertThat(report("--root", root.toString(), "--out", page.toString())[0]).isEqualTo("0");
    String id = run.getFileName().toString().substring("lottery_".length());
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-tide-det-bbox-" + id + ".csv"));
    assertThat(rows).extracting(m -> m.get("error"))
        .containsExactly("AP50", "Cls", "Loc", "Both", "Dupe", "Bkg", "Miss");
    CocoDataset truth = CocoReader.readDataset(gt);
    TideResult dense = Tide.analyze(truth, CocoReader.readResults(results(0), truth),
        TideSettings.defaults(TideMode.BBOX));
    TideResult sparse = Tide.analyze(truth, CocoReader.readResults(results(2), truth),
        TideSettings.defaults(TideMode.BBOX));
    assertThat(Double.parseDouble(row(rows, "error", "AP50").get("dense"))).isCloseTo(dense.ap(), within(1e-9));
    assertThat(Double.parseDouble(row(rows, "error", "AP50").get("direct pruning level 2")))
        .isCloseTo(sparse.ap(), within(1e-9));
    for (TideErrorType t : TideErrorType.values()) {
      Map<String, String> row = row(rows, "error", t.shortName());
      assertThat(Double.parseDouble(row.get("dense"))).as(t.shortName()).isCloseTo(dense.dAp(t), within(1e-9));
      assertThat(Double.parseDouble(row.get("direct pruning level 2"))).as(t.shortName())
          .isCloseTo(sparse.dAp(t), within(1e-9));
    }
    assertThat(sparse.dAp(TideErrorType.CLS) + sparse.dAp(TideErrorType.LOC))
        .as("the fixture's sparse level has errors to show").isGreaterThan(dense.dAp(TideErrorType.CLS) + 1);
    // drawn as grouped bars, one per column and main error type
    String html = Files.readString(page);
    int f = html.indexOf("<figure id=\"figure-tide-det-bbox-" + id + "\">");
    assertThat(f).isNotNegative();
    String figure = html.substring(f, html.indexOf("</figure>", f));
    for (TideErrorType t : TideErrorType.values()) {
      assertThat(figure).contains("data-series=\"direct pruning level 2\" data-category=\"" + t.shortName()
          + "\" data-y=\"" + sparse.dAp(t) + "\"").contains("data-series=\"dense\" data-category=\""
          + t.shortName() + "\" data-y=\"" + dense.dAp(t) + "\"");
    }
    assertThat(figure).doesNotContain("data-category=\"AP50\"");
    // the same numbers as `ticketlab analyze tide --json`
    StringWriter out = new StringWriter();
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "analyze", "tide", "--gt",
        gt.toString(), "--results", results(2).toString(), "--json")).isZero();
    assertThat(out.toString()).contains("\"Cls\":" + sparse.dAp(TideErrorType.CLS));
  }

  @Test
  void cache_secondReportRecomputesNothing_andAChangedResultsFileIsANewKey() throws Exception {
    Path root = detRoot();
    Path page = dir.resolve("report.html");
    assertThat(report("--root", root.toString(), "--out", page.toString())[0]).isEqualTo("0");
    Path cache = dir.resolve("report-files/cache");
    assertThat(list(cache)).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        LevelAnalyses.key("det", results(0), gt) + ".json", LevelAnalyses.key("det", results(2), gt) + ".json");
    byte[] first = Files.readAllBytes(page);
    // without a cache (another page, its own folder) the page is the same bytes
    Path other = dir.resolve("other/report.html");
    assertThat(report("--root", root.toString(), "--out", other.toString())[0]).isEqualTo("0");
    assertThat(Files.readAllBytes(other)).isEqualTo(first);
    // with it: the same bytes, no new cache file
    assertThat(report("--root", root.toString(), "--out", page.toString())[0]).isEqualTo("0");
    assertThat(Files.readAllBytes(page)).isEqualTo(first);
    assertThat(list(cache)).hasSize(2);
    // the second report read the cache: a value planted there shows on the page
    Path sparseEntry = cache.resolve(LevelAnalyses.key("det", results(2), gt) + ".json");
    String entry = Files.readString(sparseEntry);
    assertThat(entry).contains("\"Cls\" : ");
    Files.writeString(sparseEntry, entry.replaceFirst("\"Cls\" : [-0-9.E]+", "\"Cls\" : 42.125"));
    assertThat(report("--root", root.toString(), "--out", page.toString())[0]).isEqualTo("0");
    String id = run.getFileName().toString().substring("lottery_".length());
    assertThat(row(csv(dir.resolve("report-files/table-tide-det-bbox-" + id + ".csv")), "error", "Cls")
        .get("direct pruning level 2")).isEqualTo("42.125");
    // a changed results.json is a new key: analysed again, the planted value gone
    Files.writeString(results(2), SPARSE.replace("\"score\": 0.6", "\"score\": 0.65"));
    assertThat(report("--root", root.toString(), "--out", page.toString())[0]).isEqualTo("0");
    assertThat(list(cache)).hasSize(3).contains(cache.resolve(LevelAnalyses.key("det", results(2), gt) + ".json"));
    assertThat(row(csv(dir.resolve("report-files/table-tide-det-bbox-" + id + ".csv")), "error", "Cls")
        .get("direct pruning level 2")).isNotEqualTo("42.125");
  }

  @Test
  void resultsThatDoNotFitTheGroundTruth_areLeftOutWithTheReason_theRestIsReported() throws Exception {
    Path root = detRoot();
    Files.writeString(results(2), SPARSE.replace("\"image_id\": 3, \"category_id\": 2, \"bbox\": [0, 90",
        "\"image_id\": 3, \"category_id\": 7, \"bbox\": [0, 90"));
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("1 warnings");
    assertThat(r[2].strip().lines()).singleElement().satisfies(l -> assertThat(l)
        .startsWith("warning: left out: " + results(2)).contains("category_id").contains("7"));
    String html = Files.readString(page);
    assertThat(html).contains("<ul class=\"unreadable\">\n<li>" + results(2));
    String id = run.getFileName().toString().substring("lottery_".length());
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-categories-det-bbox-" + id + ".csv"));
    assertThat(rows.get(0).keySet()).containsExactly("category", "dense");
    assertThat(list(dir.resolve("report-files/cache"))).hasSize(1); // a failed analysis is not cached

    Files.writeString(results(2), SPARSE.replace("\"image_id\": 2, \"category_id\": 1, \"bbox\": [21",
        "\"image_id\": 99, \"category_id\": 1, \"bbox\": [21"));
    r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2].strip().lines()).singleElement().satisfies(l -> assertThat(l)
        .startsWith("warning: left out: " + results(2)).contains("image_id").contains("99"));

    Files.writeString(results(2), "[{\"image_id\": 1, ");
    r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2].strip().lines()).singleElement().satisfies(l -> assertThat(l)
        .startsWith("warning: left out: " + results(2)));
  }

  @Test
  void scanWithoutACache_analysesAndWritesNothing_andTheOldScanReadsNoResults() throws Exception {
    Path root = detRoot();
    ReportInput analysed = RunIndex.scan(List.of(root), null);
    assertThat(analysed.analyses()).extracting(ReportInput.LevelAnalysis::folder)
        .containsExactly("replicate_0/level_0/main", "replicate_0/level_2/main");
    assertThat(analysed.analyses().get(1).tide().get("bbox").get("Cls")).isPositive();
    try (Stream<Path> s = Files.walk(dir)) {
      assertThat(s.filter(p -> p.toString().contains("cache"))).isEmpty();
    }
    Files.writeString(results(2), "not json");
    ReportInput plain = RunIndex.scan(List.of(root)); // as `lottery table` scans: no results.json read
    assertThat(plain.analyses()).isEmpty();
    assertThat(plain.unreadable()).isEmpty();
    assertThat(RunIndex.scan(List.of(root), null).unreadable()).singleElement()
        .satisfies(u -> assertThat(u).startsWith(results(2).toString()));
  }

  @Test
  void groundTruthNotFound_isOneWarning_andWithoutResultsTheSectionSaysNotRun() throws Exception {
    Path root = detRoot();
    Files.delete(gt);
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2].strip().lines()).singleElement().satisfies(l -> assertThat(l)
        .contains("coco/val.json").contains("ground truth not found"));
    assertThat(Files.readString(page)).contains("Not run: no compared detector level");

    Files.writeString(gt, GT);
    Files.delete(results(0));
    Files.delete(results(2));
    r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[2]).isEmpty();
    assertThat(Files.readString(page)).contains("<p class=\"notrun\">Not run: no compared detector level")
        .contains("ticketlab lottery --config CONFIG --root " + root);
  }

  @Test
  void groundTruthRecordedInEvalJson_isFound_whereverTheConfigLay() throws Exception {
    Path root = detRoot();
    // the ground truth moves where data.val (coco/val.json) cannot find it from here, the root or its parent
    Path moved = Files.createDirectories(dir.resolve("elsewhere/coco")).resolve("val.json");
    Files.move(gt, moved);
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[2]).contains("ground truth not found");
    // a level's eval.json records the path its validation used (as DetectionRun writes it)
    Files.writeString(results(0).resolveSibling("eval.json"), "{\n  \"iteration\" : 4,\n  \"ground_truth\" : \""
        + moved.toAbsolutePath() + "\",\n  \"bbox\" : {\"AP\" : 0.6}\n}\n");
    r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2]).isEmpty();
    assertThat(Files.readString(page)).contains("id=\"categories-det-bbox-").doesNotContain("ground truth not found");
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /** An experiment of {@code task} whose data.val is {@code val}, with level 0 and level 2 results. */
  Path experiment(String task, String val, String dense, String sparse) throws Exception {
    Path root = dir.resolve("runs");
    Path cfg = Files.writeString(dir.resolve(task + ".yaml"), DET.replace("task: det", "task: " + task)
        .replace("val: coco/val.json", "val: " + val));
    Experiment e = Experiment.read(cfg);
    run = e.layout(root).runDir();
    Files.createDirectories(run);
    Files.writeString(run.resolve("spec.json"), e.spec().canonicalJson());
    Map<String, Double> metrics = det(0.5, 0.7);
    Files.writeString(level(run, 0, 0, null, 0, 0, metrics).resolve("results.json"), dense);
    Files.writeString(level(run, 0, 2, null, 80, 71.25, metrics).resolve("results.json"), sparse);
    return root;
  }

  /** The fixture's mask detections with the boxes of its box detections (the same detections, in order). */
  static ArrayNode masksWithBoxes() throws Exception {
    ArrayNode segm = (ArrayNode) JSON.readTree(Oracles.path("fixtures/small/dt_segm.json").toFile());
    JsonNode boxes = JSON.readTree(Oracles.path("fixtures/small/dt_bbox.json").toFile());
    for (int i = 0; i < segm.size(); i++) {
      ((ObjectNode) segm.get(i)).set("bbox", boxes.get(i).get("bbox"));
    }
    return segm;
  }

  @Test
  void segmentation_hasMaskApPerCategory_andTideMaskErrors() throws Exception {
    ArrayNode dense = masksWithBoxes();
    ArrayNode sparse = JSON.createArrayNode();
    for (int i = 0; i < dense.size(); i++) {
      if (i % 3 != 0) {
        sparse.add(dense.get(i));
      }
    }
    gt = Files.createDirectories(dir.resolve("coco")).resolve("val.json");
    Files.copy(Oracles.path("fixtures/small/gt.json"), gt);
    Path root = experiment("seg", "coco/val.json", dense.toString(), sparse.toString());
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2]).isEmpty();
    String id = run.getFileName().toString().substring("lottery_".length());
    CocoDataset truth = CocoReader.readDataset(gt);
    Evaluation masks = CocoEvaluator.evaluate(truth, CocoReader.readResults(results(2), truth),
        EvalParams.defaults(IouType.SEGM));
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-categories-seg-segm-" + id + ".csv"));
    assertThat(rows).extracting(m -> m.get("category")).containsExactly("person", "car", "dog");
    for (int c = 0; c < 3; c++) {
      double ap = masks.perCategory().get(c).ap();
      String cell = rows.get(c).get("direct pruning level 2");
      if (ap < 0) {
        assertThat(cell).isEmpty();
      } else {
        assertThat(Double.parseDouble(cell)).isCloseTo(100 * ap, within(1e-9));
      }
    }
    assertThat(dir.resolve("report-files/table-categories-seg-bbox-" + id + ".csv")).exists();
    TideResult tide = Tide.analyze(truth, CocoReader.readResults(results(2), truth),
        TideSettings.defaults(TideMode.MASK));
    List<Map<String, String>> tideRows = csv(dir.resolve("report-files/table-tide-seg-segm-" + id + ".csv"));
    for (TideErrorType t : TideErrorType.values()) {
      assertThat(Double.parseDouble(row(tideRows, "error", t.shortName()).get("direct pruning level 2")))
          .as(t.shortName()).isCloseTo(tide.dAp(t), within(1e-9));
    }
    assertThat(tide.dAp(TideErrorType.MISS)).as("a third of the detections dropped").isPositive();
    assertThat(Files.readString(page)).contains("TIDE segm errors").doesNotContain("id=\"keypoint-errors\"");
  }

  /** The fixture's keypoint detections with the box around their keypoints; {@code flip}: left and right swapped. */
  static ArrayNode keypointDetections(boolean flip) throws Exception {
    ArrayNode dets = (ArrayNode) JSON.readTree(Oracles.path("fixtures/keypoints/dt_kp.json").toFile());
    for (int i = 0; i < dets.size(); i++) {
      ObjectNode d = (ObjectNode) dets.get(i);
      ArrayNode k = (ArrayNode) d.get("keypoints");
      if (flip && i % 2 == 0) {
        for (int p = 1; p + 1 < k.size() / 3; p += 2) { // COCO: nose, then left/right pairs
          for (int c = 0; c < 3; c++) {
            JsonNode left = k.get(3 * p + c);
            k.set(3 * p + c, k.get(3 * (p + 1) + c));
            k.set(3 * (p + 1) + c, left);
          }
        }
      }
      double x0 = Double.MAX_VALUE;
      double y0 = Double.MAX_VALUE;
      double x1 = -Double.MAX_VALUE;
      double y1 = -Double.MAX_VALUE;
      for (int p = 0; p < k.size() / 3; p++) {
        x0 = Math.min(x0, k.get(3 * p).asDouble());
        x1 = Math.max(x1, k.get(3 * p).asDouble());
        y0 = Math.min(y0, k.get(3 * p + 1).asDouble());
        y1 = Math.max(y1, k.get(3 * p + 1).asDouble());
      }
      d.putArray("bbox").add(x0).add(y0).add(x1 - x0).add(y1 - y0);
    }
    return dets;
  }

  @Test
  void keypoints_errorBreakdown_isCocoAnalyzesNumbers_denseVsSparse() throws Exception {
    gt = Oracles.path("fixtures/keypoints/gt.json").toAbsolutePath();
    Path root = experiment("kp", gt.toString(), keypointDetections(false).toString(),
        keypointDetections(true).toString());
    Path page = dir.resolve("report.html");
    String[] r = report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[2]).isEmpty();
    String id = run.getFileName().toString().substring("lottery_".length());
    List<Map<String, String>> rows = csv(dir.resolve("report-files/table-keypoint-errors-" + id + ".csv"));
    assertThat(rows).extracting(m -> m.get("error")).containsExactly("jitter", "inversion", "swap", "miss",
        "share/jitter", "share/inversion", "share/swap", "share/miss");
    CocoDataset truth = CocoReader.readDataset(gt);
    KeypointAnalysisResult dense = KeypointAnalysis.analyze(truth, CocoReader.readResults(results(0), truth));
    KeypointAnalysisResult sparse = KeypointAnalysis.analyze(truth, CocoReader.readResults(results(2), truth));
    for (KeypointAnalysisStep s : List.of(KeypointAnalysisStep.JITTER, KeypointAnalysisStep.INVERSION,
        KeypointAnalysisStep.SWAP, KeypointAnalysisStep.MISS)) {
      Map<String, String> row = row(rows, "error", s.shortName());
      assertThat(Double.parseDouble(row.get("dense"))).as(s.shortName())
          .isCloseTo(100 * mean(dense.isolatedImprovement(s, "all")), within(1e-9));
      assertThat(Double.parseDouble(row.get("direct pruning level 2"))).as(s.shortName())
          .isCloseTo(100 * mean(sparse.isolatedImprovement(s, "all")), within(1e-9));
    }
    int total = sparse.errorCounts().values().stream().mapToInt(Integer::intValue).sum();
    assertThat(Double.parseDouble(row(rows, "error", "share/inversion").get("direct pruning level 2")))
        .isCloseTo(100.0 * sparse.errorCounts().get(KeypointError.INVERSION) / total, within(1e-9));
    assertThat(sparse.errorCounts().get(KeypointError.INVERSION))
        .as("flipped detections are inversions").isGreaterThan(dense.errorCounts().get(KeypointError.INVERSION));
    assertThat(dir.resolve("report-files/table-categories-kp-keypoints-" + id + ".csv")).exists();
    assertThat(Files.readString(page)).contains("<h3 id=\"keypoint-errors\">Keypoint errors</h3>");
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
