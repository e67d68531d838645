package io.ticketlab.model.detector;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.model.nn.ModelParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Detectors.build} for Mask R-CNN has torchvision 0.14's state dict, key by key and shape by
 * shape, in order (BatchNorm's {@code num_batches_tracked} counters aside) ({@code shapes/maskrcnn_resnet*_fpn.json}, 91 classes); no weights are needed.
 */
@Tag("engine")
class MaskRcnnShapesTest {

  @ParameterizedTest
  @CsvSource({"maskrcnn_resnet18_fpn, 18", "maskrcnn_resnet50_fpn, 50"})
  void maskRcnn_hasTorchvisionStateDict(String name, int depth) {
    JsonNode expected = Json.load("/shapes/" + name + ".json").get("tensors");
    GeneralizedRcnn model = Detectors.build(DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, depth, 91));
    Map<String, Parameter> params = ModelParameters.of(model);
    List<String> actual = new ArrayList<>();
    params.forEach((k, p) -> actual.add(k + " " + p.getShape()));
    List<String> wanted = new ArrayList<>();
    for (JsonNode t : expected) {
      if (t.get("name").asText().endsWith("num_batches_tracked")) {
        continue; // a BatchNorm counter (the R-50 list comes from a model with trainable BatchNorm)
      }
      StringBuilder s = new StringBuilder("(");
      for (int i = 0; i < t.get("shape").size(); i++) {
        s.append(i == 0 ? "" : ", ").append(t.get("shape").get(i).asInt());
      }
      wanted.add(t.get("name").asText() + " " + s.append(")"));
    }
    assertThat(actual).containsExactlyElementsOf(wanted);
    assertThat(actual).anyMatch(k -> k.startsWith("roi_heads.mask_head.3.0.weight"));
  }
}
