package io.ticketlab.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.ticketlab.engine.Engines;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Benchmark (not a test): time from JVM start to a loaded PyTorch engine, and to the result of a
 * first small convolution. {@code bench/engine-startup.sh} runs it several times in fresh JVMs.
 */
public final class EngineStartupBenchmark {
  private EngineStartupBenchmark() {}

  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.currentTimeMillis();
    Engine engine = Engines.pytorch();
    long loaded = System.currentTimeMillis();
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      float v =
          Conv2d.conv2d(m.ones(new Shape(1, 3, 32, 32)), m.ones(new Shape(8, 3, 3, 3)))
              .singletonOrThrow()
              .sum()
              .getFloat();
      long first = System.currentTimeMillis();
      System.out.printf(
          Locale.ROOT,
          "jvm-to-main %d ms, engine load %d ms, first conv %d ms, total since JVM start %d ms (%.0f)%n",
          t0 - jvmStart,
          loaded - t0,
          first - loaded,
          first - jvmStart,
          v);
    }
  }
}
