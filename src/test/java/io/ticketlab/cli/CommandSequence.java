package io.ticketlab.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several command lines one after the other in this JVM (a child JVM of a test): arguments
 * separated by {@code ---}; exits with the first non-zero exit code. Used where a property of the
 * whole process matters (its umask).
 */
public final class CommandSequence {
  private CommandSequence() {}

  public static void main(String[] args) {
    List<String> current = new ArrayList<>();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("---");
    for (String a : all) {
      if (!a.equals("---")) {
        current.add(a);
        continue;
      }
      int code = Main.run(current.toArray(String[]::new));
      if (code != 0) {
        System.err.println("command failed (" + code + "): " + current);
        System.exit(code);
      }
      current.clear();
    }
    System.exit(0);
  }
}
