package io.ticketlab.engine;

import java.io.File;
import java.nio.file.Paths;

/** Helpers for the child JVMs of the engine probes. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * The {@code -D} options that make a child JVM load the same engine as this one: the engine
   * cache folders, the thread count and DJL's {@code PYTORCH_*} switches of a local libtorch.
   */
  static java.util.List<String> engineProperties(String... keys) {
    java.util.List<String> out = new java.util.ArrayList<>();
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(keys));
    all.addAll(java.util.List.of(EngineSettings.PYTORCH_SWITCHES));
    for (String key : all) {
      String value = System.getProperty(key);
      if (value != null) {
        out.add("-D" + key + "=" + value);
      }
    }
    return out;
  }

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
