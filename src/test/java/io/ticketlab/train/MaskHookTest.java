package io.ticketlab.train;

import io.ticketlab.prune.MagnitudePruning;

import io.ticketlab.prune.Mask;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.model.nn.Weights;
import io.ticketlab.train.Losses;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.TrainingLoop;
import io.ticketlab.train.classify.ClassificationTrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("engine")
class MaskHookTest {
  @Test
  void prunedWeights_stayExactlyZeroUnderMomentumAndWeightDecay() {
    Engine engine = Engines.pytorch();
    engine.setRandomSeed(1);
    ResNet model = new ResNet(new ResNetConfig(18, 0.125, 4, false, 3));
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
      Map<String, FloatTensor> w = Weights.read(model);
      Map<String, int[]> prunable = new LinkedHashMap<>();
      w.forEach((n, t) -> {
        if (n.endsWith("conv1.weight") || n.endsWith("conv2.weight") || n.equals("fc.weight")) {
          prunable.put(n, t.shape());
        }
      });
      Mask mask = MagnitudePruning.global().prune(w, Mask.ones(prunable), 0.2);
      MaskHook hook = new MaskHook(ModelParameters.of(model), mask, manager);
      hook.apply();
      Sgd sgd = ClassificationTrainer.optimizer(model, 0.9f, 1e-2f);
      var x = manager.randomNormal(new Shape(8, 3, 32, 32));
      var y = manager.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
      TrainingLoop<Integer> loop =
          TrainingLoop.<Integer>builder()
              .setManager(manager)
              .setOptimizer(sgd)
              .setSchedule(LrSchedule.constant(0.05, 0))
              .setLossFunction((ps, b) -> Losses.single("ce", ClassificationTrainer.crossEntropy(model.logits(ps, x, true), y)))
              .addHook(hook)
              .build();
      List<TrainingLoop.Record> log = loop.run(new io.ticketlab.train.BatchSource<>() {
        @Override public long iterationsPerEpoch() { return 1; }
        @Override public Integer batch(long it, NDManager m) { return (int) it; }
      }, 0, 25);
      assertThat(log.get(24).total()).isLessThan(log.get(0).total());

      Map<String, FloatTensor> after = Weights.read(model);
      long zerosExpected = mask.total() - mask.kept();
      long zeros = 0;
      boolean changed = false;
      for (String name : mask.names()) {
        float[] now = after.get(name).data();
        float[] before = w.get(name).data();
        for (int i = 0; i < now.length; i++) {
          if (!mask.get(name).get(i)) {
            // +0.0 exactly (not -0.0, which the bit-exact sparse formats would store as a value)
            assertThat(Float.floatToRawIntBits(now[i])).as(name + "[" + i + "] bits").isZero();
            zeros++;
          } else if (now[i] != before[i]) {
            changed = true;
          }
        }
      }
      assertThat(zeros).isEqualTo(zerosExpected);
      assertThat(changed).as("kept weights trained").isTrue();
      assertThat(after.get("layer1.0.bn1.weight").countZeros()).isZero();
    }
  }
}
