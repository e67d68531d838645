package io.ticketlab.model.detector;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.rpn.RPNHead;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Architectures}' small detectors (the MAC counts of {@code ticketlab report} on synthetic runs) have
 * exactly the parameter names and shapes of the models {@link Detectors#build} makes from the same settings.
 */
@Tag("engine")
class ArchitecturesParityTest {
  private static void assertSameShapes(Map<String, int[]> model, Architecture arch) {
    Map<String, int[]> expected = arch.parameterShapes();
    assertThat(model.keySet()).as(arch.name()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((k, v) -> assertThat(model.get(k)).as(arch.name() + " " + k).containsExactly(v));
  }

  @Test
  void narrowFpnDetectors_haveTheModelsNamesAndShapes() {
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      for (DetectorSpec.Task task : DetectorSpec.Task.values()) {
        DetectorSpec spec = new DetectorSpec(task, DetectorSpec.Variant.FPN, 18, 0.25, 32, 64, 4,
            task == DetectorSpec.Task.KEYPOINTS ? 5 : 0, List.of(64), 96, 3, true, 0.05, 100, 64);
        Map<String, int[]> model = C4DetectorTest.shapes(C4DetectorTest.built(manager, spec, RPNHead.Objectness.SIGMOID));
        Architectures.Heads heads = switch (task) {
          case DETECTION -> Architectures.Heads.BOX;
          case SEGMENTATION -> Architectures.Heads.MASK;
          case KEYPOINTS -> Architectures.Heads.KEYPOINT;
        };
        assertSameShapes(model, Architectures.rcnnFpn(heads, 18, 0.25, 32, 64, 4, spec.numKeypoints(), false, 64, 96,
            100, 10));
      }
    }
  }

  @Test
  void narrowC4Detector_hasTheModelsNamesAndShapes() {
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      DetectorSpec spec = new DetectorSpec(DetectorSpec.Task.DETECTION, DetectorSpec.Variant.C4, 18, 0.25, 256, 1024,
          3, 0, List.of(64), 96, 3, true, 0.05, 100, 64);
      for (RPNHead.Objectness o : RPNHead.Objectness.values()) {
        Map<String, int[]> model = C4DetectorTest.shapes(C4DetectorTest.built(manager, spec, o));
        assertSameShapes(model, Architectures.fasterRcnnC4(18, 0.25, 64, 96, 100, 3, o == RPNHead.Objectness.SOFTMAX));
      }
    }
  }
}
