package io.ticketlab.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.InputFiles;
import io.ticketlab.data.image.ClassificationTransforms;
import io.ticketlab.data.image.ImageDecoder;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.train.classify.ClassificationTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab classify}: ImageNet-style inference, the quickest check that weights loaded. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    header = "Classify images with a ResNet and given weights (e.g. torchvision's .pth).",
    description = {
      "torchvision's evaluation preprocessing: resize the short side to 256, center crop 224,"
          + " ImageNet mean/std; prints the top-k classes with softmax probabilities."
    })
final class ClassifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--arch", defaultValue = "resnet18", description = "resnet18, resnet34, resnet50 or resnet101 (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(names = "--weights", required = true, paramLabel = "FILE", description = ".pth, safetensors, .npz or TicketLab checkpoint.")
  Path weights;

  @Option(names = "--images", required = true, paramLabel = "DIR|FILE", description = "An image or a folder of images (searched recursively).")
  Path images;

  @Option(names = "--topk", defaultValue = "5", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
  int topk;

  @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the model (default: ${DEFAULT-VALUE}).")
  double width;

  @Option(names = "--classes", defaultValue = "1000", description = "Classifier outputs (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--partial", description = "Load the weights that fit and report the rest (default: strict).")
  boolean partial;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--exif-orientation", description = "Turn each image as its EXIF orientation says (as a photo"
      + " viewer shows it; PIL's ImageOps.exif_transpose). Default: ignored, as torchvision and PIL's"
      + " convert(\"RGB\") ignore it, so the numbers equal torchvision's.")
  boolean exifOrientation;

  @Override
  public Integer call() throws IOException {
    int depth;
    try {
      depth = ResNetConfig.parseArch(arch);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--arch: bad value " + arch + ": " + e.getMessage());
    }
    if (topk < 1) {
      throw new BadInputException("--topk: bad value " + topk + ": must be at least 1");
    }
    InputFiles.requireFile(weights);
    List<Path> files = listImages(images);
    Engine engine = Engines.pytorch();
    ResNet model = new ResNet(new ResNetConfig(depth, width, classes, false, 3));
    PrintWriter out = spec.commandLine().getOut();
    List<Map<String, Object>> predictions = new ArrayList<>();
    try (NDManager manager = engine.newBaseManager(Engines.device())) {
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
      Weights.LoadReport report =
          Weights.load(
              model,
              Checkpoints.readStateDict(weights).toFloatTensors(),
              weights.toString(),
              !partial,
              "num_batches_tracked");
      if (!report.clean()) {
        spec.commandLine().getErr().println("classify: partial load: " + report);
      }
      ParameterStore ps = new ParameterStore(manager, false);
      for (Path f : files) {
        float[] x = ClassificationTransforms.toTensor(
            ClassificationTransforms.evalCrop(ImageDecoder.decode(f, null, exifOrientation), 256, 224));
        ClassificationTrainer.Prediction p =
            ClassificationTrainer.topK(
                    model.logits(ps, manager.create(x, new Shape(1, 3, 224, 224)), false), topk)
                .get(0);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("image", images.equals(f) ? f.getFileName().toString() : images.relativize(f).toString());
        List<Map<String, Object>> top = new ArrayList<>();
        for (int i = 0; i < p.classes().length; i++) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("class", p.classes()[i]);
          c.put("prob", p.probabilities()[i]);
          top.add(c);
        }
        entry.put("topk", top);
        predictions.add(entry);
        if (!json) {
          StringBuilder sb = new StringBuilder(entry.get("image").toString()).append(':');
          for (int i = 0; i < p.classes().length; i++) {
            sb.append(String.format(Locale.ROOT, "  %d (%.4f)", p.classes()[i], p.probabilities()[i]));
          }
          out.println(sb);
        }
      }
    }
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(Map.of("predictions", predictions)));
    }
    out.flush();
    return 0;
  }

  /** What the decoder reads: a folder given to classify is a set of images, not an ImageFolder data set. */
  private static final java.util.Set<String> DECODED = java.util.Set.of("jpg", "jpeg", "png", "bmp", "gif");

  private static List<Path> listImages(Path root) throws IOException {
    if (Files.isRegularFile(root)) {
      return List.of(root);
    }
    if (!Files.isDirectory(root)) {
      throw BadInputException.of(root, null, null, null, "no such file or folder");
    }
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                int dot = n.lastIndexOf('.');
                return dot > 0 && DECODED.contains(n.substring(dot + 1));
              })
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw BadInputException.of(root, null, null, null, "no images (jpg, png, bmp, gif) in this folder");
      }
      return files;
    }
  }
}
