package io.ticketlab.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * A developer's switch: {@code -Dticketlab.profile=FILE:ITERATION} (for example through
 * {@code TICKETLAB_JAVA_OPTS}) records one training iteration with libtorch's profiler and writes
 * its Chrome trace (operator names, input shapes, times) to FILE. Off unless the property is set.
 */
final class EngineProfile {
  private static final EngineProfile OFF = new EngineProfile(null, -1);
  private final String file;
  private final long iteration;

  private EngineProfile(String file, long iteration) {
    this.file = file;
    this.iteration = iteration;
  }

  static EngineProfile fromProperty() {
    String value = System.getProperty("ticketlab.profile");
    if (value == null || value.isBlank()) {
      return OFF;
    }
    int colon = value.lastIndexOf(':');
    try {
      return colon < 0
          ? new EngineProfile(value, 10)
          : new EngineProfile(value.substring(0, colon), Long.parseLong(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ticketlab.profile must be FILE or FILE:ITERATION, got " + value, e);
    }
  }

  void beforeIteration(long it) {
    if (it == iteration) {
      JniUtils.startProfile(false, true, false);
    }
  }

  void afterIteration(long it) {
    if (it == iteration) {
      JniUtils.stopProfile(file);
    }
  }
}
