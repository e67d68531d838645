package io.ticketlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class MacCounterTest {

  @Test
  void convolution_matchesHandCount() {
    // 3 -> 8 channels, 3x3, stride 2, padding 1 on 9x7: output 5x4; MACs = 5*4*8*3*3*3
    Layer l = Layer.conv("c.weight", "g", 3, 8, 3, 2, 1, 1, 1, 9, 7, 1);
    assertThat(l.outputHeight()).isEqualTo(5);
    assertThat(l.outputWidth()).isEqualTo(4);
    assertThat(l.weightShape()).containsExactly(8, 3, 3, 3);
    assertThat(l.denseMacs()).isEqualTo(5L * 4 * 8 * 3 * 3 * 3);
  }

  @Test
  void groupedDilatedConvolution_matchesHandCount() {
    // 8 -> 4 channels in 2 groups, 3x3 dilation 2, padding 0, 10x10: output 6x6
    Layer l = Layer.conv("c.weight", "g", 8, 4, 3, 1, 0, 2, 2, 10, 10, 1);
    assertThat(l.outputHeight()).isEqualTo(6);
    assertThat(l.weightShape()).containsExactly(4, 4, 3, 3);
    assertThat(l.denseMacs()).isEqualTo(6L * 6 * 4 * 4 * 9);
  }

  @Test
  void transposedConvolution_countsEveryInputPixelThroughTheWholeKernel() {
    // Mask R-CNN's conv5_mask: 256 -> 256, 2x2 stride 2 on 14x14 -> 28x28, for 100 RoIs
    Layer up = Layer.convTranspose("u.weight", "g", 256, 256, 2, 2, 0, 14, 14, 100);
    assertThat(up.outputHeight()).isEqualTo(28);
    assertThat(up.weightShape()).containsExactly(256, 256, 2, 2);
    assertThat(up.denseMacs()).isEqualTo(100L * 14 * 14 * 256 * 256 * 4);
    // Keypoint R-CNN's kps_score_lowres: 4x4 stride 2 padding 1, 14 -> 28
    assertThat(Layer.convTranspose("k.weight", "g", 512, 17, 4, 2, 1, 14, 14, 1).outputHeight()).isEqualTo(28);
  }

  @Test
  void linear_countsInTimesOutPerRow() {
    assertThat(Layer.linear("fc6.weight", "g", 12544, 1024, 1000).denseMacs()).isEqualTo(12544L * 1024 * 1000);
    assertThat(Layer.linear("fc.weight", "g", 3, 2, 1).weightShape()).containsExactly(2, 3);
  }

  /**
   * Convolution and fully connected multiply-accumulates at 224×224, the convention of
   * torchvision's published GFLOPS (fvcore's counts: batch norm, ReLU, pooling and additions not
   * counted). Exact: ResNet-18's three 1×1 downsample convs are 19,267,584 MACs (0.019 G), inside
   * any tolerance of a printed "1.81".
   */
  @Test
  void denseResNets_matchTorchvisionsMacCountsExactly() {
    assertThat(MacCounter.dense(Architectures.resnet(50, 224, 224)).denseMacs())
        .isEqualTo(4_089_184_256L);
    assertThat(Architectures.resnet(18, 224, 224).denseMacs()).isEqualTo(1_814_073_344L);
    assertThat(Architectures.resnet(34, 224, 224).denseMacs()).isEqualTo(3_663_761_408L);
    assertThat(Architectures.resnet(101, 224, 224).denseMacs()).isEqualTo(7_801_405_440L);
  }

  @Test
  void denseResNet18_layerByLayerHandCount() {
    // stem 7x7 stride 2: 112*112*64*3*49; layer1: 4 convs 56*56*64*64*9; layer2: 28*28*128*(64*9 +
    // 3*128*9) + downsample 28*28*128*64; and so on; fc 512*1000.
    long stem = 112L * 112 * 64 * 3 * 49;
    long layer1 = 4L * 56 * 56 * 64 * 64 * 9;
    long layer2 = 28L * 28 * 128 * (64 * 9 + 3 * 128 * 9) + 28L * 28 * 128 * 64;
    long layer3 = 14L * 14 * 256 * (128 * 9 + 3 * 256 * 9) + 14L * 14 * 256 * 128;
    long layer4 = 7L * 7 * 512 * (256 * 9 + 3 * 512 * 9) + 7L * 7 * 512 * 256;
    long fc = 512L * 1000;
    MacCounter.Report r = MacCounter.dense(Architectures.resnet(18, 224, 224));
    assertThat(r.groups()).extracting(MacCounter.GroupMacs::group, MacCounter.GroupMacs::denseMacs)
        .containsExactly(Tuple.tuple("stem", stem),
            Tuple.tuple("layer1", layer1),
            Tuple.tuple("layer2", layer2),
            Tuple.tuple("layer3", layer3),
            Tuple.tuple("layer4", layer4),
            Tuple.tuple("fc", fc));
    assertThat(stem + layer1 + layer2 + layer3 + layer4 + fc).isEqualTo(1_814_073_344L);
  }

  @Test
  void builders_matchTorchvisionsParameterCounts() {
    assertThat(Architectures.resnet(18, 224, 224).learnableParameters()).isEqualTo(11_689_512L);
    assertThat(Architectures.resnet(50, 224, 224).learnableParameters()).isEqualTo(25_557_032L);
    assertThat(Architectures.resnet(101, 224, 224).learnableParameters()).isEqualTo(44_549_160L);
    assertThat(Architectures.fasterRcnnFpn(50, 800, 1333, 1000).learnableParameters()).isEqualTo(41_755_286L);
    assertThat(Architectures.maskRcnnFpn(50, 800, 1333, 1000, 100).learnableParameters()).isEqualTo(44_401_393L);
    assertThat(Architectures.keypointRcnnFpn(50, 800, 1333, 1000, 100).learnableParameters()).isEqualTo(59_137_258L);
  }

  @Test
  void resnet_usesTorchvisionNamesAndShapes() {
    Map<String, int[]> shapes = Architectures.resnet(50, 224, 224).parameterShapes();
    assertThat(shapes.get("conv1.weight")).containsExactly(64, 3, 7, 7);
    assertThat(shapes.get("layer1.0.downsample.0.weight")).containsExactly(256, 64, 1, 1);
    assertThat(shapes.get("layer4.2.conv3.weight")).containsExactly(2048, 512, 1, 1);
    assertThat(shapes.get("fc.weight")).containsExactly(1000, 2048);
    assertThat(shapes.get("layer2.0.bn2.running_var")).containsExactly(128);
    Map<String, int[]> mask = Architectures.maskRcnnFpn(50, 800, 1333, 1000, 100).parameterShapes();
    assertThat(mask.get("backbone.body.layer3.5.conv2.weight")).containsExactly(256, 256, 3, 3);
    assertThat(mask.get("roi_heads.box_head.fc6.weight")).containsExactly(1024, 12544);
    assertThat(mask.get("roi_heads.mask_predictor.conv5_mask.weight")).containsExactly(256, 256, 2, 2);
  }

  @Test
  void sparseMacs_equalThePerLayerHandComputation() {
    Architecture arch = Architectures.resnet(18, 64, 64);
    Random random = new Random(3);
    LinkedHashMap<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Layer l : arch.layers()) {
      FloatTensor t = FloatTensor.zeros(l.weightShape());
      double density = random.nextDouble();
      for (int i = 0; i < t.size(); i++) {
        t.data()[i] = random.nextDouble() < density ? 1f : 0f;
      }
      weights.put(l.weightName(), t);
    }
    MacCounter.Report report = MacCounter.count(arch, weights, null);
    long expected = 0;
    for (MacCounter.LayerMacs row : report.layers()) {
      Layer l = row.layer();
      FloatTensor w = weights.get(l.weightName());
      double density = (double) (w.size() - w.countZeros()) / w.size();
      double hand = l.denseMacs() * density;
      assertThat((double) row.sparseMacs()).as(l.weightName()).isCloseTo(hand, within(1e-6 * hand + 1e-6));
      expected += row.sparseMacs();
    }
    assertThat(report.sparseMacs()).isEqualTo(expected);
    assertThat(report.missingWeights()).isEmpty();
    assertThat(report.groups()).extracting(MacCounter.GroupMacs::group)
        .containsExactly("stem", "layer1", "layer2", "layer3", "layer4", "fc");
    assertThat(report.groups().stream().mapToLong(MacCounter.GroupMacs::sparseMacs).sum()).isEqualTo(expected);
  }

  @Test
  void prunedConv_smallExampleByHand() {
    // conv1 of ResNet-18 at 32x32: output 16x16; keep 10 of 9408 weights -> 16*16*10 MACs
    Architecture arch = Architectures.resnet(18, 32, 32);
    FloatTensor conv1 = FloatTensor.zeros(64, 3, 7, 7);
    for (int i = 0; i < 10; i++) {
      conv1.data()[i * 900] = 0.5f;
    }
    MacCounter.Report report = MacCounter.count(arch, Map.of("conv1.weight", conv1), null);
    MacCounter.LayerMacs first = report.layers().get(0);
    assertThat(first.sparseMacs()).isEqualTo(16L * 16 * 10);
    assertThat(first.denseMacs()).isEqualTo(16L * 16 * 9408);
    assertThat(report.missingWeights()).hasSize(arch.layers().size() - 1);
    assertThat(report.sparseMacs()).isEqualTo(report.denseMacs() - first.denseMacs() + first.sparseMacs());
  }

  @Test
  void wrongShape_isBadInputNamingTheTensor() {
    Architecture arch = Architectures.resnet(18, 32, 32);
    assertThatThrownBy(() -> MacCounter.count(arch, Map.of("conv1.weight", FloatTensor.zeros(64, 3, 3, 3)), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("conv1.weight")
        .hasMessageContaining("[64, 3, 7, 7]");
  }

  @Test
  void checkpointOfAnotherNetwork_isBadInput() {
    assertThatThrownBy(() -> MacCounter.count(Architectures.resnet(18, 32, 32), Map.of("x", FloatTensor.zeros(1)), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("none of the");
  }

  @Test
  void maskRcnn_countsTheRoiHeadsPerRoi() {
    Architecture a100 = Architectures.maskRcnnFpn(50, 800, 1333, 1000, 100);
    Architecture a50 = Architectures.maskRcnnFpn(50, 800, 1333, 1000, 50);
    long maskHead100 = group(MacCounter.dense(a100), "mask_head");
    assertThat(maskHead100).isEqualTo(2 * group(MacCounter.dense(a50), "mask_head"));
    assertThat(maskHead100).isEqualTo(100L * 4 * 14 * 14 * 256 * 256 * 9);
    assertThat(group(MacCounter.dense(a100), "box_head")).isEqualTo(1000L * (12544L * 1024 + 1024L * 1024));
    assertThat(a100.input()).contains("800x1344");
    assertThat(Architectures.names()).contains("maskrcnn_resnet50_fpn", "resnet50");
    assertThat(Architectures.byName("KeypointRCNN_ResNet18_FPN", 800, 1333, 1000, 100).name())
        .isEqualTo("keypointrcnn_resnet18_fpn");
  }

  private static long group(MacCounter.Report r, String name) {
    List<MacCounter.GroupMacs> g = r.groups().stream().filter(x -> x.group().equals(name)).toList();
    assertThat(g).hasSize(1);
    return g.get(0).denseMacs();
  }

  @Test
  void c4Detector_boxHeadIsLayer4On7x7Rois() {
    Architecture a = Architectures.fasterRcnnC4(18, 600, 1000, 300, 21, false);
    long top = 0;
    for (Layer l : a.layers()) {
      if (l.weightName().startsWith("roi_heads.box_head.layer4.")) {
        top += l.denseMacs();
      }
    }
    // per RoI, 7x7 -> 4x4: conv1 16*512*256*9 + downsample 16*512*256 + 3 convs 16*512*512*9 = 2^27
    assertThat(top).isEqualTo(300L * (1L << 27));
    // the RPN runs once on the stride-16 map of the padded 608x1024 image (38x64)
    long rpnConv = a.layers().stream().filter(l -> l.weightName().equals("rpn.head.conv.0.0.weight"))
        .mapToLong(Layer::denseMacs).sum();
    assertThat(rpnConv).isEqualTo(38L * 64 * 512 * 256 * 9);
  }

  @Test
  void narrowResNet_scalesChannelsAsTheModelDoes_keepsTheNames() {
    Architecture narrow = Architectures.resnet(18, 32, 32, 0.125, 10);
    Map<String, int[]> shapes = narrow.parameterShapes();
    assertThat(shapes.keySet()).containsExactlyElementsOf(Architectures.resnet(18, 32, 32).parameterShapes().keySet());
    io.ticketlab.model.backbone.ResNetConfig model = new io.ticketlab.model.backbone.ResNetConfig(18, 0.125, 10, false, 3);
    assertThat(shapes.get("conv1.weight")).containsExactly(model.stemChannels(), 3, 7, 7);
    assertThat(shapes.get("layer4.0.conv1.weight")).containsExactly(model.planes(3), model.planes(2), 3, 3);
    assertThat(shapes.get("layer4.0.downsample.0.weight")).containsExactly(64, 32, 1, 1);
    assertThat(shapes.get("fc.weight")).containsExactly(10, 64);
    assertThat(Architectures.resnet(50, 64, 64, 0.5, 7).parameterShapes().get("layer1.0.conv3.weight"))
        .containsExactly(128, 32, 1, 1);
    // the stem at 32x32: 8 output channels on a 16x16 map, 49·3 MACs each
    assertThat(narrow.layers().get(0).denseMacs()).isEqualTo(8L * 16 * 16 * 3 * 49);
  }
}
