package io.ticketlab.cli;

import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab data synth}: writes the built-in synthetic COCO dataset. */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a synthetic COCO dataset: shapes (rectangle, ellipse, triangle, star) and stick-figure"
          + " persons with 17 COCO keypoints on textured backgrounds, with occlusions and small,"
          + " medium and large objects. Writes DIR/annotations.json and DIR/images/NNNNNN.png"
          + " (file names relative to DIR); deterministic for a seed."
    })
final class SynthCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--images", required = true, paramLabel = "N", description = "Number of images.")
  int images;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--size", defaultValue = "128", paramLabel = "PX",
      description = "Image width and height; object sizes scale with it, so COCO's area ranges"
          + " apply at 128 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--split", defaultValue = "train", paramLabel = "train|val",
      description = "Split; each has its own random stream (default: ${DEFAULT-VALUE}).")
  SynthOptions.Split split;

  @Option(names = "--crops", paramLabel = "PX",
      description = "Instead of the detection set, write every object cropped around its box and resized to"
          + " PX x PX, as a classification set in ImageFolder layout (DIR/<category>/...): the source of an"
          + " ImageNet-style ticket for the synthetic detectors.")
  Integer crops;

  @Override
  public Integer call() {
    SynthOptions options = new SynthOptions(images, seed, size, split);
    long t0 = System.nanoTime();
    if (crops != null) {
      if (crops < 8 || crops > 1024) {
        throw io.ticketlab.common.BadInputException.of(null, null, "--crops", crops, "must be in [8, 1024] pixels");
      }
      io.ticketlab.data.synth.ShapeCrops.Summary c = io.ticketlab.data.synth.ShapeCrops.write(out, options, crops);
      spec.commandLine().getOut().printf("%s: %d crops of %d images in %.1f s%n", c.dir(), c.crops(), c.images(),
          (System.nanoTime() - t0) / 1e9);
      spec.commandLine().getOut().flush();
      return 0;
    }
    SynthGenerator.Summary s = SynthGenerator.write(out, options);
    spec.commandLine().getOut().printf("%s: %d images, %d objects (%d persons) in %.1f s%n",
        s.annotations(), s.images(), s.objects(), s.persons(), (System.nanoTime() - t0) / 1e9);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
