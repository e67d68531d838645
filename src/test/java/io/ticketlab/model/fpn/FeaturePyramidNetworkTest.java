package io.ticketlab.model.fpn;

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
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.detector.Json;
import io.ticketlab.model.nn.ModelParameters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pyramid shapes, names and torchvision's nearest upsampling ({@code parity/fpn_nearest.json}). */
@Tag("engine")
class FeaturePyramidNetworkTest {

  @Test
  void resizeNearest_equalsTorchInterpolateForAnySize() {
    JsonNode fx = Json.load("/parity/fpn_nearest.json");
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      NDArray x = manager.create(Json.floats(fx.get("input")), new Shape(1, 2, 3, 5));
      for (JsonNode c : fx.get("cases")) {
        int[] size = Json.ints(c.get("size"));
        NDArray y = FeaturePyramidNetwork.resizeNearest(x, size[0], size[1]);
        assertThat(y.getShape()).isEqualTo(new Shape(1, 2, size[0], size[1]));
        assertThat(y.toFloatArray()).containsExactly(Json.floats(c.get("output")));
      }
      NDArray doubled = FeaturePyramidNetwork.resizeNearest(x, 6, 10);
      assertThat(doubled.get("0, 1, 5, 9").getFloat()).isEqualTo(x.get("0, 1, 2, 4").getFloat());
    }
  }

  @Test
  void oddSizedImage_givesFiveLevelsWithTorchvisionShapes() {
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      BackboneWithFPN b = new BackboneWithFPN(ResNetConfig.detectionBackbone(18, 0.125), 8);
      b.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      NDList out = b.apply(new ParameterStore(manager, false), manager.ones(new Shape(1, 3, 100, 75)), false);
      assertThat(out).hasSize(FeaturePyramidNetwork.OUTPUT_NAMES.size());
      long[][] expected = {{25, 19}, {13, 10}, {7, 5}, {4, 3}, {2, 2}};
      for (int l = 0; l < 5; l++) {
        assertThat(out.get(l).getShape()).isEqualTo(new Shape(1, 8, expected[l][0], expected[l][1]));
      }
    }
  }

  @Test
  void resnet50Fpn_hasTorchvisionNamesAndShapes() {
    BackboneWithFPN b = BackboneWithFPN.resnet(50, 3);
    var params = ModelParameters.of(b);
    assertThat(params).containsKeys("body.layer4.2.bn3.running_var", "fpn.layer_blocks.3.0.bias");
    assertThat(params.keySet()).noneMatch(k -> k.startsWith("body.fc"));
    int[] in = {256, 512, 1024, 2048};
    for (int i = 0; i < 4; i++) {
      assertThat(params.get("fpn.inner_blocks." + i + ".0.weight").getShape())
          .isEqualTo(new Shape(256, in[i], 1, 1));
      assertThat(params.get("fpn.layer_blocks." + i + ".0.weight").getShape())
          .isEqualTo(new Shape(256, 256, 3, 3));
    }
    b.applyTrainableLayers(); // torchvision's trainable_layers=3: layer2..layer4 (+ FPN) train
    assertThat(params.get("body.conv1.weight").requiresGradient()).isFalse();
    assertThat(params.get("body.layer1.0.conv1.weight").requiresGradient()).isFalse();
    assertThat(params.get("body.layer2.0.conv1.weight").requiresGradient()).isTrue();
    assertThat(params.get("fpn.inner_blocks.0.0.weight").requiresGradient()).isTrue();
  }
}
