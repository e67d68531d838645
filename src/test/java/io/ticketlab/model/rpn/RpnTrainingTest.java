package io.ticketlab.model.rpn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.fpn.BackboneWithFPN;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.TorchBlock;
import io.ticketlab.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A few SGD steps of a tiny ResNet-18-FPN RPN: gradients reach the head, the losses fall, frozen layers stay. */
@Tag("engine")
class RpnTrainingTest {

  static final class Model extends TorchBlock {
    final BackboneWithFPN backbone;
    final RegionProposalNetwork rpn;

    Model() {
      backbone = child("backbone", new BackboneWithFPN(ResNetConfig.detectionBackbone(18, 0.125), 16));
      rpn =
          child(
              "rpn",
              new RegionProposalNetwork(
                  16, AnchorGenerator.fpnDefault(), RegionProposalNetwork.Settings.fasterRcnnDefaults()));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void sgdSteps_decreaseRpnLosses_andKeepFrozenStemUnchanged() {
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      Model model = new Model();
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
      model.backbone.body().freezeUpTo(1);
      NDArray stem = ModelParameters.of(model).get("backbone.body.conv1.weight").getArray().duplicate();
      NDArray bboxPred = ModelParameters.of(model).get("rpn.head.bbox_pred.weight").getArray().duplicate();
      Sgd sgd = new Sgd(ModelParameters.of(model), 0.9f, 0f, name -> false);
      NDArray x = manager.create(DeterministicFill.uniformFloats(7, 3 * 64 * 64), new Shape(1, 3, 64, 64));
      List<float[]> targets = List.of(new float[] {8, 10, 40, 44, 30, 28, 62, 60});
      ParameterStore ps = new ParameterStore(manager, false);
      List<float[]> history = new ArrayList<>();
      for (int step = 0; step < 6; step++) {
        sgd.zeroGradients();
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDList features = model.backbone.apply(ps, x, true);
          var out = model.rpn.forward(ps, features, 64, 64, new int[][] {{64, 64}}, targets, true, new Random(5));
          assertThat(out.proposals()).hasSize(1);
          history.add(new float[] {out.lossObjectness().getFloat(), out.lossBoxReg().getFloat()});
          gc.backward(out.lossObjectness().add(out.lossBoxReg()));
        }
        sgd.step(0.02f);
      }
      assertThat(history.get(5)[0]).isLessThan(history.get(0)[0]);
      assertThat(history.get(5)[0] + history.get(5)[1]).isLessThan(history.get(0)[0] + history.get(0)[1]);
      assertThat(ModelParameters.of(model).get("rpn.head.bbox_pred.weight").getArray().contentEquals(bboxPred))
          .as("box regression weights got gradients")
          .isFalse();
      assertThat(ModelParameters.of(model).get("backbone.body.conv1.weight").getArray().contentEquals(stem)).isTrue();
    }
  }
}
