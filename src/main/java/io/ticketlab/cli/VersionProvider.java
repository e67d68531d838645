package io.ticketlab.cli;

import io.ticketlab.engine.Versions;
import picocli.CommandLine.IVersionProvider;

/** {@code ticketlab --version}: TicketLab's, DJL's and the bundled PyTorch's versions. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {
      "TicketLab " + Versions.ticketlab(),
      "DJL " + Versions.djl(),
      "PyTorch " + Versions.pytorch() + " (" + Versions.nativeFlavor() + ", " + Versions.nativeClassifier() + ")",
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
