package io.ticketlab.model.roi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.testing.Splitmix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TwoMlpHead, FastRcnnPredictor and FastRcnnLoss against torchvision 0.14's {@code TwoMLPHead},
 * {@code FastRCNNPredictor} and {@code fastrcnn_loss} (fixture {@code roi_heads_box.json}):
 * parameter names and shapes, logits and deltas, both losses (also with no positive RoI), and
 * the gradients of {@code loss_classifier + 2 · loss_box_reg} w.r.t. the input and fc6.
 */
@Tag("engine")
class BoxHeadParityTest {
  private static final JsonNode FIXTURE = Splitmix.json("/parity/roi_heads_box.json");

  @Test
  void headPredictorAndLosses_matchTorchvision() {
    TwoMlpHead head = new TwoMlpHead(12, 8);
    FastRcnnPredictor predictor = new FastRcnnPredictor(8, 4);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      head.initialize(manager, DataType.FLOAT32, new Shape(1, 12));
      predictor.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
      Map<String, Parameter> params = new LinkedHashMap<>();
      ModelParameters.of(head).forEach((k, v) -> params.put("box_head." + k, v));
      ModelParameters.of(predictor).forEach((k, v) -> params.put("box_predictor." + k, v));
      assertThat(params).hasSize(FIXTURE.get("parameters").size());
      Map<String, FloatTensor> headWeights = new LinkedHashMap<>();
      Map<String, FloatTensor> predictorWeights = new LinkedHashMap<>();
      for (JsonNode p : FIXTURE.get("parameters")) {
        String name = p.get("name").asText();
        assertThat(params).as(name).containsKey(name);
        int[] shape = Arrays.stream(Splitmix.longs(p.get("shape"))).mapToInt(v -> (int) v).toArray();
        FloatTensor t =
            new FloatTensor(shape, Splitmix.floats(p.get("stream").asLong(), (int) FloatTensor.numel(shape)));
        if (name.startsWith("box_head.")) {
          headWeights.put(name.substring("box_head.".length()), t);
        } else {
          predictorWeights.put(name.substring("box_predictor.".length()), t);
        }
      }
      assertThat(Weights.load(head, headWeights, "fixture", true).clean()).isTrue();
      assertThat(Weights.load(predictor, predictorWeights, "fixture", true).clean()).isTrue();
      NDArray x = Splitmix.array(manager, 80, 6, 3, 2, 2);
      x.setRequiresGradient(true);
      long[] labels = Splitmix.longs(FIXTURE.get("labels"));
      NDArray targets =
          manager.create(Splitmix.floats(81, 12), new Shape(3, 4))
              .concat(manager.create(Splitmix.floats(82, 12), new Shape(3, 4)), 0);
      ParameterStore ps = new ParameterStore(manager, false);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDList out = predictor.apply(ps, head.apply(ps, x, true), true);
        assertThat(Splitmix.maxAbsDiff(out.get(0).toFloatArray(), Splitmix.doubles(FIXTURE.get("classLogits"))))
            .isLessThan(1e-5);
        assertThat(Splitmix.maxAbsDiff(out.get(1).toFloatArray(), Splitmix.doubles(FIXTURE.get("boxRegression"))))
            .isLessThan(1e-5);
        FastRcnnLoss.Losses losses = FastRcnnLoss.compute(out.get(0), out.get(1), manager.create(labels), targets);
        assertThat((double) losses.classifier().getFloat()).isCloseTo(FIXTURE.get("classifierLoss").asDouble(), within(1e-5));
        assertThat((double) losses.boxRegression().getFloat()).isCloseTo(FIXTURE.get("boxLoss").asDouble(), within(1e-5));
        FastRcnnLoss.Losses none =
            FastRcnnLoss.compute(out.get(0), out.get(1), manager.zeros(new Shape(6), DataType.INT64), targets);
        assertThat(none.boxRegression().getFloat()).isZero();
        gc.backward(losses.classifier().add(losses.boxRegression().mul(2f)));
      }
      assertThat(Splitmix.maxAbsDiff(x.getGradient().toFloatArray(), Splitmix.doubles(FIXTURE.get("inputGrad"))))
          .isLessThan(1e-5);
      assertThat(
              Splitmix.maxAbsDiff(
                  params.get("box_head.fc6.weight").getArray().getGradient().toFloatArray(),
                  Splitmix.doubles(FIXTURE.get("fc6WeightGrad"))))
          .isLessThan(1e-5);
    }
  }
}
