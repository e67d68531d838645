package io.ticketlab.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions that the build recorded: TicketLab's, DJL's and the bundled native PyTorch's. */
public final class Versions {
  private static final Properties PROPS = load();

  private Versions() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("/io/ticketlab/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public static String ticketlab() {
    return PROPS.getProperty("ticketlab.version", "unknown");
  }

  public static String djl() {
    return PROPS.getProperty("djl.version", "unknown");
  }

  /**
   * The git commit the build came from ({@code -dirty} when it had uncommitted changes), or null
   * when it was not built from a git checkout.
   */
  public static String gitCommit() {
    String c = PROPS.getProperty("git.commit", "");
    if (c.isBlank() || c.startsWith("${")) {
      return null;
    }
    return "true".equals(PROPS.getProperty("git.dirty")) ? c + "-dirty" : c;
  }

  /** The PyTorch version of the native jar TicketLab was built with. */
  public static String pytorch() {
    return PROPS.getProperty("pytorch.version", "unknown");
  }

  /** {@code cpu}, or the CUDA flavor (e.g. {@code cu124}) the build selected. */
  public static String nativeFlavor() {
    return PROPS.getProperty("pytorch.native.flavor", "unknown");
  }

  /** The platform classifier of the native jar, e.g. {@code linux-x86_64}. */
  public static String nativeClassifier() {
    return PROPS.getProperty("pytorch.native.classifier", "unknown");
  }
}
