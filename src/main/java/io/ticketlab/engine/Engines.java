package io.ticketlab.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;

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

  /** The device TicketLab computes on: the first GPU when the engine sees one, else the CPU. */
  public static Device defaultDevice() {
    Engine engine = pytorch();
    return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** The native engine could not be loaded or does not work on this machine. */
  public static final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
