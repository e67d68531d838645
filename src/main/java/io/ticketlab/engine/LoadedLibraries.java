package io.ticketlab.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Which native libraries this process has mapped, read from Linux's {@code /proc/self/maps}: the
 * proof of where libtorch was really loaded from, whatever DJL was told.
 */
final class LoadedLibraries {
  private LoadedLibraries() {}

  /**
   * The folder of the mapped library named {@code fileName} (e.g. {@code libc10.so}), or null when
   * it is not mapped or the system has no {@code /proc/self/maps}.
   */
  static String folderOf(String fileName) {
    Path maps = Paths.get("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(maps, StandardCharsets.UTF_8)) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        Path file = Paths.get(line.substring(slash).replace(" (deleted)", ""));
        if (file.getFileName() != null && file.getFileName().toString().equals(fileName)) {
          return file.getParent().toString();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
