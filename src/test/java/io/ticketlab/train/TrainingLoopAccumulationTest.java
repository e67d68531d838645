package io.ticketlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.ticketlab.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gradient accumulation: a batch of eight rows in one part and the same rows in two or four parts
 * give the same SGD trajectory when the loss is a mean over rows (up to float rounding), and the
 * recorded loss is the parts' mean.
 */
@Tag("engine")
class TrainingLoopAccumulationTest {
  private static final float[] X = {1, 2, -1, 0.5f, 3, -2, 0.25f, 1.5f};
  private static final float[] Y = {2, 3, -1, 1, 5, -3, 0.5f, 2};

  /** Rows [from, to) of the regression data. */
  record Rows(int from, int to) {}

  private static float[][] train(int parts) {
    int[] calls = {0};
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      w.setArray(manager.create(new float[] {0.1f, -0.2f}, new Shape(2)));
      w.getArray().setRequiresGradient(true);
      Sgd sgd = new Sgd(Map.of("w", w), 0.9f, 1e-2f, n -> true);
      TrainingLoop<Rows> loop =
          TrainingLoop.<Rows>builder()
              .setEngine(engine)
              .setManager(manager)
              .setOptimizer(sgd)
              .setSchedule(LrSchedule.constant(0.05, 0))
              .setLossFunction(
                  (ps, rows) -> {
                    calls[0]++;
                    NDArray p = w.getArray();
                    NDManager m = p.getManager();
                    NDArray x = m.create(java.util.Arrays.copyOfRange(X, rows.from(), rows.to()));
                    NDArray y = m.create(java.util.Arrays.copyOfRange(Y, rows.from(), rows.to()));
                    NDArray pred = x.mul(p.get(0)).add(p.get(1));
                    NDArray err = pred.sub(y);
                    return Losses.single("mse", err.mul(err).mean());
                  })
              .optMicroBatches(
                  rows -> {
                    List<Rows> out = new ArrayList<>();
                    int size = (rows.to() - rows.from()) / parts;
                    for (int i = 0; i < parts; i++) {
                      out.add(new Rows(rows.from() + i * size, rows.from() + (i + 1) * size));
                    }
                    return out;
                  })
              .build();
      List<TrainingLoop.Record> log =
          loop.run(
              new BatchSource<>() {
                @Override
                public long iterationsPerEpoch() {
                  return 1;
                }

                @Override
                public Rows batch(long it, NDManager m) {
                  return new Rows(0, X.length);
                }
              },
              0,
              5);
      assertThat(calls[0]).as("forward passes").isEqualTo(5 * parts);
      float[] totals = new float[log.size()];
      for (int i = 0; i < totals.length; i++) {
        totals[i] = (float) log.get(i).total();
      }
      return new float[][] {w.getArray().toType(DataType.FLOAT32, false).toFloatArray(), totals};
    }
  }

  @Test
  void detectionBatch_splitsIntoConsecutiveEqualParts() {
    java.util.Random r = new java.util.Random(1);
    List<NDArray> images = java.util.Arrays.asList(new NDArray[4]);
    List<io.ticketlab.model.detector.DetectionTarget> targets = java.util.Arrays.asList(
        new io.ticketlab.model.detector.DetectionTarget[4]);
    io.ticketlab.train.detect.DetectionBatch b = new io.ticketlab.train.detect.DetectionBatch(images, targets, r);
    assertThat(b.split(1)).containsExactly(b);
    List<io.ticketlab.train.detect.DetectionBatch> two = b.split(2);
    assertThat(two).hasSize(2);
    assertThat(two.get(0).images()).hasSize(2);
    assertThat(two.get(1).random()).isSameAs(r);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.split(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 images into 3");
  }

  @Test
  void partsAverageTheirGradients_likeOneBatch() {
    float[][] one = train(1);
    float[][] two = train(2);
    float[][] four = train(4);
    // the weights moved, and the same way whatever the number of parts
    assertThat(one[0][0]).isNotEqualTo(0.1f);
    for (int i = 0; i < 2; i++) {
      assertThat(two[0][i]).isCloseTo(one[0][i], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(four[0][i]).isCloseTo(one[0][i], org.assertj.core.data.Offset.offset(1e-5f));
    }
    // recorded losses: the mean of the parts' losses = the whole batch's mean squared error
    for (int it = 0; it < one[1].length; it++) {
      assertThat(two[1][it]).isCloseTo(one[1][it], org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(four[1][it]).isCloseTo(one[1][it], org.assertj.core.data.Offset.offset(1e-4f));
    }
    assertThat(one[1][4]).isLessThan(one[1][0]);
  }
}
