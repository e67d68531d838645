package io.ticketlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.ticketlab.common.StopRequest;
import io.ticketlab.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A stop request (SIGTERM/SIGINT through {@link StopRequest}'s shutdown hook) that arrives during
 * an iteration ends the loop once that iteration and its checkpoint are done: never in the middle.
 */
@Tag("engine")
class TrainingLoopStopTest {

  @Test
  void stopRequestedDuringAnIteration_endsAfterItAndItsCheckpoint() {
    List<Long> saved = new ArrayList<>();
    List<Long> recorded = new ArrayList<>();
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      w.setArray(manager.create(new float[] {0.5f}, new Shape(1)));
      w.getArray().setRequiresGradient(true);
      TrainingLoop<Long> loop = TrainingLoop.<Long>builder()
          .setManager(manager)
          .setOptimizer(new Sgd(Map.of("w", w), 0.9f, 0f, n -> true))
          .setSchedule(LrSchedule.constant(0.1, 0))
          .setLossFunction((ps, it) -> {
            NDArray e = w.getArray().sub(manager.create(new float[] {2f}, new Shape(1)));
            return Losses.single("mse", e.mul(e).mean());
          })
          .optRecordListener(r -> recorded.add(r.iteration()))
          .optCheckpoints((it, sgd) -> saved.add(it), 2, 3, 10)
          .build();
      BatchSource<Long> data = new BatchSource<>() {
        @Override
        public long iterationsPerEpoch() {
          return 10;
        }

        @Override
        public Long batch(long iteration, NDManager m) {
          if (iteration == 2) {
            StopRequest.request(); // the signal arrives while iteration 2 runs
          }
          return iteration;
        }
      };
      assertThatThrownBy(() -> loop.run(data, 0, 10))
          .isInstanceOf(StopRequest.StoppedException.class)
          .hasMessageStartingWith("stopped by a signal after iteration 3");
    } finally {
      StopRequest.reset();
    }
    assertThat(recorded).containsExactly(0L, 1L, 2L);
    assertThat(saved).as("checkpoints written before stopping").containsExactly(2L, 3L);
  }
}
