package io.ticketlab.eval.voc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.data.voc.VocDataset;
import io.ticketlab.data.voc.VocReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A two-image VOC split: dog GT 1 (image 1), dogs 2 and 3 (image 2), a difficult person. The
 * detections are TP, TP, FP for dog, and one hit on the difficult person (neither TP nor FP).
 */
class VocEvaluatorTest {

  static Path resource(String relative) {
    try {
      return Path.of(VocEvaluatorTest.class.getResource("/voc/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static VocDataset split() {
    return VocReader.readSplit(resource("VOC2007"), "test");
  }

  @Test
  void voc07_elevenPointAp() {
    VocDataset voc = split();
    VocEvaluation e = VocEvaluator.evaluate(voc, VocResultsReader.read(resource("results_a.json"), voc),
        VocMetric.VOC07);
    // recall 1/3, 2/3, 2/3 with precision 1, 1, 2/3: precision 1 at recall points 0..0.6.
    assertThat(e.apPerClass().get("dog")).isCloseTo(7 / 11.0, within(1e-15));
    // Only difficult persons: undefined and left out of the mean.
    assertThat(e.apPerClass().get("person")).isEqualTo(-1);
    assertThat(e.apPerClass().get("cat")).isEqualTo(-1);
    assertThat(e.map()).isEqualTo(e.apPerClass().get("dog"));
  }

  @Test
  void voc12_allPointAp() {
    VocDataset voc = split();
    VocEvaluation e = VocEvaluator.evaluate(voc, VocResultsReader.read(resource("results_a.json"), voc),
        VocMetric.VOC12);
    assertThat(e.apPerClass().get("dog")).isCloseTo(2 / 3.0, within(1e-15));
  }

  @Test
  void replicates_giveMeanAndPopulationStd() {
    VocDataset voc = split();
    VocReplicates r = VocReplicates.of(List.of(
        VocEvaluator.evaluate(voc, VocResultsReader.read(resource("results_a.json"), voc), VocMetric.VOC07),
        VocEvaluator.evaluate(voc, VocResultsReader.read(resource("results_b.json"), voc), VocMetric.VOC07)));
    assertThat(r.meanMap()).isCloseTo(5.5 / 11, within(1e-12));
    assertThat(r.stdMap()).isCloseTo(1.5 / 11, within(1e-12));
    assertThat(r.meanPerClass().get("dog")).isCloseTo(5.5 / 11, within(1e-12));
  }

  @Test
  void reader_keepsDifficultAndTruncatedFlags() {
    VocDataset voc = split();
    assertThat(voc.images()).hasSize(2);
    assertThat(voc.images().get(0).objects().get(0).truncated()).isTrue();
    assertThat(voc.images().get(0).objects().get(1).difficult()).isTrue();
    assertThat(voc.images().get(1).width()).isEqualTo(120);
  }
}
