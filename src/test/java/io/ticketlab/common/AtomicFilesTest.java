package io.ticketlab.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void write_createsFoldersAndContent() throws IOException {
    Path target = dir.resolve("a/b/out.json");
    AtomicFiles.writeString(target, "{\"ok\": true}");
    assertThat(Files.readString(target)).isEqualTo("{\"ok\": true}");
    assertThat(listing(target.getParent())).containsExactly("out.json");
  }

  @Test
  void failedWrite_leavesOldContentAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("metrics.csv");
    AtomicFiles.writeString(target, "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(listing(dir)).containsExactly("metrics.csv");
  }

  @Test
  void write_givesTheProcessUmaskPermissionsNotTempFile0600() throws Exception {
    Path target = dir.resolve("shared.json");
    AtomicFiles.writeString(target, "{}");
    // 0666 minus this process's umask (0644 under the usual 022), as `touch` gives
    Path reference = dir.resolve("reference");
    Process touch = new ProcessBuilder("sh", "-c", "touch '" + reference + "'").start();
    assertThat(touch.waitFor()).isZero();
    assertThat(java.nio.file.Files.getPosixFilePermissions(target))
        .isEqualTo(java.nio.file.Files.getPosixFilePermissions(reference));
    Path sub = dir.resolve("made/by/write");
    AtomicFiles.writeString(sub.resolve("x"), "x");
    Process mkdir = new ProcessBuilder("sh", "-c", "mkdir '" + dir.resolve("refdir") + "'").start();
    assertThat(mkdir.waitFor()).isZero();
    assertThat(Files.getPosixFilePermissions(sub))
        .isEqualTo(Files.getPosixFilePermissions(dir.resolve("refdir")));
  }

  @Test
  void write_toAFolder_namesTheTargetAndLeavesTheFolder() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("out"));
    assertThatThrownBy(() -> AtomicFiles.writeString(folder, "x"))
        .isInstanceOf(BadInputException.class)
        .hasMessage(folder + ": is a folder, expected a file to write");
    assertThat(Files.isDirectory(folder)).isTrue();
    assertThat(listing(dir)).containsExactly("out");
  }

  @Test
  void write_belowAFile_namesTheTargetAndTheFileInTheWay() throws IOException {
    Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> AtomicFiles.writeString(file.resolve("a/b.json"), "x"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(file.resolve("a/b.json") + ": ")
        .hasMessageContaining(file + " is a file");
  }

  @Test
  void write_inAFolderThatCannotBeWritten_namesTheTargetNotTheTemporaryFile() throws IOException {
    Path readOnly = Files.createDirectories(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      if (canCreateIn(readOnly)) {
        readOnly = Path.of("/sys"); // root ignores permissions; /sys refuses even root
      }
      org.junit.jupiter.api.Assumptions.assumeFalse(canCreateIn(readOnly), "no unwritable folder here");
      Path target = readOnly.resolve("results.json");
      assertThatThrownBy(() -> AtomicFiles.writeString(target, "[]"))
          .isInstanceOf(BadInputException.class)
          .hasMessage(target + ": permission denied (cannot write in " + readOnly + ")");
    } finally {
      Files.setPosixFilePermissions(dir.resolve("ro"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void removeStaleTemporaries_deletesThoseOfDeadProcessesOnly() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run/level_1"));
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    long deadPid = dead.pid();
    long livePid = ProcessHandle.current().pid();
    String host = hostTagOfATemporary();
    Path ofDead = run.resolve(".checkpoint_5.tlck." + host + "-" + deadPid + "-1a2b.tmp");
    Path ofLive = run.resolve(".metrics.csv." + host + "-" + livePid + "-3c4d.tmp");
    Path otherHostFresh = run.resolve(".eval.json.otherhost-" + deadPid + "-5e.tmp");
    Path legacyOld = run.resolve(".results.json.9596326944661421545.tmp");
    Path legacyFresh = run.resolve(".mask.json.1234567890123.tmp");
    Path userFile = run.resolve("notes.tmp");
    for (Path p : List.of(ofDead, ofLive, otherHostFresh, legacyOld, legacyFresh, userFile)) {
      Files.writeString(p, "half");
    }
    Files.setLastModifiedTime(legacyOld, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofDays(3))));
    assertThat(AtomicFiles.removeStaleTemporaries(dir.resolve("run")))
        .containsExactlyInAnyOrder(ofDead, legacyOld);
    assertThat(listing(run)).containsExactlyInAnyOrder(ofLive.getFileName().toString(),
        otherHostFresh.getFileName().toString(), legacyFresh.getFileName().toString(), "notes.tmp");
  }

  /** The HOST part of the temporary file names of this process, seen while a write is under way. */
  private String hostTagOfATemporary() throws IOException {
    String[] seen = new String[1];
    Path probe = dir.resolve("probe.bin");
    AtomicFiles.write(probe, out -> {
      try (Stream<Path> s = Files.list(dir)) {
        seen[0] = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".probe.bin.")).findFirst().orElseThrow();
      }
    });
    Files.delete(probe);
    String rest = seen[0].substring(".probe.bin.".length());
    assertThat(rest).endsWith(".tmp").contains("-" + ProcessHandle.current().pid() + "-");
    return rest.substring(0, rest.indexOf("-" + ProcessHandle.current().pid() + "-"));
  }

  private static boolean canCreateIn(Path folder) {
    try {
      Files.delete(Files.createFile(folder.resolve("probe-" + System.nanoTime())));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static java.util.List<String> listing(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
