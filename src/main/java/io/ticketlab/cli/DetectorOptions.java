package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
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
    try {
      return new io.ticketlab.model.detector.DetectorOptions(
              task, arch, variant, width, fpnChannels, headWidth, minSize, maxSize, trainableLayers, scratch)
          .spec(numClasses, annotations);
    } catch (io.ticketlab.model.detector.DetectorOptions.InvalidOption e) {
      if (e.option() == null) {
        throw new BadInputException("detector options: " + e.getMessage());
      }
      throw new BadInputException("--" + e.option() + ": bad value " + e.value() + ": " + e.getMessage());
    }
  }
}
