package io.ticketlab.engine;

import java.io.File;
import java.nio.file.Paths;

/** Helpers for the child JVMs of the engine probes. */
final class ChildJvm {
  private ChildJvm() {}

  /** This JVM's class path with absolute entries (children may run in another folder). */
  static String absoluteClassPath() {
    StringBuilder sb = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(File.pathSeparatorChar);
      }
      sb.append(entry.endsWith("*") ? entry : Paths.get(entry).toAbsolutePath().toString());
    }
    return sb.toString();
  }
}
