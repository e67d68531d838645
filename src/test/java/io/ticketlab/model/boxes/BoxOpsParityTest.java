package io.ticketlab.model.boxes;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static io.ticketlab.model.detector.Json.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.model.detector.Json;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Box operations against torchvision 0.14 ({@code parity/box_ops.json}). */
class BoxOpsParityTest {
  private static final JsonNode FX = Json.load("/parity/box_ops.json");

  @Test
  void iou_equalsTorchvisionBoxIou() {
    float[] iou = Boxes.iou(floats(FX.get("boxesA")), floats(FX.get("boxesB")));
    assertThat(maxAbsDiff(iou, floats(FX.get("iou")))).isLessThanOrEqualTo(1e-7f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rpn", "roi"})
  void encodeAndDecode_equalTorchvisionBoxCoder(String name) {
    BoxCoder coder = name.equals("rpn") ? BoxCoder.rpn() : BoxCoder.roiHeads();
    float[] a = Arrays.copyOf(floats(FX.get("boxesA")), 120);
    float[] b = floats(FX.get("boxesB"));
    assertThat(maxAbsDiff(coder.encode(b, a), floats(FX.get("encode_" + name)))).isLessThan(1e-5f);
    float[] decoded = coder.decode(floats(FX.get("codes")), a);
    assertThat(maxAbsDiff(decoded, floats(FX.get("decode_" + name)))).isLessThan(1e-2f);
  }

  @Test
  void decode_clampsLogSizeDeltas() {
    float[] box = {0, 0, 16, 16};
    float[] decoded = BoxCoder.rpn().decode(new float[] {0, 0, 100, 100}, box);
    assertThat(decoded[2] - decoded[0]).isCloseTo(1000f, org.assertj.core.data.Offset.offset(1e-2f));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void matcher_equalsTorchvisionWithTiesAndLowQualityMatches(boolean lowQuality) {
    float[] a = floats(FX.get("boxesA"));
    float[] iou = Boxes.iou(floats(FX.get("matcherGt")), a);
    int[] matches = new Matcher(0.5f, 0.2f, lowQuality).match(iou, Boxes.count(a));
    assertThat(matches).containsExactly(ints(FX.get("matches_lowQuality_" + (lowQuality ? "True" : "False"))));
  }

  @Test
  void descendingSort_equalsTorchSortOnTies() {
    assertThat(TorchSort.descendingIndices(floats(FX.get("nmsScores"))))
        .containsExactly(ints(FX.get("sortDescending")));
    // torch.zeros(17).sort(descending=True) and torch.zeros(30)...: insertion sort below 17 elements
    assertThat(TorchSort.descendingIndices(new float[17]))
        .containsExactly(8, 16, 15, 14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1);
    assertThat(TorchSort.descendingIndices(new float[30]))
        .containsExactly(15, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 0, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    assertThat(TorchSort.descendingIndices(new float[10])).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.3", "0.5", "0.7"})
  void nms_keepsTorchvisionsIndicesInOrder(String threshold) {
    float[] boxes = floats(FX.get("nmsBoxes"));
    float[] scores = floats(FX.get("nmsScores"));
    int[] classes = ints(FX.get("nmsClasses"));
    double t = Double.parseDouble(threshold);
    assertThat(Nms.nms(boxes, scores, t)).containsExactly(ints(FX.get("nms_" + threshold)));
    assertThat(Nms.batchedCoordinateTrick(boxes, scores, classes, t))
        .containsExactly(ints(FX.get("batchedNms_" + threshold)));
    assertThat(Nms.batchedVanilla(boxes, scores, classes, t))
        .containsExactly(ints(FX.get("batchedNmsVanilla_" + threshold)));
  }

  @Test
  void clipAndRemoveSmall_equalTorchvision() {
    float[] a = floats(FX.get("boxesA"));
    float[] moved = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      moved[i] = a[i] * 1.5f - 20f;
    }
    float[] clipped = Boxes.clipToImage(moved, 90, 70);
    assertThat(maxAbsDiff(clipped, floats(FX.get("clipped_90x70")))).isEqualTo(0f);
    assertThat(Boxes.removeSmall(clipped, 8f)).containsExactly(ints(FX.get("removeSmall_8")));
  }

  @Test
  void sampler_takesAtMostHalfPositivesAndIsDeterministicForASeed() {
    int[] labels = new int[1000];
    Arrays.fill(labels, 0);
    for (int i = 0; i < 40; i++) {
      labels[i * 7] = 1;
      labels[i * 7 + 1] = -1;
    }
    var sampler = new BalancedPositiveNegativeSampler(256, 0.5);
    var s = sampler.sample(labels, new Random(3));
    assertThat(s.positive()).hasSize(40);
    assertThat(s.negative()).hasSize(216);
    assertThat(Arrays.stream(s.negative()).map(i -> labels[i])).containsOnly(0);
    assertThat(sampler.sample(labels, new Random(3)).negative()).containsExactly(s.negative());
    for (int i = 0; i < 200; i++) {
      labels[i] = 1;
    }
    assertThat(sampler.sample(labels, new Random(3)).positive()).hasSize(128);
  }
}
