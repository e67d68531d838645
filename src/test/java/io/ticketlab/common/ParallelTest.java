package io.ticketlab.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work shared between the calling thread and helpers: order, concurrency, failures after all stop. */
class ParallelTest {
  private final ExecutorService pool = Parallel.pool(2, "test");

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void runAll_returnsResultsInOrder_andRunsAtTheSameTime() {
    // each piece waits until all three have started: passes only if they run concurrently
    CountDownLatch started = new CountDownLatch(3);
    java.util.function.IntFunction<java.util.function.Supplier<String>> piece = i -> () -> {
      started.countDown();
      try {
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return "r" + i + " on " + (Thread.currentThread().getName().startsWith("test-") ? "helper" : "caller");
    };
    List<String> out = Parallel.runAll(pool, piece.apply(0), List.of(piece.apply(1), piece.apply(2)));
    assertThat(out).containsExactly("r0 on caller", "r1 on helper", "r2 on helper");
  }

  @Test
  void failure_isRethrownAfterEveryPieceFinished() {
    AtomicBoolean slowDone = new AtomicBoolean();
    assertThatThrownBy(() -> Parallel.runAll(pool, () -> {
      throw new IllegalArgumentException("caller failed");
    }, List.of(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      slowDone.set(true);
      return 1;
    }, () -> {
      throw new IllegalStateException("helper failed");
    }))).isInstanceOf(IllegalArgumentException.class).hasMessage("caller failed");
    assertThat(slowDone).isTrue();
  }

  @Test
  void helperFailure_surfacesWithItsOwnType() {
    assertThatThrownBy(() -> Parallel.runAll(pool, () -> 0, List.of(() -> {
      throw new BadInputException("bad value in part 3");
    }))).isInstanceOf(BadInputException.class).hasMessage("bad value in part 3");
  }
}
