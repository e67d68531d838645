package io.ticketlab.engine;

import java.nio.file.Path;

/**
 * How the native engine starts: offline, without usage tracking, from the bundled native jar, with
 * a thread count taken from the machine unless the user chose one. Everything here must happen
 * before DJL loads the engine, so every entry into the engine goes through {@link Engines}.
 */
public final class EngineSettings {
  private static volatile Integer threads;

  private EngineSettings() {}

  /** Sets the engine's intra-op thread count; effective if called before the engine loads. */
  public static void setThreads(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("Invalid thread count: " + count);
    }
    threads = count;
  }

  /** The intra-op thread count the engine gets: {@code --threads}, or all cores. */
  public static int threads() {
    Integer t = threads;
    return t != null ? t : Runtime.getRuntime().availableProcessors();
  }

  /** Unpack the native engine into {@code dir} instead of DJL's default cache folder. */
  public static void setEngineCacheDir(Path dir) {
    System.setProperty("ENGINE_CACHE_DIR", dir.toAbsolutePath().toString());
  }

  /**
   * DJL's switches for offline start-up and no tracking, set as system properties so that users
   * need not export environment variables. PyTorch version and flavor are left unset on purpose:
   * DJL then uses the bundled {@code pytorch-native-*} jar.
   */
  static void applyStartupSwitches() {
    capOneDnnIsa();
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("DJL_OFFLINE", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    } else {
      setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads()));
    }
  }

  /** The oneDNN instruction-set cap TicketLab sets unless the user chose one. */
  public static final String ONEDNN_ISA_DEFAULT = "AVX2";

  private static volatile String oneDnnIsa;

  /**
   * Caps oneDNN's CPU kernels at AVX2 ({@code ONEDNN_MAX_CPU_ISA}) before libtorch loads. On some
   * virtual machines the AVX-512 "brgemm" convolution kernels compute wrong (even NaN) gradients for
   * convolutions with few channels — measured here: 3→8 channel 7×7 and 8→8 channel 3×3
   * convolutions — while the AVX2 kernels are exact. Correct before fast: the cap is the default; a
   * user whose machine passes {@code ticketlab doctor} without it can set {@code
   * ONEDNN_MAX_CPU_ISA=ALL}. (The separate SIGFPE of 1×1 stride-2 backward passes happens with
   * either ISA; models avoid that convolution form.)
   */
  static void capOneDnnIsa() {
    if (oneDnnIsa == null) {
      String value = NativeStderr.setNativeEnvIfAbsent("ONEDNN_MAX_CPU_ISA", ONEDNN_ISA_DEFAULT);
      oneDnnIsa = value == null ? "unknown" : value;
    }
  }

  /** The oneDNN ISA cap in force ({@code ONEDNN_MAX_CPU_ISA}), once the engine has started. */
  public static String oneDnnIsa() {
    return oneDnnIsa == null ? "not set" : oneDnnIsa;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
