package io.ticketlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Gradient recording for the calling thread. The engine's grad mode is a per-thread switch, so
 * several threads (one per device in data-parallel training) can record and backpropagate at
 * once; DJL's {@code GradientCollector} allows only one collector in the whole process.
 */
public final class Autograd {
  private Autograd() {}

  /** Runs {@code work} with gradient recording on in this thread, restoring the mode after. */
  public static <T> T recording(Supplier<T> work) {
    return withGradMode(true, work);
  }

  /** Runs {@code work} with gradient recording off in this thread (inference), restoring the mode after. */
  public static <T> T notRecording(Supplier<T> work) {
    return withGradMode(false, work);
  }

  private static <T> T withGradMode(boolean mode, Supplier<T> work) {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(mode);
    try {
      return work.get();
    } finally {
      JniUtils.setGradMode(before);
    }
  }

  /**
   * Backpropagates a scalar: adds d{@code loss}/d(leaf) to the gradient of every leaf that
   * requires one ({@code loss.backward()}), freeing the graph.
   */
  public static void backward(NDArray loss) {
    try (NDArray seed = loss.onesLike()) {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
    }
  }
}
