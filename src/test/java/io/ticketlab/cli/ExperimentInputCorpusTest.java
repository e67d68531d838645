package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.ticketlab.cli.BadInputCorpus.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The lottery-config and train-flag part of the bad-input corpus ({@link BadInputCorpusTest} has
 * the other commands'): every key of an experiment spec given a wrong type or an out-of-range
 * value, unknown keys, YAML syntax errors, detector-only keys on a classifier, transfer sections,
 * {@code lottery branch}/{@code status} and the flags of {@code train classify|detect}. Each case
 * runs through the real command line (in-process {@link Main}) and must exit 2 with exactly one
 * line on stderr naming the file and key path (or the flag) and the bad value, and must leave every
 * file and folder as it was: inputs are checked before a run folder is created.
 */
class ExperimentInputCorpusTest {
  private static Path root;
  private static Path runs;
  private static Path train;
  private static Path gt;
  private static Path badImageGt;
  private static Path plainFile;
  private static Path folder;
  private static Path missing;


  @BeforeAll
  static void fixtures() throws Exception {
    root = Files.createTempDirectory("ticketlab-experiment-corpus");
    runs = root.resolve("runs");
    train = root.resolve("train");
    ClassificationTrainingTestData.writeShapes(train, 2, 1);
    folder = Files.createDirectories(root.resolve("a-folder"));
    plainFile = Files.writeString(root.resolve("a-file.txt"), "just text\n");
    missing = root.resolve("missing");
    Path images = Files.createDirectories(root.resolve("coco"));
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB),
        "png", images.resolve("a.png").toFile());
    Files.writeString(images.resolve("broken.png"), "not a png at all");
    String cats = "\"categories\": [{\"id\": 1, \"name\": \"square\"}]";
    String ann = "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10],"
        + " \"area\": 100, \"iscrowd\": 0}]";
    gt = Files.writeString(images.resolve("train.json"),
        "{\"images\": [{\"id\": 1, \"width\": 40, \"height\": 40, \"file_name\": \"a.png\"}], " + cats + ", " + ann + "}");
    badImageGt = Files.writeString(images.resolve("broken.json"),
        "{\"images\": [{\"id\": 1, \"width\": 40, \"height\": 40, \"file_name\": \"broken.png\"}], " + cats + ", " + ann + "}");
    // images cut short after a valid header: found before any folder is created, not in the first iteration
    for (String format : List.of("png", "jpg")) {
      java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
      java.util.Random random = new java.util.Random(7);
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          noise.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(noise, format.equals("jpg") ? "jpeg" : "png", bytes);
      byte[] whole = bytes.toByteArray();
      Files.write(images.resolve("cut." + format), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
      // the same in a classification folder beside whole images
      Path classes = root.resolve("train-cut-" + format);
      for (String c : List.of("a", "b")) {
        javax.imageio.ImageIO.write(noise, "png", Files.createDirectories(classes.resolve(c)).resolve("whole.png").toFile());
      }
      Files.write(classes.resolve("b/cut." + format), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
      Files.writeString(images.resolve("cut_" + format + ".json"),
          "{\"images\": [{\"id\": 1, \"width\": 40, \"height\": 40, \"file_name\": \"a.png\"},"
              + " {\"id\": 2, \"width\": 40, \"height\": 40, \"file_name\": \"cut." + format + "\"}], " + cats + ", "
              + "\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100},"
              + " {\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"area\": 100}]}");
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    BadInputCorpus.delete(root);
  }

  @TestFactory
  Stream<DynamicTest> everyMalformedExperimentInput_exits2WithOneLineNamingIt() throws IOException {
    List<Case> cases = cases();
    assertThat(cases.size()).as("corpus size").isGreaterThanOrEqualTo(60);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Case c) throws IOException {
    BadInputCorpus.check(c, root, java.time.Duration.ofSeconds(120), "java.lang");
  }

  // ---- configs -------------------------------------------------------------------------------

  /** A valid tiny classification experiment, section by section (a null value drops the section). */
  private static Map<String, String> classify() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data", "{train: train}");
    m.put("model", "{arch: resnet18, width: 0.125}");
    m.put("training", "{iterations: 4it, batch: 2, size: 32, lr: 0.02, schedule: cosine}");
    m.put("pruning", "{sparsity: 0.8, rounds: 2}");
    m.put("rewind", "{at: 1it}");
    m.put("seed", "3");
    return m;
  }

  /** A valid tiny detector experiment. */
  private static Map<String, String> detect() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("task", "det");
    m.put("data", "{train: coco/train.json}");
    m.put("model", "{arch: resnet18, width: 0.125, fpn_channels: 8, head_width: 16, min_size: [32], max_size: 48,"
        + " trainable_layers: 5, scratch: true}");
    m.put("training", "{iterations: 2it, batch: 1, lr: 0.01, warmup: 0it}");
    m.put("pruning", "{sparsity: 0.5, rounds: 2}");
    return m;
  }

  private static int configs;

  private static Path config(Map<String, String> sections, String... keyValues) throws IOException {
    Map<String, String> m = new LinkedHashMap<>(sections);
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        m.remove(keyValues[i]);
      } else {
        m.put(keyValues[i], keyValues[i + 1]);
      }
    }
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return text(sb.toString());
  }

  private static Path text(String yaml) throws IOException {
    return Files.writeString(root.resolve("exp_" + (configs++) + ".yaml"), yaml);
  }

  private List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    // key = value (in the classification experiment), the fragments after the file's name
    String[][] badClassify = {
      {"task", "dog", "task: bad value dog"},
      {"task", "[classify]", "task"},
      {"data", "{val: train}", "data.train", "missing"},
      {"data", "{train: [train, val]}", "data.train"},
      {"data", "{train: train, test: train}", "data.test", "unknown key"},
      {"data", "{train: train, train_images: train}", "data.train_images", "only for detector tasks"},
      {"model", "{arch: vgg16}", "model.arch: bad value vgg16"},
      {"model", "{arch: 18}", "model.arch"},
      {"model", "{width: 0}", "model.width: bad value 0"},
      {"model", "{width: -0.5}", "model.width: bad value -0.5"},
      {"model", "{width: wide}", "model.width: bad value wide"},
      {"model", "{width: .inf}", "line 2, column"},
      {"model", "{depth: 18}", "model.depth", "unknown key"},
      {"model", "[resnet18]", "model"},
      {"model", "{variant: c4}", "model.variant: bad value c4", "only for detector tasks"},
      {"model", "{fpn_channels: 8}", "model.fpn_channels", "only for detector tasks"},
      {"model", "{head_width: 8}", "model.head_width", "only for detector tasks"},
      {"model", "{min_size: [32]}", "model.min_size", "only for detector tasks"},
      {"model", "{max_size: 64}", "model.max_size", "only for detector tasks"},
      {"model", "{trainable_layers: 3}", "model.trainable_layers", "only for detector tasks"},
      {"model", "{scratch: true}", "model.scratch", "only for detector tasks"},
      {"model", "{num_classes: 3}", "model.num_classes", "only for detector tasks"},
      {"model", "{roi_samples: 64}", "model.roi_samples", "only for detector tasks"},
      {"training", "{iterations: thirty}", "training.iterations: bad value thirty"},
      {"training", "{iterations: -4it}", "training.iterations: bad value -4it"},
      {"training", "{iterations: [4it]}", "training.iterations"},
      {"training", "{batch: 0}", "training.batch: bad value 0"},
      {"training", "{batch: -2}", "training.batch: bad value -2"},
      {"training", "{batch: two}", "training.batch: bad value two"},
      {"training", "{batch: 2.5}", "training.batch: bad value 2.5"},
      {"training", "{size: 8}", "training.size: bad value 8"},
      {"training", "{lr: 0}", "training.lr: bad value 0"},
      {"training", "{lr: -0.1}", "training.lr: bad value -0.1"},
      {"training", "{lr: fast}", "training.lr: bad value fast"},
      {"training", "{lr: .nan}", "line 3, column"},
      {"training", "{momentum: 1}", "training.momentum: bad value 1"},
      {"training", "{momentum: -0.5}", "training.momentum: bad value -0.5"},
      {"training", "{weight_decay: -1e-4}", "training.weight_decay"},
      {"training", "{warmup: soon}", "training.warmup: bad value soon"},
      {"training", "{schedule: linear}", "training.schedule: bad value linear"},
      {"training", "{milestones: [2it, later]}", "training.milestones[1]: bad value later"},
      {"training", "{milestones: 2it}", "training.milestones"},
      {"training", "{schedule: cosine, milestones: [2it]}", "training.milestones", "only with schedule: step"},
      {"training", "{epochs: 3}", "training.epochs", "unknown key"},
      {"training", "{warmup_factor: 0.1}", "training.warmup_factor", "only for detector tasks"},
      {"training", "{eval_every: 1ep}", "training.eval_every", "only for detector tasks"},
      {"training", "{ap_every: end}", "training.ap_every", "only for detector tasks"},
      {"training", "{flip: false}", "training.flip", "only for detector tasks"},
      {"training", "{accumulate: 2}", "training.accumulate", "only for detector tasks"},
      {"pruning", null, "pruning", "missing"},
      {"pruning", "{sparsity: 1}", "pruning.sparsity: bad value 1"},
      {"pruning", "{sparsity: 1.5}", "pruning.sparsity: bad value 1.5"},
      {"pruning", "{sparsity: -0.1}", "pruning.sparsity: bad value -0.1"},
      {"pruning", "{sparsity: lots}", "pruning.sparsity: bad value lots"},
      {"pruning", "{sparsity: 0.8, fraction: 0.2}", "pruning.fraction", "not both"},
      {"pruning", "{rounds: 3}", "pruning.sparsity", "give a target sparsity"},
      {"pruning", "{sparsity: 0.8, rounds: 1}", "pruning.rounds: bad value 1"},
      {"pruning", "{sparsity: 0.8, levels: 3}", "pruning.levels: bad value 3"},
      {"pruning", "{fraction: 0, levels: 2}", "pruning.fraction: bad value 0"},
      {"pruning", "{fraction: 1, levels: 2}", "pruning.fraction: bad value 1"},
      {"pruning", "{fraction: 0.2, rounds: 2}", "pruning.rounds: bad value 2"},
      {"pruning", "{fraction: 0.2, levels: 0}", "pruning.levels: bad value 0"},
      {"pruning", "{fraction: 0.2}", "pruning.levels: give the number of levels"},
      {"pruning", "{sparsity: 0.8, strategy: random}", "pruning.strategy: bad value random"},
      {"pruning", "{sparsity: 0.8, preset: everything}", "pruning.preset: bad value everything"},
      {"pruning", "{sparsity: 0.8, include: conv1.weight}", "pruning.include"},
      {"pruning", "{sparsity: 0.8, percent: 20}", "pruning.percent", "unknown key"},
      {"rewind", "{at: later}", "rewind.at: bad value later"},
      {"rewind", "{at: 999it}", "rewind.at: bad value 999it: after the end of training (4 iterations)"},
      {"rewind", "{at: 1it, optimizer: maybe}", "rewind.optimizer: bad value maybe"},
      {"rewind", "{epoch: 1}", "rewind.epoch", "unknown key"},
      {"replicates", "0", "replicates: bad value 0"},
      {"replicates", "many", "replicates: bad value many"},
      {"seed", "abc", "seed: bad value abc"},
      {"seed", "1.5", "seed: bad value 1.5"},
      {"early_bird", "{fractions: [0]}", "early_bird.fractions[0]: bad value 0"},
      {"early_bird", "{fractions: [0.5, 1.5]}", "early_bird.fractions[1]: bad value 1.5"},
      {"early_bird", "{fractions: [half]}", "early_bird.fractions[0]: bad value half"},
      {"early_bird", "{fraction: [0.5]}", "early_bird.fraction", "unknown key"},
      {"prunning", "{sparsity: 0.8}", "prunning", "unknown key"},
      {"training", "{batch: null}", "training.batch: no value (line 3, column", "leave the key out for its default"},
      {"training", "{iterations: 4it, batch: }", "training.batch: no value (line 3"},
      {"data", "{train: train, val: ~}", "data.val: no value (line 1"},
      {"rewind", "", "rewind: no value (line 5"},
      {"seed", "null", "seed: no value (line 6"},
      {"early_bird", "{fractions: [0.5, ~]}", "early_bird.fractions[1]: no value (line 7"},
      {"transfer", "{kind: mask, source: x.pth, prune: 0.5}", "transfer", "transfers go into detectors"},
    };
    for (String[] b : badClassify) {
      Path cfg = config(classify(), b[0], b[1]);
      cases.add(lottery("lottery, " + b[0] + ": " + b[1], cfg, java.util.Arrays.asList(b).subList(2, b.length)));
    }
    String[][] badDetect = {
      {"training", "{iterations: 2it, size: 32}", "training.size: bad value 32"},
      {"training", "{iterations: 2it, schedule: cosine}", "training.schedule: bad value cosine"},
      {"training", "{iterations: 2it, warmup_factor: 0}", "training.warmup_factor: bad value 0"},
      {"training", "{iterations: 2it, eval_every: 0it}", "training.eval_every: bad value 0it"},
      {"training", "{iterations: 2it, eval_every: often}", "training.eval_every: bad value often"},
      {"training", "{iterations: 2it, ap_every: 0ep}", "training.ap_every: bad value 0ep"},
      {"training", "{iterations: 2it, ap_every: rarely}", "training.ap_every: bad value rarely"},
      {"training", "{iterations: 2it, accumulate: 0}", "training.accumulate: bad value 0"},
      {"training", "{iterations: 2it, flip: sometimes}", "training.flip: bad value sometimes"},
      {"model", "{variant: c5}", "model.variant: bad value c5"},
      {"model", "{trainable_layers: 9}", "model.trainable_layers: bad value 9"},
      {"model", "{trainable_layers: -1}", "model.trainable_layers: bad value -1"},
      {"model", "{min_size: [0]}", "model.min_size[0]: bad value 0"},
      {"model", "{min_size: []}", "model.min_size"},
      {"model", "{min_size: 800}", "model.min_size"},
      {"model", "{max_size: 0}", "model.max_size: bad value 0"},
      {"model", "{fpn_channels: 0}", "model.fpn_channels: bad value 0"},
      {"model", "{head_width: -8}", "model.head_width: bad value -8"},
      {"model", "{num_classes: 0}", "model.num_classes: bad value 0"},
      {"model", "{roi_samples: 0}", "model.roi_samples: bad value 0"},
      {"model", "{scratch: yes please}", "model.scratch"},
      {"data", "{train: coco/train.json, val_images: coco}", "data.val_images", "given without data.val"},
      {"transfer", "{kind: lottery, source: x.pth}", "transfer.kind: bad value lottery"},
      {"transfer", "{kind: mask, prune: 0.5}", "transfer.source", "missing"},
      {"transfer", "{kind: mask, source: x.pth}", "transfer.prune", "give the share"},
      {"transfer", "{kind: mask, source: x.pth, prune: 1}", "transfer.prune: bad value 1"},
      {"transfer", "{kind: mask, source: x.pth, prune: -0.2}", "transfer.prune: bad value -0.2"},
      {"transfer", "{kind: imagenet-ticket, source: x.pth, prune: 0.5}", "transfer.prune: bad value 0.5"},
      {"transfer", "{kind: mask, source: x.pth, prune: 0.5, strength: 2}", "transfer.strength", "unknown key"},
      {"transfer", "mask", "transfer"},
    };
    for (String[] b : badDetect) {
      Path cfg = b[0].equals("transfer") ? config(detect(), "pruning", null, b[0], b[1]) : config(detect(), b[0], b[1]);
      cases.add(lottery("lottery det, " + b[0] + ": " + b[1], cfg, java.util.Arrays.asList(b).subList(2, b.length)));
    }
    cases.add(lotteryInput("lottery det, data.train missing", config(detect(), "data", "{train: coco/missing.json}"), List.of("missing.json: no such file")));
    cases.add(lotteryInput("lottery det, data.train a folder", config(detect(), "data", "{train: coco}"), List.of("coco: is a folder")));
    cases.add(lottery("lottery det, training.batch larger than the training set", config(detect(), "training",
        "{iterations: 2it, batch: 9, lr: 0.01, warmup: 0it}"), List.of("training.batch: bad value 9", "larger than the",
        "training images of", "train.json")));
    cases.add(lottery("lottery det, training.batch × training.accumulate larger than the training set", config(detect(),
        "training", "{iterations: 2it, batch: 1, accumulate: 64, lr: 0.01, warmup: 0it}"),
        List.of("training.batch: bad value 1", "with training.accumulate 64")));
    cases.add(lotteryInput("lottery det, data.train not COCO", config(detect(), "data", "{train: a-file.txt}"), List.of("a-file.txt: malformed JSON at line 1")));
    Path withPruning = config(detect(), "transfer", "{kind: mask, source: x.pth, prune: 0.5}");
    cases.add(lottery("lottery det, transfer with pruning", withPruning, List.of("pruning", "not with transfer")));
    Path withRewind = config(detect(), "pruning", null, "rewind", "{at: 1it}", "transfer", "{kind: mask, source: x.pth, prune: 0.5}");
    cases.add(lottery("lottery det, transfer with rewind", withRewind, List.of("rewind", "not with transfer")));
    Path missingSource = config(detect(), "pruning", null, "transfer", "{kind: mask, source: nowhere.pth, prune: 0.5}");
    cases.add(lotteryInput("lottery det, transfer source missing", missingSource, List.of("nowhere.pth: no such file")));

    // syntax and files
    cases.add(lottery("lottery, unclosed flow mapping", text("data: {train: train\nmodel: {width: 0.125}\n"), List.of("not valid YAML/JSON", "line ")));
    cases.add(lottery("lottery, bad indentation", text("data:\n  train: train\n   val: train\n"), List.of("not valid YAML/JSON", "line 3")));
    cases.add(lottery("lottery, a tab for indentation", text("data:\n\ttrain: train\n"), List.of("not valid YAML/JSON", "line ")));
    cases.add(lottery("lottery, a duplicated key", text("data: {train: train}\npruning: {sparsity: 0.8}\npruning: {sparsity: 0.5}\n"), List.of("Duplicate field 'pruning'", "line 3")));
    cases.add(lottery("lottery, a second YAML document", text("data: {train: train}\npruning: {sparsity: 0.8}\n---\nseed: 3\n"), List.of("content after the config (line 4, column 1)", "one YAML document")));
    cases.add(lottery("lottery, JSON with a stray closing brace", text("{\"data\": {\"train\": \"train\"}, \"pruning\": {\"sparsity\": 0.8}} }\n"), List.of("not valid YAML/JSON (line 1")));
    cases.add(lottery("lottery, two JSON objects", text("{\"data\": {\"train\": \"train\"}, \"pruning\": {\"sparsity\": 0.8}}\n{\"seed\": 2}\n"), List.of("line 2")));
    cases.add(lottery("lottery, empty file", text(""), List.of("empty config")));
    cases.add(lottery("lottery, comments only", text("# nothing here\n"), List.of("empty config")));
    cases.add(lottery("lottery, a list", text("- data\n- model\n"), List.of("a section of keys")));
    cases.add(lottery("lottery, a scalar", text("hello\n"), List.of("a section of keys")));
    cases.add(lottery("lottery, JSON with a trailing comma", text("{\"data\": {\"train\": \"train\"},}\n"), List.of("pruning: missing")));
    cases.add(lottery("lottery, missing config", missing, List.of("no such file")));
    cases.add(lottery("lottery, a folder as config", folder, List.of("a folder, not a config file")));
    cases.add(lotteryInput("lottery, data.train missing", config(classify(), "data", "{train: nowhere}"), List.of("nowhere: not a folder")));
    cases.add(lotteryInput("lottery, data.train a file", config(classify(), "data", "{train: a-file.txt}"), List.of("a-file.txt: not a folder")));
    cases.add(lotteryInput("lottery, data.val missing", config(classify(), "data", "{train: train, val: nowhere-val}"), List.of("nowhere-val: no such folder")));
    cases.add(lotteryInput("lottery, model.weights missing", config(classify(), "model", "{width: 0.125, weights: nowhere.pth}"), List.of("nowhere.pth: no such file")));
    cases.add(lotteryInput("lottery, model.weights a folder", config(classify(), "model", "{width: 0.125, weights: a-folder}"), List.of("a-folder: is a folder")));

    // lottery flags
    Path good = config(classify());
    cases.add(new Case("lottery without --config", List.of("lottery", "--root", runs.toString()), List.of("--config")));
    cases.add(new Case("lottery --levels beyond the schedule", List.of("lottery", "--config", good.toString(), "--root", runs.toString(), "--levels", "5"), List.of("--levels: bad value 5")));
    cases.add(new Case("lottery --levels -1", List.of("lottery", "--config", good.toString(), "--root", runs.toString(), "--levels", "-1"), List.of("--levels")));
    cases.add(new Case("lottery --replicates 0", List.of("lottery", "--config", good.toString(), "--root", runs.toString(), "--replicates", "0"), List.of("--replicates: bad value 0")));
    cases.add(new Case("lottery --root a file", List.of("lottery", "--config", good.toString(), "--root", plainFile.toString()), List.of(plainFile + ": is a file, expected a folder to write into")));
    cases.add(new Case("lottery --root below a file", List.of("lottery", "--config", good.toString(), "--root", plainFile.resolve("runs").toString()), List.of(plainFile.resolve("runs") + ": " + plainFile + " is a file")));
    Path transfer = config(detect(), "pruning", null, "transfer", "{kind: mask, source: coco/train.json, prune: 0.5}");
    cases.add(new Case("lottery --levels 2 of a transfer", List.of("lottery", "--config", transfer.toString(), "--root", runs.toString(), "--levels", "2"), List.of("--levels: bad value 2")));

    // lottery branch
    Path eb = config(classify(), "early_bird", "{fractions: [0.5]}");
    List<String> branch = List.of("lottery", "branch", "--config", eb.toString(), "--root", runs.toString());
    cases.add(new Case("branch --name bad", concat(branch, "--name", "sideways"), List.of("--name: bad value sideways")));
    cases.add(new Case("branch without --name", concat(branch), List.of("--name")));
    cases.add(new Case("branch --level 0", concat(branch, "--name", "finetune", "--level", "0"), List.of("--level: bad value 0")));
    cases.add(new Case("branch --level not a number", concat(branch, "--name", "finetune", "--level", "one"), List.of("--level", "one")));
    cases.add(new Case("branch --fraction not in early_bird", concat(branch, "--name", "early-bird", "--fraction", "0.3"), List.of("--fraction: bad value 0.3", "[0.5]")));
    cases.add(new Case("branch early-bird without --fraction", concat(branch, "--name", "early-bird"), List.of("--fraction")));
    cases.add(new Case("branch before its level exists", concat(branch, "--name", "finetune"), List.of("mask.tlck", "no ticket at this level yet")));
    cases.add(new Case("branch with a bad config", List.of("lottery", "branch", "--config", config(classify(), "seed", "x").toString(), "--root", runs.toString(), "--name", "finetune"), List.of("seed: bad value x")));
    cases.add(new Case("branch --root a file", List.of("lottery", "branch", "--config", eb.toString(), "--root", plainFile.toString(), "--name", "finetune"), List.of(plainFile + ": is a file, expected a folder to write into")));
    cases.add(new Case("branch of a transfer", List.of("lottery", "branch", "--config", transfer.toString(), "--root", runs.toString(), "--name", "finetune"), List.of("--name: bad value finetune")));

    // lottery status
    cases.add(new Case("status --root missing", List.of("lottery", "status", "--root", missing.toString()), List.of(missing.toString(), "no such folder")));
    cases.add(new Case("status --root a file", List.of("lottery", "status", "--root", plainFile.toString()), List.of(plainFile + ": is a file, expected a folder")));

    // transfer: the target config and the transfer's flags
    Path target = config(detect(), "pruning", null);
    String source = root.resolve("coco/train.json").toString();
    List<String> tm = List.of("transfer", "mask", "--config", target.toString(), "--source", source, "--root", runs.toString());
    String[][] badTransferFlags = {
      {"--prune", "1", "--prune: bad value 1.0"},
      {"--prune", "-0.2", "--prune: bad value -0.2"},
      {"--prune", "half", "--prune", "half"},
      {"--keep", "0", "--keep: bad value 0.0"},
      {"--keep", "1.5", "--keep: bad value 1.5"},
      {"--replicates", "0", "--replicates: bad value 0"},
      {"--root", plainFile.toString(), plainFile + ": is a file, expected a folder to write into"},
      {"--source", missing.toString(), missing + ": no such file"},
      {"--source", folder.toString(), folder + ": holds no checkpoint"},
      {"--config", missing.toString(), missing + ": no such file"},
      {"--config", folder.toString(), folder + ": a folder, not a config file"},
      {"--config", config(detect()).toString(), "pruning: not with transfer"},
      {"--config", config(detect(), "pruning", null, "transfer", "{kind: mask, source: x.pth, prune: 0.5}").toString(), "transfer: the config has a transfer section already"},
      {"--config", config(detect(), "pruning", null, "training", "{batch: 0}").toString(), "training.batch: bad value 0"},
      {"--config", config(classify(), "pruning", null).toString(), "task: bad value classify: transfers go into detectors"},
    };
    for (String[] b : badTransferFlags) {
      List<String> args = with(concat(tm, "--prune", "0.5"), b[0], b[1]);
      cases.add(new Case("transfer mask " + b[0] + " " + b[1], args, java.util.Arrays.asList(b).subList(2, b.length)));
    }
    cases.add(new Case("transfer mask without --prune", tm, List.of("--prune", "give the share")));
    cases.add(new Case("transfer mask --keep and --prune", concat(tm, "--keep", "0.5", "--prune", "0.5"), List.of("--keep", "not both")));
    cases.add(new Case("transfer mask --mask-only", concat(tm, "--prune", "0.5", "--mask-only"), List.of("--mask-only: bad value true", "only for kind task")));
    cases.add(new Case("transfer imagenet-ticket --prune", concat(kind(tm, "imagenet-ticket"), "--prune", "0.5"), List.of("--prune: bad value 0.5", "only for kind mask")));
    cases.add(new Case("transfer KIND bad", concat(kind(tm, "lottery"), "--prune", "0.5"), List.of("KIND: bad value lottery")));
    cases.add(new Case("transfer without --source", List.of("transfer", "mask", "--config", target.toString(), "--prune", "0.5"), List.of("--source")));
    cases.add(new Case("transfer without --config", List.of("transfer", "mask", "--source", source, "--prune", "0.5"), List.of("--config")));
    cases.add(new Case("transfer without KIND", List.of("transfer", "--config", target.toString(), "--source", source), List.of("KIND")));

    // train classify flags
    String out = root.resolve("run-c").toString();
    List<String> tc = List.of("train", "classify", "--data", train.toString(), "--out", out, "--width", "0.125",
        "--size", "32", "--iterations", "2it", "--batch", "2");
    String[][] badClassifyFlags = {
      {"--lr", "-1", "--lr: bad value -1.0"},
      {"--lr", "0", "--lr: bad value 0.0"},
      {"--lr", "fast", "--lr", "fast"},
      {"--batch", "0", "--batch: bad value 0"},
      {"--batch", "two", "--batch", "two"},
      {"--iterations", "soon", "--iterations: bad value soon"},
      {"--iterations", "-3it", "--iterations: bad value -3it"},
      {"--milestones", "1it,later", "--milestones: bad value later"},
      {"--schedule", "linear", "--schedule: bad value linear"},
      {"--size", "8", "--size: bad value 8"},
      {"--momentum", "1", "--momentum: bad value 1.0"},
      {"--weight-decay", "-1", "--weight-decay: bad value -1.0"},
      {"--warmup", "x", "--warmup: bad value x"},
      {"--width", "0", "--width: bad value 0.0"},
      {"--arch", "vgg16", "--arch: bad value vgg16"},
      {"--checkpoint-at", "later", "--checkpoint-at: bad value later"},
      {"--seed", "abc", "--seed", "abc"},
      {"--weights", missing.toString(), missing.toString(), "no such file"},
      {"--weights", folder.toString(), folder.toString(), "is a folder"},
      {"--val", missing.toString(), missing.toString(), "not a folder"},
    };
    for (String[] b : badClassifyFlags) {
      cases.add(new Case("train classify " + b[0] + " " + b[1], with(tc, b[0], b[1]), java.util.Arrays.asList(b).subList(2, b.length)));
    }
    cases.add(new Case("train classify --schedule cosine with --milestones", concat(tc, "--schedule", "cosine", "--milestones", "1it"), List.of("--milestones", "only with schedule: step")));
    cases.add(new Case("train classify --data missing", List.of("train", "classify", "--data", missing.toString(), "--out", out), List.of(missing.toString(), "not a folder")));
    cases.add(new Case("train classify --data a file", List.of("train", "classify", "--data", plainFile.toString(), "--out", out), List.of(plainFile.toString())));
    cases.add(new Case("train classify --data without images", List.of("train", "classify", "--data", folder.toString(), "--out", out), List.of(folder.toString())));
    cases.add(new Case("train classify --out a file", List.of("train", "classify", "--data", train.toString(), "--out", plainFile.toString()), List.of(plainFile.toString(), "exists and is not a folder")));
    cases.add(new Case("train classify without --out", List.of("train", "classify", "--data", train.toString()), List.of("--out")));
    cases.add(new Case("train classify without --data", List.of("train", "classify", "--out", out), List.of("--data")));
    cases.add(new Case("train without a task", List.of("train"), List.of("subcommand")));

    // train detect flags
    String dout = root.resolve("run-d").toString();
    List<String> td = List.of("train", "detect", "--train", gt.toString(), "--out", dout, "--width", "0.125",
        "--fpn-channels", "8", "--head-width", "16", "--min-size", "32", "--max-size", "48", "--iterations", "2it",
        "--batch", "1", "--scratch");
    String[][] badDetectFlags = {
      {"--variant", "c5", "--variant: bad value c5"},
      {"--trainable-layers", "9", "--trainable-layers: bad value 9"},
      {"--min-size", "0", "--min-size: bad value 0"},
      {"--max-size", "0", "--max-size: bad value 0"},
      {"--fpn-channels", "0", "--fpn-channels: bad value 0"},
      {"--head-width", "0", "--head-width: bad value 0"},
      {"--roi-samples", "0", "--roi-samples: bad value 0"},
      {"--accumulate", "0", "--accumulate: bad value 0"},
      {"--warmup-factor", "2", "--warmup-factor: bad value 2.0"},
      {"--eval-every", "often", "--eval-every: bad value often"},
      {"--eval-every", "0it", "--eval-every: bad value 0it"},
      {"--num-classes", "0", "--num-classes: bad value 0"},
      {"--task", "dog", "--task: bad value dog"},
      {"--batch", "0", "--batch: bad value 0"},
      {"--lr", "-0.02", "--lr: bad value -0.02"},
      {"--iterations", "forever", "--iterations: bad value forever"},
      {"--milestones", "1it,x", "--milestones: bad value x"},
      {"--val-images", folder.toString(), "--val-images: bad value " + folder, "given without"},
      {"--val", missing.toString(), missing.toString(), "no such file"},
      {"--train-images", missing.toString(), missing.toString()},
      {"--weights", missing.toString(), missing.toString(), "no such file"},
    };
    for (String[] b : badDetectFlags) {
      cases.add(new Case("train detect " + b[0] + " " + b[1], with(td, b[0], b[1]), java.util.Arrays.asList(b).subList(2, b.length)));
    }
    cases.add(new Case("train detect --train missing", List.of("train", "detect", "--train", missing.toString(), "--out", dout), List.of(missing.toString(), "no such file")));
    cases.add(new Case("train detect --train a folder", List.of("train", "detect", "--train", folder.toString(), "--out", dout), List.of(folder.toString(), "is a folder")));
    cases.add(new Case("train detect --train not COCO", List.of("train", "detect", "--train", plainFile.toString(), "--out", dout), List.of(plainFile.toString())));
    cases.add(new Case("train detect --out a file", List.of("train", "detect", "--train", gt.toString(), "--batch", "1", "--out", plainFile.toString()), List.of(plainFile.toString(), "exists and is not a folder")));
    cases.add(new Case("train detect --batch larger than the training set", with(td, "--batch", "2"), List.of("--batch: bad value 2", "larger than the 1 training images", gt.toString())));
    cases.add(new Case("train detect --schedule (not a flag)", concat(td, "--schedule", "cosine"), List.of("--schedule")));
    for (String format : List.of("png", "jpg")) {
      String cutGt = root.resolve("coco/cut_" + format + ".json").toString();
      List<String> named = List.of(root.resolve("coco/cut." + format) + ": images[1] (id 2): ", "truncated or corrupt");
      cases.add(new Case("train detect, a " + format + " cut short after its header", with(td, "--train", cutGt), named));
      cases.add(lotteryInput("lottery det, a " + format + " cut short after its header",
          config(detect(), "data", "{train: coco/cut_" + format + ".json}"), named));
      cases.add(lotteryInput("lottery det, data.val holds a " + format + " cut short after its header",
          config(detect(), "data", "{train: coco/train.json, val: coco/cut_" + format + ".json}"), named));
      cases.add(new Case("transfer mask, a " + format + " cut short after its header",
          List.of("transfer", "mask", "--config", config(detect(), "pruning", null, "data", "{train: coco/cut_" + format + ".json}").toString(),
              "--source", source, "--prune", "0.5", "--root", runs.toString()), named));
    }
    for (String format : List.of("png", "jpg")) {
      Path cut = root.resolve("train-cut-" + format + "/b/cut." + format);
      List<String> named = List.of(cut + ": ", "truncated or corrupt");
      cases.add(new Case("train classify, a " + format + " cut short after its header",
          with(tc, "--data", root.resolve("train-cut-" + format).toString()), named));
      cases.add(lotteryInput("lottery, a " + format + " cut short after its header",
          config(classify(), "data", "{train: train-cut-" + format + "}"), named));
      cases.add(lotteryInput("lottery, data.val holds a " + format + " cut short after its header",
          config(classify(), "data", "{train: train, val: train-cut-" + format + "}"), named));
    }
    cases.add(lotteryInput("lottery det, an image that is no image", config(detect(), "data", "{train: coco/broken.json}"),
        List.of(root.resolve("coco/broken.png") + ": images[0] (id 1): not a JPEG, PNG, BMP or GIF image")));
    cases.add(new Case("train detect, an image that does not decode",
        List.of("train", "detect", "--train", badImageGt.toString(), "--out", dout, "--width", "0.125", "--fpn-channels", "8",
            "--head-width", "16", "--min-size", "32", "--max-size", "48", "--iterations", "2it", "--batch", "1", "--scratch"),
        List.of("broken.png")));
    return cases;
  }

  private static Case lottery(String name, Path cfg, List<String> fragments) {
    List<String> frags = new ArrayList<>(List.of(cfg.toString()));
    frags.addAll(fragments);
    return new Case(name, List.of("lottery", "--config", cfg.toString(), "--root", runs.toString()), frags);
  }

  /** A config error found in an input the config names: the line names that input (data, weights). */
  private static Case lotteryInput(String name, Path cfg, List<String> fragments) {
    return new Case(name, List.of("lottery", "--config", cfg.toString(), "--root", runs.toString()), fragments);
  }

  /** {@code args} with {@code flag} set to {@code value} (replaced where given, else appended). */
  private static List<String> with(List<String> args, String flag, String value) {
    List<String> all = new ArrayList<>(args);
    int i = all.indexOf(flag);
    if (i >= 0) {
      all.set(i + 1, value);
    } else {
      all.add(flag);
      all.add(value);
    }
    return all;
  }

  /** The transfer command line {@code args} with another KIND. */
  private static List<String> kind(List<String> args, String kind) {
    List<String> all = new ArrayList<>(args);
    all.set(1, kind);
    return all;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
