package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;

/**
 * The check every bad-input corpus runs on each case: through the real command line (in-process
 * {@link Main}), exit 2, exactly one stderr line without a stack trace that holds every expected
 * fragment, and no file below the fixture folder added, changed or removed.
 */
final class BadInputCorpus {
  /** One malformed input: its name, the command line, and what the one error line must contain. */
  record Case(String name, List<String> args, List<String> mustContain) {}

  private BadInputCorpus() {}

  /**
   * Runs {@code c} and checks it against the contract; {@code guard} bounds the run (a case that is
   * wrongly accepted would start training), null for none.
   */
  static void check(Case c, Path root, Duration guard, String... forbidden) throws IOException {
    Map<String, Long> before = snapshot(root);
    MainTest.Outcome o = guard == null
        ? MainTest.run(c.args().toArray(String[]::new))
        : Assertions.assertTimeoutPreemptively(guard, () -> MainTest.run(c.args().toArray(String[]::new)),
            () -> "accepted and still running: " + c.args());
    String err = o.err().strip();
    assertThat(o.exitCode()).as("exit code of %s; stderr: %s", c.args(), err).isEqualTo(2);
    assertThat(err.lines().count()).as("one line on stderr: %s", err).isEqualTo(1);
    assertThat(err).as("stderr").doesNotContain("Exception", "internal error", "\tat ");
    for (String f : forbidden) {
      assertThat(err).as("stderr").doesNotContain(f);
    }
    for (String fragment : c.mustContain()) {
      assertThat(err).as("stderr").contains(fragment);
    }
    assertThat(snapshot(root)).as("files after %s", c.args()).isEqualTo(before);
  }

  /** Every file below {@code root} with its size (folders as -1). */
  static Map<String, Long> snapshot(Path root) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        files.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.size(p) : -1L);
      }
    }
    return files;
  }

  /** Deletes the fixture folder. */
  static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
