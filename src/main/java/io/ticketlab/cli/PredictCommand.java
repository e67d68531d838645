package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.CocoWriter;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.detection.DetectionOptions;
import io.ticketlab.data.detection.ImageFolderIndex;
import io.ticketlab.train.RunFolder;
import io.ticketlab.train.detect.DetectionRun;
import io.ticketlab.train.detect.DetectorModelFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ticketlab predict}: a detector's COCO results on a COCO set or an image folder. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    header = "Run a detector on images and write a COCO results file.",
    description = {
      "--model is a TicketLab run folder (its latest checkpoint), a checkpoint inside one, a"
          + " model.json with --weights, or a torchvision model name (fasterrcnn_resnet50_fpn,"
          + " maskrcnn_resnet50_fpn, keypointrcnn_resnet50_fpn) with --weights FILE.pth. With"
          + " --images DIR the images get ids 1..N in file-name order (listed in the results' sibling"
          + " images.json)."
    })
final class PredictCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN|CHECKPOINT|JSON|NAME", description = "The detector.")
  String model;

  @Option(names = "--weights", paramLabel = "FILE", description = "Weights (.pth, safetensors, TicketLab checkpoint).")
  Path weights;

  @Option(names = "--coco", paramLabel = "JSON", description = "Predict the images of a COCO file.")
  Path coco;

  @Option(names = "--coco-images", paramLabel = "DIR", description = "Their folder (default: the json's folder).")
  Path cocoImages;

  @Option(names = "--images", paramLabel = "DIR", description = "Predict every image of a folder.")
  Path images;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "COCO results json.")
  Path out;

  @Option(names = "--score-threshold", description = "Lowest score kept (default: the model's, 0.05).")
  Double scoreThreshold;

  @Option(names = "--batch", defaultValue = "2", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--exif-orientation", description = "Turn each image as its EXIF orientation says (as a photo"
      + " viewer shows it; PIL's ImageOps.exif_transpose) and give boxes in the turned image. Default: ignored, as"
      + " torchvision and PIL's convert(\"RGB\") ignore it. With --coco, the file's width/height must be the"
      + " turned images'.")
  boolean exifOrientation;

  @Mixin ProgressOption progress;

  @Override
  public Integer call() throws Exception {
    if ((coco == null) == (images == null)) {
      throw new BadInputException("give exactly one of --coco JSON and --images DIR");
    }
    io.ticketlab.common.InputFiles.requireWritableFile(out);
    if (weights != null) {
      io.ticketlab.common.InputFiles.requireFile(weights);
    }
    if (coco != null) {
      io.ticketlab.common.InputFiles.requireFile(coco);
    } else {
      io.ticketlab.common.InputFiles.requireFolder(images);
    }
    DetectorModelFile file = DetectorModelFile.torchvision(model);
    Path weightFile = weights;
    if (file == null) {
      Path path = Path.of(model);
      if (!Files.exists(path)) {
        throw BadInputException.of(path, null, "--model", model, "does not exist and is not a torchvision model name");
      }
      file = DetectorModelFile.read(path);
      if (weightFile == null) {
        if (Files.isDirectory(path)) {
          Map.Entry<Long, Path> latest = RunFolder.latestCheckpoint(path);
          if (latest == null) {
            throw BadInputException.of(path, null, "--model", model, "holds no checkpoint yet");
          }
          weightFile = latest.getValue();
        } else if (!path.getFileName().toString().endsWith(".json")) {
          weightFile = path;
        }
      }
    }
    if (weightFile == null) {
      throw new BadInputException("--weights: needed with --model " + model);
    }
    var detector = file.detector();
    if (scoreThreshold != null) {
      detector = detector.withBoxScoreThreshold(scoreThreshold);
    }
    DetectionDataset data;
    if (coco != null) {
      Path dir = cocoImages != null ? cocoImages : coco.toAbsolutePath().getParent();
      data = DetectionDataset.open(coco, dir, DetectionOptions.evaluation().withExifOrientation(exifOrientation));
    } else {
      CocoDataset index = ImageFolderIndex.scan(images, file.categories(), exifOrientation);
      Path listing = out.toAbsolutePath().resolveSibling("images.json");
      CocoWriter.writeDataset(listing, index);
      data = DetectionDataset.of(index, listing, images, DetectionOptions.evaluation()
          .withExifOrientation(exifOrientation));
    }
    List<CocoResult> results =
        DetectionRun.predict(detector, weightFile, data, file::categoryIdOf, batch, progress.stream());
    CocoWriter.writeResults(out, results);
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf("%d detections on %d images written to %s%n", results.size(), data.size(), out);
    pw.flush();
    return 0;
  }
}
