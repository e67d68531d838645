package io.ticketlab.model.detector;

import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.TorchBlock;
import io.ticketlab.model.roi.ResNetTopHead;
import io.ticketlab.model.rpn.RPNHead;
import io.ticketlab.prune.ModuleGroup;
import io.ticketlab.prune.ModuleGroupShares;
import io.ticketlab.storage.Architectures;
import io.ticketlab.train.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper's VOC model, Faster R-CNN C4: names, shapes, inference output, a few training steps. */
@Tag("engine")
class C4DetectorTest {

  static Map<String, int[]> shapes(GeneralizedRcnn model) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : ModelParameters.of(model).entrySet()) {
      long[] s = e.getValue().getShape().getShape();
      int[] i = new int[s.length];
      for (int k = 0; k < s.length; k++) {
        i[k] = (int) s[k];
      }
      out.put(e.getKey(), i);
    }
    return out;
  }

  static GeneralizedRcnn built(NDManager manager, DetectorSpec spec, RPNHead.Objectness objectness) {
    GeneralizedRcnn model = Detectors.build(spec, objectness);
    model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
    return model;
  }

  @Test
  void paperVocR18_hasTheNamesAndShapesOfTheC4Architecture() {
    DetectorSpec spec = DetectorSpec.paperVoc(18);
    assertThat(spec.variant()).isEqualTo(DetectorSpec.Variant.C4);
    assertThat(spec.minSizes()).containsExactly(600);
    assertThat(spec.maxSize()).isEqualTo(1000);
    assertThat(spec.numClasses()).isEqualTo(21);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      for (RPNHead.Objectness o : RPNHead.Objectness.values()) {
        Map<String, int[]> model = shapes(built(manager, spec, o));
        Map<String, int[]> expected =
            Architectures.fasterRcnnC4(18, 600, 1000, 300, 21, o == RPNHead.Objectness.SOFTMAX).parameterShapes();
        assertThat(model.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(model.get(k)).as(k).containsExactly(v));
        assertThat(model.keySet())
            .contains("backbone.body.conv1.weight", "backbone.body.layer3.1.conv2.weight",
                "rpn.head.conv.0.0.weight", "rpn.head.cls_logits.weight", "rpn.head.bbox_pred.weight",
                "roi_heads.box_head.layer4.0.downsample.0.weight", "roi_heads.box_head.layer4.1.conv2.weight",
                "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.bbox_pred.weight")
            .noneMatch(n -> n.startsWith("backbone.body.layer4") || n.startsWith("backbone.fpn"));
        assertThat(model.get("rpn.head.conv.0.0.weight")).containsExactly(512, 256, 3, 3);
        assertThat(model.get("rpn.head.cls_logits.weight"))
            .containsExactly(o == RPNHead.Objectness.SOFTMAX ? 18 : 9, 512, 1, 1);
        assertThat(model.get("roi_heads.box_predictor.bbox_pred.weight")).containsExactly(84, 512);
        if (o == RPNHead.Objectness.SOFTMAX) {
          ModuleGroupShares s = ModuleGroupShares.of(model);
          assertThat(s.totalParameters()).isEqualTo(12_438_239L);
          assertThat(100 * s.share(ModuleGroup.TOP)).isCloseTo(66.39, org.assertj.core.api.Assertions.within(0.005));
        }
      }
      Map<String, int[]> r50 = shapes(built(manager, DetectorSpec.paperVoc(50), RPNHead.Objectness.SIGMOID));
      assertThat(r50.get("rpn.head.conv.0.0.weight")).containsExactly(512, 1024, 3, 3);
      assertThat(r50.get("roi_heads.box_predictor.cls_score.weight")).containsExactly(21, 2048);
      assertThat(r50.keySet())
          .containsExactlyElementsOf(
              Architectures.fasterRcnnC4(50, 600, 1000, 300, 21, false).parameterShapes().keySet());
    }
  }

  @Test
  void c4Base_isStride16_andLayer4DownsampleUsesTheSubsamplingPath() {
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      GeneralizedRcnn model =
          built(manager, DetectorSpec.paperVoc(18).withWidths(0.125, 256, 1024), RPNHead.Objectness.SIGMOID);
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray x = manager.create(DeterministicFill.uniformFloats(3, 2 * 3 * 96 * 160), new Shape(2, 3, 96, 160));
      Map<String, NDArray> f = model.backbone().features(ps, x, false);
      assertThat(f.keySet()).containsExactly("0");
      assertThat(f.get("0").getShape()).isEqualTo(new Shape(2, 32, 6, 10));
      assertThat(model.backbone().outChannels()).isEqualTo(32);
      assertThat(model.roiHeads().boxHead().representationSize()).isEqualTo(64);

      ConvLayer downsample = downsampleOfLayer4((ResNetTopHead) model.roiHeads().boxHead());
      // ConvLayer computes a 1x1 stride-2 conv without padding as x[:, :, ::2, ::2] then stride 1
      assertThat(downsample.kernel()).isEqualTo(1);
      assertThat(downsample.stride()).isEqualTo(2);
      assertThat(downsample.padding()).isZero();
    }
  }

  static ConvLayer downsampleOfLayer4(ResNetTopHead head) {
    TorchBlock layer4 = (TorchBlock) head.namedChildren().get("layer4");
    TorchBlock block0 = (TorchBlock) layer4.namedChildren().get("0");
    TorchBlock downsample = (TorchBlock) block0.namedChildren().get("downsample");
    return (ConvLayer) downsample.namedChildren().get("0");
  }

  @Test
  void r50TopHead_backwardThroughThe1024Channel1x1Stride2Downsample() {
    // ResNet-50's layer4 downsample (1024 -> 2048, 1x1 stride 2) is the convolution whose oneDNN
    // backward raises SIGFPE on some machines; the box head must train through it.
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      ResNetTopHead head = new ResNetTopHead(ResNetConfig.detectionBackbone(50, 1.0));
      head.initialize(manager, DataType.FLOAT32, new Shape(2, 1024, 7, 7));
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray pooled = manager.create(DeterministicFill.uniformFloats(11, 2 * 1024 * 49), new Shape(2, 1024, 7, 7));
      Parameter w = ModelParameters.of(head).get("layer4.0.downsample.0.weight");
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray out = head.apply(ps, pooled, true);
        assertThat(out.getShape()).isEqualTo(new Shape(2, 2048));
        gc.backward(out.sum());
      }
      assertThat(w.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void tinyC4_predictGivesDetectionsInOriginalPixels() {
    DetectorSpec spec =
        DetectorSpec.paperVoc(18).withWidths(0.125, 256, 1024).withSizes(List.of(96), 160).withBoxScoreThreshold(0.0);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = built(manager, spec, RPNHead.Objectness.SOFTMAX);
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray image = manager.create(DeterministicFill.uniformFloats(5, 3 * 60 * 100), new Shape(3, 60, 100)).abs();
      List<Detections> out = model.predict(ps, List.of(image));
      assertThat(out).hasSize(1);
      Detections d = out.get(0);
      assertThat(d.count()).isBetween(1, 100);
      for (int i = 0; i < d.count(); i++) {
        assertThat(d.labels()[i]).isBetween(1, 20);
        assertThat(d.scores()[i]).isBetween(0f, 1f);
        assertThat(d.boxes()[4 * i]).isBetween(0f, d.boxes()[4 * i + 2]);
        assertThat(d.boxes()[4 * i + 1]).isBetween(0f, d.boxes()[4 * i + 3]);
        assertThat(d.boxes()[4 * i + 2]).isLessThanOrEqualTo(100f);
        assertThat(d.boxes()[4 * i + 3]).isLessThanOrEqualTo(60f);
      }
      for (int i = 1; i < d.count(); i++) {
        assertThat(d.scores()[i]).isLessThanOrEqualTo(d.scores()[i - 1]);
      }
    }
  }

  @Test
  void tinyC4_lossesAreFinite_andTenSgdStepsLowerThem() {
    DetectorSpec spec = DetectorSpec.paperVoc(18).withWidths(0.125, 256, 1024).withSizes(List.of(96), 160);
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = built(manager, spec, RPNHead.Objectness.SOFTMAX);
      model.backbone().applyFreezing();
      Map<String, Parameter> params = ModelParameters.of(model);
      assertThat(params.get("backbone.body.conv1.weight").requiresGradient()).isFalse();
      assertThat(params.get("backbone.body.layer1.0.conv1.weight").requiresGradient()).isFalse();
      assertThat(params.get("backbone.body.layer2.0.conv1.weight").requiresGradient()).isTrue();
      NDArray stem = params.get("backbone.body.conv1.weight").getArray().duplicate();
      NDArray top = params.get("roi_heads.box_head.layer4.0.downsample.0.weight").getArray().duplicate();
      Sgd sgd = new Sgd(params, 0.9f, 0f, name -> false);
      NDArray image = manager.create(DeterministicFill.uniformFloats(9, 3 * 96 * 160), new Shape(3, 96, 160)).abs();
      DetectionTarget target =
          DetectionTarget.boxes(new float[] {10, 12, 70, 80, 80, 20, 150, 60}, new int[] {3, 15});
      ParameterStore ps = new ParameterStore(manager, false);
      List<Float> totals = new ArrayList<>();
      for (int step = 0; step < 10; step++) {
        sgd.zeroGradients();
        try (GradientCollector gc = engine.newGradientCollector()) {
          Map<String, NDArray> losses = model.losses(ps, List.of(image), List.of(target), new Random(3));
          assertThat(losses.keySet())
              .containsExactly("loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg");
          NDArray sum = null;
          for (Map.Entry<String, NDArray> e : losses.entrySet()) {
            float v = e.getValue().getFloat();
            assertThat(Float.isFinite(v)).as(e.getKey() + " = " + v).isTrue();
            sum = sum == null ? e.getValue() : sum.add(e.getValue());
          }
          totals.add(sum.getFloat());
          gc.backward(sum);
        }
        sgd.step(0.01f);
      }
      assertThat(totals.get(9)).as("losses %s", totals).isLessThan(0.8f * totals.get(0));
      assertThat(params.get("backbone.body.conv1.weight").getArray().contentEquals(stem)).isTrue();
      assertThat(params.get("roi_heads.box_head.layer4.0.downsample.0.weight").getArray().contentEquals(top))
          .as("layer4 (the box head) trains")
          .isFalse();
    }
  }
}
