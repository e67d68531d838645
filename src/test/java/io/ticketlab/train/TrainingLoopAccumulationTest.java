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
    return train(parts, 1);
  }

  /**
   * Five SGD steps of a linear regression, each iteration's rows in {@code parts} parts shared by
   * {@code devices} copies of the model (all on the CPU: the data-parallel logic, not the device,
   * is under test). Returns the primary weights and the recorded losses.
   */
  private static float[][] train(int parts, int devices) {
    int[] calls = new int[devices];
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      List<Parameter> ws = new ArrayList<>();
      List<NDManager> managers = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        NDManager m = d == 0 ? manager : manager.newSubManager(Device.cpu());
        Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        // replicas start from other values: the loop must copy the primary's before training
        w.setArray(m.create(d == 0 ? new float[] {0.1f, -0.2f} : new float[] {7f, 7f}, new Shape(2)));
        w.getArray().setRequiresGradient(true);
        ws.add(w);
        managers.add(m);
      }
      java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.function.IntFunction<TrainingLoop.LossFunction<Rows>> lossOf =
          d -> (ps, rows) -> {
            calls[d]++;
            threads.add(Thread.currentThread().getName());
            NDArray p = ws.get(d).getArray();
            NDManager m = p.getManager();
            NDArray x = m.create(java.util.Arrays.copyOfRange(X, rows.from(), rows.to()));
            NDArray y = m.create(java.util.Arrays.copyOfRange(Y, rows.from(), rows.to()));
            NDArray pred = x.mul(p.get(0)).add(p.get(1));
            NDArray err = pred.sub(y);
            return Losses.single("mse", err.mul(err).mean());
          };
      Sgd sgd = new Sgd(Map.of("w", ws.get(0)), 0.9f, 1e-2f, n -> true);
      TrainingLoop.Builder<Rows> builder =
          TrainingLoop.<Rows>builder()
              .setManager(manager)
              .setOptimizer(sgd)
              .setSchedule(LrSchedule.constant(0.05, 0))
              .setLossFunction(lossOf.apply(0))
              .optMicroBatches(
                  rows -> {
                    List<Rows> out = new ArrayList<>();
                    int size = (rows.to() - rows.from()) / parts;
                    for (int i = 0; i < parts; i++) {
                      out.add(new Rows(rows.from() + i * size, rows.from() + (i + 1) * size));
                    }
                    return out;
                  });
      if (devices > 1) {
        List<TrainingLoop.Replica<Rows>> replicas = new ArrayList<>();
        for (int d = 1; d < devices; d++) {
          replicas.add(new TrainingLoop.Replica<>(managers.get(d), Map.of("w", ws.get(d)), lossOf.apply(d)));
        }
        builder.optDataParallel(Map.of("w", ws.get(0)), java.util.Set.of(), replicas, (rows, m) -> rows);
      }
      List<TrainingLoop.Record> log =
          builder.build().run(
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
      assertThat(java.util.Arrays.stream(calls).sum()).as("forward passes").isEqualTo(5 * parts);
      for (int d = 0; d < devices; d++) {
        assertThat(calls[d]).as("forward passes of device " + d).isEqualTo(5 * (parts / devices));
        // every replica holds the primary's updated weights
        assertThat(ws.get(d).getArray().toFloatArray()).containsExactly(ws.get(0).getArray().toFloatArray());
      }
      assertThat(threads).as("threads that forwarded").hasSize(devices);
      float[] totals = new float[log.size()];
      for (int i = 0; i < totals.length; i++) {
        totals[i] = (float) log.get(i).total();
      }
      return new float[][] {w0(ws), totals};
    }
  }

  private static float[] w0(List<Parameter> ws) {
    return ws.get(0).getArray().toType(DataType.FLOAT32, false).toFloatArray();
  }

  @Test
  void dataParallel_devicesShareTheParts_likeOneDevice() {
    float[][] one = train(4, 1);
    for (int devices : new int[] {2, 4}) {
      float[][] dp = train(4, devices);
      for (int i = 0; i < 2; i++) {
        assertThat(dp[0][i]).as(devices + " devices, weight " + i)
            .isCloseTo(one[0][i], org.assertj.core.data.Offset.offset(1e-5f));
      }
      for (int it = 0; it < one[1].length; it++) {
        assertThat(dp[1][it]).as(devices + " devices, loss of iteration " + it)
            .isCloseTo(one[1][it], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
    assertThat(one[0][0]).isNotEqualTo(0.1f);
  }

  @Test
  void dataParallel_needsAPartPerDevice() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> train(2, 4))
        .hasMessageContaining("2 part(s) cannot keep 4 devices busy");
  }

  @Test
  void detectionBatch_splitsIntoConsecutiveEqualParts() {
    java.util.Random r = new java.util.Random(1);
    List<NDArray> images = java.util.Arrays.asList(new NDArray[4]);
    List<io.ticketlab.model.boxes.DetectionTarget> targets = java.util.Arrays.asList(
        new io.ticketlab.model.boxes.DetectionTarget[4]);
    io.ticketlab.train.detect.DetectionBatch b = new io.ticketlab.train.detect.DetectionBatch(images, targets, r);
    assertThat(b.split(1)).containsExactly(b);
    List<io.ticketlab.train.detect.DetectionBatch> two = b.split(2);
    assertThat(two).hasSize(2);
    assertThat(two.get(0).images()).hasSize(2);
    // each part draws from its own generator, seeded in part order from the batch's
    assertThat(two.get(0).random()).isNotSameAs(two.get(1).random());
    java.util.Random again = new java.util.Random(1);
    List<io.ticketlab.train.detect.DetectionBatch> twoAgain =
        new io.ticketlab.train.detect.DetectionBatch(images, targets, again).split(2);
    assertThat(twoAgain.get(1).random().nextLong()).isEqualTo(two.get(1).random().nextLong());
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
