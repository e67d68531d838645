package io.ticketlab.lottery.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.detector.DetectorSpec;
import io.ticketlab.prune.MagnitudePruning;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import io.ticketlab.train.detect.DetectionRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ImageNet tickets and mask transfer into torchvision's R18 Mask R-CNN (COCO: 80 classes), with no
 * training: values bit for bit where the mask keeps them, +0.0 where it does not, FPN/RPN/heads
 * fresh, and the paper's structural numbers (network sparsity 31.61 / 28.10 / 17.57% for a 90 / 80 /
 * 50% ticket, paper Table 1).
 */
@Tag("engine")
class BackboneTransferTest {
  private static final Map<String, int[]> MASK_RCNN =
      DetectionRun.parameterShapes(DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, 18, 81));

  /** A ResNet-18 classifier state dict (random values, fc included) with the detector's backbone shapes. */
  private static Map<String, FloatTensor> classifier(long seed) {
    Random r = new Random(seed);
    Map<String, FloatTensor> sd = new LinkedHashMap<>();
    MASK_RCNN.forEach((name, shape) -> {
      if (name.startsWith("backbone.body.")) {
        float[] v = new float[(int) FloatTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextGaussian();
        }
        sd.put("module." + name.substring("backbone.body.".length()), new FloatTensor(shape, v));
      }
    });
    sd.put("module.fc.weight", new FloatTensor(new int[] {1000, 512}, new float[512_000]));
    return sd;
  }

  /** Prunes {@code p} of the classifier's prunable convs by global magnitude, as an ImageNet lottery level does. */
  private static Map<String, FloatTensor> ticket(Map<String, FloatTensor> dense, double p) {
    Map<String, FloatTensor> plain = new LinkedHashMap<>();
    dense.forEach((k, v) -> plain.put(k.substring("module.".length()), v));
    Map<String, int[]> convs = PrunableSet.preset("classifier-convs").select(shapes(plain));
    Mask mask = MagnitudePruning.global().prune(plain, Mask.ones(convs), 1 - p);
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    plain.forEach((k, v) -> {
      if (mask.names().contains(k)) {
        boolean[] keep = mask.get(k).toBooleans();
        float[] d = v.data().clone();
        for (int i = 0; i < d.length; i++) {
          d[i] = keep[i] ? d[i] : -0.0f * Math.signum(d[i]); // other tools leave -0.0 where w < 0
        }
        v = new FloatTensor(v.shape(), d);
      }
      out.put(k, v);
    });
    return out;
  }

  private static Map<String, int[]> shapes(Map<String, FloatTensor> sd) {
    Map<String, int[]> s = new LinkedHashMap<>();
    sd.forEach((k, v) -> s.put(k, v.shape()));
    return s;
  }

  @Test
  void imageNetTicket_paperStructuralNetworkSparsity_andExactValues() {
    Map<String, FloatTensor> dense = classifier(1);
    double[] expected = {31.61, 28.10, 17.57}; // paper Table 1, R18 Mask R-CNN
    double[] prune = {0.9, 0.8, 0.5};
    for (int i = 0; i < prune.length; i++) {
      Map<String, FloatTensor> t = ticket(dense, prune[i]);
      Transfer x = ImageNetTicket.of(t, MASK_RCNN, Path.of("ticket.pth"));
      double sparsity = 100 * x.networkSparsity(MASK_RCNN);
      System.out.printf("ImageNet ticket %.0f%% -> R18 Mask R-CNN network sparsity %.2f%% (paper %.2f%%)%n",
          100 * prune[i], sparsity, expected[i]);
      assertThat(sparsity).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(0.1));
      // every backbone tensor transferred, fc dropped, the rest fresh
      assertThat(x.transferred()).allMatch(n -> n.startsWith("backbone.body.")).noneMatch(n -> n.contains("fc."));
      assertThat(x.fresh()).noneMatch(n -> n.startsWith("backbone.body."))
          .contains("backbone.fpn.inner_blocks.0.0.weight", "rpn.head.conv.0.0.weight", "roi_heads.box_head.fc6.weight",
              "roi_heads.mask_head.0.0.weight");
      // values bit for bit where kept, +0.0 where pruned; downsample convs unmasked
      for (String name : x.transferred()) {
        float[] src = t.get(name.substring("backbone.body.".length())).data();
        float[] got = x.values().get(name).data();
        boolean masked = x.mask().names().contains(name);
        assertThat(masked).as(name).isEqualTo(!name.contains("downsample") && name.endsWith("weight")
            && (name.contains(".conv") || name.equals("backbone.body.conv1.weight")));
        for (int j = 0; j < got.length; j++) {
          if (masked && !x.mask().get(name).get(j)) {
            assertThat(Float.floatToRawIntBits(got[j])).as("%s[%d] is +0.0", name, j).isZero();
          } else {
            assertThat(Float.floatToRawIntBits(got[j])).isEqualTo(Float.floatToRawIntBits(src[j]));
          }
        }
      }
      // the mask's sparsity over the prunable convs is the ticket's
      assertThat(x.mask().sparsity()).isCloseTo(prune[i], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void maskTransfer_sparsityOverThePrunableConvs_isExactlyP() {
    Map<String, FloatTensor> pretrained = classifier(2);
    for (double p : new double[] {0.9, 0.8, 0.5}) {
      Transfer x = MaskTransfer.of(pretrained, p, MASK_RCNN, Path.of("resnet18.pth"));
      long total = x.mask().total();
      assertThat(total - x.mask().kept()).isEqualTo(Math.round(p * total));
      // survivors are the largest magnitudes: every kept |w| >= every pruned |w|
      float minKept = Float.MAX_VALUE;
      float maxPruned = 0;
      for (String name : x.mask().names()) {
        float[] src = pretrained.get("module." + name.substring("backbone.body.".length())).data();
        for (int j = 0; j < src.length; j++) {
          if (x.mask().get(name).get(j)) {
            minKept = Math.min(minKept, Math.abs(src[j]));
            assertThat(x.values().get(name).data()[j]).isEqualTo(src[j]);
          } else {
            maxPruned = Math.max(maxPruned, Math.abs(src[j]));
            assertThat(Float.floatToRawIntBits(x.values().get(name).data()[j])).isZero();
          }
        }
      }
      assertThat(minKept).isGreaterThanOrEqualTo(maxPruned);
    }
  }

  @Test
  void mismatchedOrDenseSources_areRefusedListingTheMismatches() {
    Map<String, FloatTensor> dense = classifier(3);
    assertThatThrownBy(() -> ImageNetTicket.of(dense, MASK_RCNN, Path.of("dense.pth")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("dense.pth").hasMessageContaining("not a ticket");
    Map<String, int[]> r50 = DetectionRun.parameterShapes(DetectorSpec.torchvision(DetectorSpec.Task.SEGMENTATION, 50, 81));
    assertThatThrownBy(() -> MaskTransfer.of(dense, 0.5, r50, Path.of("r18.pth")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("r18.pth: does not fit the detector's backbone")
        .hasMessageContaining("mismatches, first");
    Map<String, FloatTensor> detector = new LinkedHashMap<>();
    detector.put("roi_heads.box_head.fc6.weight", new FloatTensor(new int[] {1024, 12544}, new float[1024 * 12544]));
    assertThatThrownBy(() -> ImageNetTicket.of(detector, MASK_RCNN, Path.of("det.tlck")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("no tensor of a ResNet backbone");
  }
}
