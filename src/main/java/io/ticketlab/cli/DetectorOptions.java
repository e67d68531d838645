package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.detector.DetectorSpec;
import java.nio.file.Path;
import java.util.List;

/** Turns the detector options of the CLI into a {@link DetectorSpec}, with option-named errors. */
final class DetectorOptions {
  private DetectorOptions() {}

  static DetectorSpec spec(
      String task, String arch, String variant, double width, int fpnChannels, int headWidth,
      List<Integer> minSize, int maxSize, int trainableLayers, boolean scratch, Integer numClasses,
      Path annotations) {
    DetectorSpec.Task t;
    DetectorSpec.Variant v;
    int depth;
    try {
      t = DetectorSpec.Task.parse(task);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--task: bad value " + task + ": expected det, seg or kp");
    }
    try {
      v = DetectorSpec.Variant.parse(variant);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--variant: bad value " + variant + ": expected fpn or c4");
    }
    try {
      depth = ResNetConfig.parseArch(arch);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--arch: bad value " + arch + ": " + e.getMessage());
    }
    int classes;
    if (numClasses != null) {
      classes = numClasses;
    } else if (t == DetectorSpec.Task.KEYPOINTS) {
      classes = 1;
    } else {
      classes = CocoReader.readDataset(annotations).categories().size();
    }
    try {
      DetectorSpec s =
          DetectorSpec.torchvision(t, depth, classes + 1)
              .withVariant(v)
              .withWidths(width, fpnChannels, headWidth)
              .withSizes(minSize, maxSize)
              .withTrainableLayers(trainableLayers);
      return scratch ? s.fromScratch() : s;
    } catch (IllegalArgumentException e) {
      throw new BadInputException("detector options: " + e.getMessage());
    }
  }
}
