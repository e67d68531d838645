package io.ticketlab.train.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.eval.coco.Evaluation;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.model.detector.DetectorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run's COCO evaluation covers the categories its model learns, not the whole ground truth. */
class DetectionEvaluateTest {
  @TempDir Path tmp;

  @Test
  void keypointModel_boxesScoredOnPersonsOnly() throws IOException {
    SynthGenerator.write(tmp, new SynthOptions(12, 3, 128, SynthOptions.Split.val));
    DetectionDataset all = DetectionDataset.open(tmp.resolve(SynthGenerator.ANNOTATIONS), tmp,
        DetectionRun.options(DetectorSpec.Task.DETECTION, false));
    DetectionDataset persons = DetectionDataset.open(tmp.resolve(SynthGenerator.ANNOTATIONS), tmp,
        DetectionRun.options(DetectorSpec.Task.KEYPOINTS, false));
    assertThat(persons.classes()).hasSize(1);
    assertThat(all.classes().size()).isGreaterThan(1);
    int person = persons.classes().get(0).id();
    // a perfect person detector: every person box, score 1
    List<CocoResult> results = new ArrayList<>();
    int people = 0;
    for (CocoAnnotation a : persons.coco().annotations()) {
      if (a.categoryId() == person && !a.crowd()) {
        results.add(CocoResult.box(a.imageId(), person, 1.0, a.bbox()));
        people++;
      }
    }
    assertThat(people).isPositive();
    Evaluation personsOnly = DetectionTrainer.evaluate(persons, results, IouType.BBOX);
    assertThat(personsOnly.stats().get("AP")).isEqualTo(1.0);
    // over every category the same results average in the categories nobody detected
    Evaluation everything = DetectionTrainer.evaluate(all, results, IouType.BBOX);
    assertThat(everything.stats().get("AP")).isLessThan(0.5);
  }
}
