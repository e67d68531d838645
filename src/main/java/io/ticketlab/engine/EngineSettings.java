package io.ticketlab.engine;

import java.nio.file.Path;

/**
 * How the native engine starts: offline, without usage tracking, from the bundled native jar, with
 * a thread count taken from the machine unless the user chose one. Everything here must happen
 * before DJL loads the engine, so every entry into the engine goes through {@link Engines}.
 */
public final class EngineSettings {
  private static volatile Integer threads;
  private static volatile DeviceChoice devices = DeviceChoice.auto();
  private static volatile LocalLibtorch localLibtorch;

  /** DJL's switches for a libtorch outside its jars: folder, version, flavour. */
  static final String[] PYTORCH_SWITCHES = {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR"};

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

  /** Where commands compute ({@code --device}); read by {@link Engines#devices()}. */
  public static void setDevices(DeviceChoice choice) {
    devices = java.util.Objects.requireNonNull(choice, "devices");
  }

  /** The device choice in force ({@code auto} unless {@code --device} said otherwise). */
  public static DeviceChoice devices() {
    return devices;
  }

  /**
   * Loads the engine from a checked local libtorch ({@link LocalLibtorch}) instead of the bundled
   * one; {@code null} goes back to the bundled one. Effective if called before the engine loads.
   *
   * @throws io.ticketlab.common.BadInputException when the environment already sets one of DJL's
   *     {@code PYTORCH_*} switches to another value (DJL reads the environment first)
   */
  public static void useLocalLibtorch(LocalLibtorch libtorch) {
    if (libtorch != null) {
      String[] values = switchValues(libtorch);
      for (int i = 0; i < PYTORCH_SWITCHES.length; i++) {
        String env = System.getenv(PYTORCH_SWITCHES[i]);
        if (env != null && !env.equals(values[i])) {
          throw new io.ticketlab.common.BadInputException(
              libtorch.origin() + " " + libtorch.dir() + ": the environment sets " + PYTORCH_SWITCHES[i] + "="
                  + env + ", which DJL prefers; unset it");
        }
      }
    }
    localLibtorch = libtorch;
  }

  /** The local libtorch in use, or null for the bundled one. */
  public static LocalLibtorch localLibtorch() {
    return localLibtorch;
  }

  private static String[] switchValues(LocalLibtorch l) {
    return new String[] {l.dir().toString(), l.version(), l.flavor()};
  }

  /** Unpack the native engine into {@code dir} instead of DJL's default cache folder. */
  public static void setEngineCacheDir(Path dir) {
    System.setProperty("ENGINE_CACHE_DIR", dir.toAbsolutePath().toString());
  }

  /**
   * DJL's switches for offline start-up and no tracking, set as system properties so that users
   * need not export environment variables. PyTorch version and flavor are left unset on purpose:
   * DJL then uses the bundled {@code pytorch-native-*} jar, unless a {@link LocalLibtorch} is in
   * use: then DJL's {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR}
   * name it (the flavour must be given: unset, DJL asks for {@code cpu-precxx11} on Linux, which has
   * no JNI library in the jar, and would try to download one).
   */
  static void applyStartupSwitches() {
    LocalLibtorch local = localLibtorch;
    if (local != null) {
      String[] values = switchValues(local);
      for (int i = 0; i < PYTORCH_SWITCHES.length; i++) {
        System.setProperty(PYTORCH_SWITCHES[i], values[i]);
      }
    }
    capOneDnnIsa();
    NativeMemory.tune();
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("DJL_OFFLINE", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    } else {
      setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads()));
    }
  }

  /** The environment variable that hands this process's choice to its children. */
  static final String CHOICE_ENV = "TICKETLAB_ONEDNN_CHOICE";

  private static volatile String oneDnnIsa;
  private static volatile String oneDnnIsaReason;

  /**
   * Sets oneDNN's instruction-set cap before libtorch loads: see {@link OneDnnIsa} (oneDNN
   * kernels give wrong float32 convolutions for some shapes on some VMs; a one-time probe per
   * machine decides the cap and whether {@link Convolutions}' rewrites are on). A value the user
   * put in {@code ONEDNN_MAX_CPU_ISA} is kept, with the rewrites on (they are exact everywhere).
   *
   * <p>The cap is set in the process's environment, which child processes (sweep cells, probes, a
   * test's child JVM) inherit; so is the whole choice, as {@link #CHOICE_ENV}: a child that finds
   * both, agreeing, makes the same choice, rewrites included, instead of taking the inherited cap
   * for the user's and computing with other kernels than its parent (seen: a killed and resumed
   * lottery whose first part ran in a child JVM diverged from the uninterrupted run at iteration 0).
   */
  static void capOneDnnIsa() {
    if (oneDnnIsa != null) {
      return;
    }
    String user = System.getenv("ONEDNN_MAX_CPU_ISA");
    if (user != null && !user.isBlank()) {
      OneDnnIsa.checkUserCap(user);
      OneDnnIsa.Choice inherited = new OneDnnIsa.Choice(System.getenv(CHOICE_ENV), "");
      if (inherited.isa() != null && user.equals(inherited.cap())) {
        oneDnnIsa = inherited.isa();
        oneDnnIsaReason = "chosen by the parent process (" + CHOICE_ENV + "=" + inherited.isa() + ")";
        if (inherited.rewrites()) {
          Convolutions.setRewriting(true);
        }
        return;
      }
      // the user's cap, with the rewrites: they are exact on every machine, and nothing says that
      // this cap's kernels are right for every shape (AVX2's are not on some VMs)
      Convolutions.setRewriting(true);
      oneDnnIsa = user;
      oneDnnIsaReason = "set in the environment (shapes some kernels get wrong are rewritten)";
      return;
    }
    OneDnnIsa.Choice choice = OneDnnIsa.choose();
    if (choice.isa() == null) {
      oneDnnIsa = "none";
    } else {
      String value = NativeStderr.setNativeEnvIfAbsent("ONEDNN_MAX_CPU_ISA", choice.cap());
      oneDnnIsa = value == null ? "unknown" : value;
      if (choice.cap().equals(value)) {
        NativeStderr.setNativeEnvIfAbsent(CHOICE_ENV, choice.isa());
        if (choice.rewrites()) {
          Convolutions.setRewriting(true);
          oneDnnIsa = choice.isa();
        }
      }
    }
    oneDnnIsaReason = choice.reason();
  }

  /**
   * The oneDNN ISA cap in force ({@code ONEDNN_MAX_CPU_ISA}), once the engine has started;
   * with {@code _ROUTED} appended ({@code ALL_ROUTED}, {@code AVX2_ROUTED}) when {@link
   * Convolutions}' rewrites are on.
   */
  public static String oneDnnIsa() {
    return oneDnnIsa == null ? "not set" : oneDnnIsa;
  }

  /** How the engine's native memory is managed (see {@link NativeMemory}). */
  public static String nativeMemory() {
    return NativeMemory.state();
  }

  /** Why that cap was chosen. */
  public static String oneDnnIsaReason() {
    return oneDnnIsaReason == null ? "" : oneDnnIsaReason;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
