package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.synth.SynthGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector lottery parses its COCO files once, not once per use: train2017's 450 MB instances
 * file costs seconds and gigabytes each time. Counted through {@link CocoReader#onRead} on a
 * two-level Faster R-CNN lottery on tiny synthetic data ({@link DetectorLotteryTest#tinyConfig}).
 */
@Tag("engine")
class DetectorLotteryDataReadsTest {
  @TempDir Path dir;

  @Test
  void twoLevelDetectorLottery_parsesTrainingJsonAtMostOncePerLevelPlusCategoryCount_andValidationOncePerLevel()
      throws Exception {
    Experiment config = Experiment.read(DetectorLotteryTest.tinyConfig(dir, "det", "backbone-only", true, ""));
    Path train = dir.resolve("train").resolve(SynthGenerator.ANNOTATIONS).toAbsolutePath().normalize();
    Path val = dir.resolve("val").resolve(SynthGenerator.ANNOTATIONS).toAbsolutePath().normalize();
    Map<Path, Integer> reads = new TreeMap<>();
    List<LotteryRunner.LevelOutcome> levels;
    try (CocoReader.Listening listening =
        CocoReader.onRead(f -> reads.merge(f.toAbsolutePath().normalize(), 1, Integer::sum))) {
      levels = LotteryRunner.run(config, dir.resolve("runs"), null, null, false, null);
    }
    System.out.printf("COCO parses in a %d-level detector lottery: training json %d, validation json %d%n",
        levels.size(), reads.getOrDefault(train, 0), reads.getOrDefault(val, 0));
    assertThat(levels).hasSize(2).noneMatch(LotteryRunner.LevelOutcome::alreadyDone);
    assertThat(levels.get(1).metrics()).containsKey("bbox/AP");
    assertThat(reads.get(train)).as("parses of the training json").isLessThanOrEqualTo(levels.size() + 1);
    assertThat(reads.get(val)).as("parses of the validation json").isLessThanOrEqualTo(levels.size());
  }
}
