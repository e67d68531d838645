package io.ticketlab.cli;

import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.LocalLibtorch;
import java.nio.file.Path;

/** Settings of the current command-line invocation, set by {@link GlobalOptions}. */
public final class RunSettings {
  private static volatile boolean verbose;
  private static volatile Path libtorch;
  /** Where {@code TICKETLAB_LIBTORCH} is read from; tests replace it. */
  static volatile java.util.function.UnaryOperator<String> environment = System::getenv;

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

  static void setLibtorch(Path dir) {
    libtorch = dir;
  }

  /**
   * Checks the local libtorch of {@code --libtorch} (else {@code TICKETLAB_LIBTORCH}) and hands it
   * to the engine settings; without either the bundled libtorch stays in use.
   *
   * @throws io.ticketlab.common.BadInputException naming the folder and what is wrong with it
   */
  static void applyLibtorch() {
    Path dir = libtorch;
    String origin = LocalLibtorch.OPTION;
    if (dir == null) {
      String env = environment.apply(LocalLibtorch.ENV);
      if (env == null || env.isBlank()) {
        return;
      }
      dir = Path.of(env);
      origin = LocalLibtorch.ENV;
    }
    EngineSettings.useLocalLibtorch(LocalLibtorch.inspect(dir, origin));
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
    libtorch = null;
    EngineSettings.useLocalLibtorch(null);
  }
}
