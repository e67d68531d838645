package io.ticketlab.train.detect;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.model.detector.DetectorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code model.json} of a detector run folder: the {@link DetectorSpec} and the COCO categories of
 * its labels 1..C, enough to rebuild the model from any of the folder's checkpoints and to write
 * COCO results. Also names torchvision's pretrained COCO detectors ({@code
 * fasterrcnn_resnet50_fpn}, {@code maskrcnn_resnet50_fpn}, {@code keypointrcnn_resnet50_fpn}),
 * whose label is the COCO category id itself (91 outputs).
 *
 * @param detector the model
 * @param categories the categories of labels 1..C in order (label i is {@code categories[i-1]})
 */
public record DetectorModelFile(DetectorSpec detector, List<CocoCategory> categories) {
  public static final String NAME = "model.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public DetectorModelFile {
    categories = List.copyOf(categories);
    if (detector.numClasses() != categories.size() + 1) {
      throw new IllegalArgumentException(
          "a model of " + detector.numClasses() + " classes needs " + (detector.numClasses() - 1)
              + " categories, got " + categories.size());
    }
  }

  /** The COCO category id of label {@code label} (1..C). */
  public int categoryIdOf(int label) {
    return categories.get(label - 1).id();
  }

  /** Writes the file into {@code dir} (atomically). */
  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(NAME), JSON.writeValueAsString(this) + "\n");
  }

  /** Reads {@code model.json} from a file, a run folder, or the folder of a checkpoint. */
  public static DetectorModelFile read(Path path) {
    Path file = path;
    if (Files.isDirectory(path)) {
      file = path.resolve(NAME);
    } else if (!path.getFileName().toString().endsWith(".json")) {
      file = path.toAbsolutePath().getParent().resolve(NAME);
    }
    if (!Files.isRegularFile(file)) {
      throw BadInputException.of(path, null, null, null,
          "no " + NAME + " found (give a run folder, a checkpoint inside one, a model.json, or a"
              + " torchvision model name with --weights)");
    }
    try {
      return JSON.readValue(file.toFile(), DetectorModelFile.class);
    } catch (IOException | IllegalArgumentException e) {
      throw BadInputException.of(file, null, null, null, "is not a TicketLab model file: " + e.getMessage());
    }
  }

  /**
   * torchvision's pretrained COCO detectors by name ({@code fasterrcnn_resnet50_fpn}, {@code
   * maskrcnn_resnet50_fpn}, {@code keypointrcnn_resnet50_fpn}; resnet18 variants too), or null
   * for another name.
   */
  public static DetectorModelFile torchvision(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    DetectorSpec.Task task;
    if (n.startsWith("fasterrcnn_")) {
      task = DetectorSpec.Task.DETECTION;
    } else if (n.startsWith("maskrcnn_")) {
      task = DetectorSpec.Task.SEGMENTATION;
    } else if (n.startsWith("keypointrcnn_")) {
      task = DetectorSpec.Task.KEYPOINTS;
    } else {
      return null;
    }
    int depth;
    if (n.contains("resnet50")) {
      depth = 50;
    } else if (n.contains("resnet18")) {
      depth = 18;
    } else {
      return null;
    }
    List<CocoCategory> categories = new ArrayList<>();
    if (task == DetectorSpec.Task.KEYPOINTS) {
      categories.add(new CocoCategory(1, "person", "person", List.of(), List.of()));
      return new DetectorModelFile(DetectorSpec.torchvision(task, depth, 2), categories);
    }
    for (int id = 1; id <= 90; id++) {
      categories.add(new CocoCategory(id, "coco_" + id, "", List.of(), List.of()));
    }
    return new DetectorModelFile(DetectorSpec.torchvision(task, depth, 91), categories);
  }
}
