package io.ticketlab.model.detector;

import io.ticketlab.model.boxes.Detections;

import static io.ticketlab.model.detector.Json.floats;
import static io.ticketlab.model.detector.Json.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.detector.transform.ImageSize;
import io.ticketlab.model.rpn.RegionProposalNetwork;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole Faster R-CNN models against torchvision 0.14 in eval mode ({@code
 * parity/detector_*.json} from {@code src/test/python/make_detector_fixtures.py}): state-dict keys
 * in order, resized sizes, RPN proposals, and the final boxes (within 1e-2 px), scores (1e-4) and
 * labels in the same order (up to nearly tied scores, see {@link OrderedMatch}), on two noise images of different sizes with a zero score threshold.
 */
@Tag("engine")
class DetectorParityTest {

  @ParameterizedTest
  @CsvSource({"/parity/detector_r18_fpn.json, 18, 6, 256, 400", "/parity/detector_r50_fpn.json, 50, 91, 320, 512"})
  void fasterRcnn_matchesTorchvision(String fixture, int depth, int classes, int minSize, int maxSize) {
    JsonNode fx = Json.load(fixture);
    DetectorSpec spec =
        DetectorSpec.torchvision(DetectorSpec.Task.DETECTION, depth, classes)
            .withSizes(List.of(minSize), maxSize)
            .withBoxScoreThreshold(0.0);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = Detectors.build(spec);
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      DetectorFixtures.loadWeights(model, fx, fixture);
      ParameterStore ps = new ParameterStore(manager, false);
      List<NDArray> images = DetectorFixtures.images(manager, fx);
      GeneralizedRcnn.Prepared prepared = model.prepare(images, null, false, new Random(0));
      for (int i = 0; i < images.size(); i++) {
        ImageSize s = prepared.batch().imageSizes().get(i);
        assertThat(new int[] {s.height(), s.width()}).containsExactly(ints(fx.get("imageSizes").get(i)));
      }
      NDArray tensors = prepared.batch().tensors();
      assertThat(tensors.getShape().getShape()).containsExactly(toLongs(ints(fx.get("paddedShape"))));
      var features = model.backbone().features(ps, tensors, false);
      RegionProposalNetwork.Output rpnOut =
          model.rpn().forward(ps, new NDList(features.values()), (int) tensors.getShape().get(2),
              (int) tensors.getShape().get(3), prepared.imageSizes().toArray(new int[0][]), null, false, new Random(0));
      for (int i = 0; i < images.size(); i++) {
        float[] expected = floats(fx.get("proposals").get(i));
        assertThat(rpnOut.proposals().get(i).length).as("proposal count of image %d", i).isEqualTo(expected.length);
        int unmatched =
            OrderedMatch.unmatched(
                rpnOut.proposals().get(i), rpnOut.scores().get(i), expected,
                floats(fx.get("proposalScores").get(i)), 5e-2f, 1e-4f, 1e-4f);
        assertThat(unmatched).as("proposals of image %d without a partner", i).isZero();
      }
      List<Detections> detections = model.predict(ps, images);
      for (int i = 0; i < images.size(); i++) {
        JsonNode e = fx.get("detections").get(i);
        Detections d = detections.get(i);
        assertThat(d.count()).as("detections of image %d", i).isEqualTo(e.get("labels").size());
        int unmatched =
            OrderedMatch.unmatched(
                d.boxes(), d.scores(), d.labels(), floats(e.get("boxes")), floats(e.get("scores")),
                ints(e.get("labels")), 1e-2f, 1e-4f, 1e-4f);
        assertThat(unmatched).as("detections of image %d without a partner", i).isZero();
      }
    }
  }

  private static long[] toLongs(int[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
