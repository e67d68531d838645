package io.ticketlab.cli;

import io.ticketlab.engine.EngineSettings;
import java.nio.file.Path;

/** Settings of the current command-line invocation, set by {@link GlobalOptions}. */
public final class RunSettings {
  private static volatile boolean verbose;

  private RunSettings() {}

  static void setVerbose(boolean value) {
    verbose = value;
    Logging.setVerbose(value);
  }

  static void setThreads(int threads) {
    EngineSettings.setThreads(threads);
  }

  static void setDevices(io.ticketlab.engine.DeviceChoice choice) {
    EngineSettings.setDevices(choice);
  }

  static void setEngineCache(Path dir) {
    EngineSettings.setEngineCacheDir(dir);
  }

  /** Whether {@code --verbose} was given. */
  public static boolean verbose() {
    return verbose;
  }

  /** Back to the defaults; for tests that run several command lines in one JVM. */
  static void reset() {
    verbose = false;
    Logging.setVerbose(false);
    EngineSettings.setDevices(io.ticketlab.engine.DeviceChoice.auto());
  }
}
