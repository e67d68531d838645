package io.ticketlab.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import io.ticketlab.common.BadInputException;
import java.util.List;

/**
 * The one way into the native engine. Applies {@link EngineSettings} (offline, no tracking,
 * threads) before DJL loads PyTorch, and turns a failed load into a clear message.
 */
public final class Engines {
  /** DJL's name of the PyTorch engine. */
  public static final String PYTORCH = "PyTorch";

  private Engines() {}

  /** The PyTorch engine, loaded on first use with TicketLab's start-up switches. */
  public static synchronized Engine pytorch() {
    EngineSettings.applyStartupSwitches();
    try {
      return Engine.getEngine(PYTORCH);
    } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
      throw new EngineUnavailableException(
          "the PyTorch engine did not load: "
              + e.getMessage()
              + " (is the pytorch-native jar for this platform on the class path?)",
          e);
    }
  }

  /**
   * The devices of the {@code --device} choice ({@link EngineSettings#devices}), the primary one
   * first: one for a single device, several for data-parallel training.
   *
   * @throws BadInputException naming {@code --device} when it asks for a GPU the engine lacks
   */
  public static List<Device> devices() {
    DeviceChoice choice = EngineSettings.devices();
    try {
      return choice.resolve(pytorch().getGpuCount());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--device: bad value " + choice + ": " + e.getMessage());
    }
  }

  /**
   * Checks a {@code --device} choice that names GPUs before a command starts, whether or not the
   * command computes on the engine (so that {@code eval --device gpu} fails like {@code train}): on
   * the bundled CPU build without loading the engine, else against the GPUs the engine sees.
   *
   * @throws BadInputException naming {@code --device} when it asks for a GPU the engine lacks
   */
  public static void checkDeviceChoice() {
    DeviceChoice choice = EngineSettings.devices();
    if (choice.kind() == DeviceChoice.Kind.AUTO || choice.kind() == DeviceChoice.Kind.CPU) {
      return;
    }
    int gpus = bundledBuildIsCpuOnly() ? 0 : pytorch().getGpuCount();
    try {
      choice.resolve(gpus);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--device: bad value " + choice + ": " + e.getMessage());
    }
  }

  /**
   * Whether the engine that would load is CPU-only: a {@link LocalLibtorch} of flavour {@code cpu},
   * or the bundled libtorch when every {@code native/lib/pytorch.properties} on the class path says
   * {@code flavor=cpu} and nothing points DJL at another libtorch.
   */
  static boolean bundledBuildIsCpuOnly() {
    LocalLibtorch local = EngineSettings.localLibtorch();
    if (local != null) {
      return local.flavor().equals("cpu");
    }
    for (String name : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION"}) {
      if (System.getenv(name) != null || System.getProperty(name) != null) {
        return false;
      }
    }
    try {
      java.util.Enumeration<java.net.URL> found =
          Engines.class.getClassLoader().getResources("native/lib/pytorch.properties");
      boolean any = false;
      while (found.hasMoreElements()) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = found.nextElement().openStream()) {
          p.load(in);
        }
        if (!"cpu".equals(p.getProperty("flavor"))) {
          return false;
        }
        any = true;
      }
      return any;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The primary device of the {@code --device} choice (where single-device work runs). */
  public static Device device() {
    return devices().get(0);
  }

  /** The native engine could not be loaded or does not work on this machine. */
  public static final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
