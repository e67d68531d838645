package io.ticketlab.model.rpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.nn.ConvLayer;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.TorchBlock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper code's 2-way softmax objectness expressed as one logit per anchor. */
@Tag("engine")
class RpnHeadObjectnessTest {

  @Test
  void softmaxHead_returnsForegroundMinusBackground_whoseSigmoidIsTheSoftmaxForeground() {
    int anchors = 3;
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      RPNHead head = new RPNHead(4, 8, anchors, RPNHead.Objectness.SOFTMAX);
      head.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 5, 6));
      assertThat(ModelParameters.of(head).get("cls_logits.weight").getShape()).isEqualTo(new Shape(6, 8, 1, 1));
      assertThat(ModelParameters.of(head).get("conv.0.0.weight").getShape()).isEqualTo(new Shape(8, 4, 3, 3));
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray x = manager.create(DeterministicFill.uniformFloats(2, 4 * 30), new Shape(1, 4, 5, 6));
      NDList out = head.applyLevel(ps, x, false);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(1, anchors, 5, 6));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(1, 4 * anchors, 5, 6));

      TorchBlock conv = (TorchBlock) ((TorchBlock) head.namedChildren().get("conv")).namedChildren().get("0");
      ConvLayer shared = (ConvLayer) conv.namedChildren().get("0");
      ConvLayer cls = (ConvLayer) head.namedChildren().get("cls_logits");
      NDArray raw = cls.apply(ps, Activation.relu(shared.apply(ps, x, false)), false);
      // the paper code: view (N, 2, A*H, W), softmax over dim 1, channel block 1 = foreground
      NDArray softmaxFg = raw.reshape(1, 2, anchors * 5, 6).softmax(1).get(":, 1").reshape(1, anchors, 5, 6);
      NDArray sigmoid = Activation.sigmoid(out.get(0));
      assertThat(sigmoid.sub(softmaxFg).abs().max().getFloat()).isLessThan(1e-6f);
      assertThat(out.get(0).sub(raw.get(":, 3:").sub(raw.get(":, :3"))).abs().max().getFloat()).isZero();
    }
  }

  @Test
  void rpn_refusesAHeadWhoseAnchorsDisagreeWithTheGenerator() {
    assertThatThrownBy(
            () -> new RegionProposalNetwork(
                new RPNHead(8, 8, 3, RPNHead.Objectness.SIGMOID), AnchorGenerator.c4Default(),
                RegionProposalNetwork.Settings.fasterRcnnDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 anchors");
    assertThat(AnchorGenerator.c4Default().numAnchorsPerLocation(0)).isEqualTo(9);
    assertThat(AnchorGenerator.c4Default().cellAnchors(0)).hasSize(36);
  }
}
