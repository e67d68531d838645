package io.ticketlab.cli;

import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoWriter;
import io.ticketlab.data.voc.VocReader;
import io.ticketlab.data.voc.VocToCoco;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab data voc2coco}: converts a VOC split to a COCO instances file. */
@Command(
    name = "voc2coco",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Convert a Pascal VOC split to a COCO instances file: image ids 1..N in split order,"
          + " category ids 1..20 in VOC class order, boxes as 0-based [x, y, w, h]."
    })
final class Voc2CocoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--voc-root", required = true, paramLabel = "DIR",
      description = "A VOC year folder (e.g. VOCdevkit/VOC2007).")
  Path vocRoot;

  @Option(names = "--split", defaultValue = "test", paramLabel = "NAME",
      description = "Image set of ImageSets/Main (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "COCO json to write.")
  Path out;

  @Option(names = "--difficult", defaultValue = "crowd", paramLabel = "crowd|keep|drop",
      description = "Difficult objects become crowd regions (ignored by COCO evaluation), ordinary"
          + " objects, or are dropped (default: ${DEFAULT-VALUE}).")
  VocToCoco.Difficult difficult;

  @Override
  public Integer call() throws IOException {
    io.ticketlab.common.InputFiles.requireWritableFile(out);
    CocoDataset coco = VocToCoco.convert(VocReader.readSplit(vocRoot, split), difficult);
    CocoWriter.writeDataset(out, coco);
    spec.commandLine().getOut().printf("%s: %d images, %d objects, %d categories%n", out,
        coco.images().size(), coco.annotations().size(), coco.categories().size());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
