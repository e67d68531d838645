package io.ticketlab.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options that every command accepts. They are inherited by all subcommands, so
 * {@code ticketlab doctor --threads 2} and {@code ticketlab --threads 2 doctor} mean the same. The
 * values land in {@link RunSettings}, which the engine and the error handlers read.
 */
public final class GlobalOptions {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and debug logging.")
  void setVerbose(boolean verbose) {
    RunSettings.setVerbose(verbose);
  }

  @Option(
      names = "--threads",
      scope = ScopeType.INHERIT,
      paramLabel = "N",
      description = "Threads of the engine's CPU kernels (default: all cores).")
  void setThreads(int threads) {
    if (threads < 1) {
      throw new io.ticketlab.common.BadInputException(
          "--threads: bad value " + threads + ": must be at least 1");
    }
    RunSettings.setThreads(threads);
  }

  @Option(
      names = "--device",
      scope = ScopeType.INHERIT,
      paramLabel = "DEVICE",
      description = "Where to compute: auto (default: the first GPU when the engine sees CUDA, else the CPU), cpu, "
          + "gpu, gpu:N, gpu:0,1,... or gpus (several GPUs: data-parallel training).")
  void setDevice(String device) {
    try {
      RunSettings.setDevices(io.ticketlab.engine.DeviceChoice.parse(device));
    } catch (IllegalArgumentException e) {
      throw new io.ticketlab.common.BadInputException(
          "--device: bad value " + device + ": " + e.getMessage());
    }
  }

  @Option(
      names = "--engine-cache",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Folder where the native engine is unpacked (default: DJL's cache folder).")
  void setEngineCache(Path dir) {
    RunSettings.setEngineCache(dir);
  }

  @Option(
      names = "--libtorch",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Load the engine from this local libtorch " + io.ticketlab.engine.LocalLibtorch.REQUIRED_VERSION
          + " folder (e.g. torch/lib of a pip PyTorch, CPU or CUDA) instead of the bundled CPU one;"
          + " default: $" + io.ticketlab.engine.LocalLibtorch.ENV + ". Checked at start-up.")
  void setLibtorch(Path dir) {
    RunSettings.setLibtorch(dir);
  }
}
