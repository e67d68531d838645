package io.ticketlab.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so that a reader (or a resumed run) never sees a half-written one: the content goes
 * to a temporary file in the same folder, is forced to disk, and is then renamed over the target.
 *
 * <p>Files (temporary ones included) are created with the process's umask, like any other tool's
 * output: 0644 under the usual umask 022, so that other accounts (a scheduler's job, a colleague)
 * can read results on a shared machine. A temporary file is named
 * {@code .NAME.HOST-PID-RANDOM.tmp}; {@link #removeStaleTemporaries} deletes those of processes
 * that no longer run. Failures name the target the caller gave, never the temporary file.
 */
public final class AtomicFiles {
  /** {@code .NAME.HOST-PID-RANDOM.tmp}; HOST has no '-' (see {@link #hostTag}). */
  private static final Pattern TEMPORARY =
      Pattern.compile("^\\..+\\.([A-Za-z0-9_]+)-(\\d+)-[0-9a-f]+\\.tmp$");
  /** What {@code Files.createTempFile(dir, ".NAME.", ".tmp")} named them before (no process id). */
  private static final Pattern LEGACY_TEMPORARY = Pattern.compile("^\\..+\\.-?\\d{6,}\\.tmp$");
  /** Temporaries of other hosts (shared folders) or of old versions are removed once this old. */
  private static final Duration FOREIGN_AGE = Duration.ofHours(24);

  private static final String HOST = hostTag();

  private AtomicFiles() {}

  /** Something that writes the whole content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically with the content that {@code writer} produces.
   *
   * @throws BadInputException naming {@code target} when it is a folder, a file stands where its
   *     folder should be, or its folder cannot be written (permission denied, read-only)
   */
  public static void write(Path target, Writer writer) throws IOException {
    InputFiles.requireWritableFile(target);
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp;
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      tmp = createTemporary(dir, absolute.getFileName().toString());
    } catch (IOException e) {
      throw asTargetFailure(target, dir, e);
    }
    try {
      try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        writer.writeTo(out);
        out.flush();
      }
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      } catch (FileSystemException e) {
        throw asTargetFailure(target, dir, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path target, String content) throws IOException {
    write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@link #write} for callers that cannot throw checked exceptions. */
  public static void writeUnchecked(Path target, Writer writer) {
    try {
      write(target, writer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the folder {@code dir} (and those above it) for outputs.
   *
   * @throws BadInputException naming {@code dir} when a file stands there or it cannot be created
   */
  public static Path createFolder(Path dir) throws IOException {
    InputFiles.requireOutputFolder(dir);
    try {
      return Files.createDirectories(dir);
    } catch (FileAlreadyExistsException | AccessDeniedException e) {
      throw asTargetFailure(dir, dir.toAbsolutePath().getParent(), e);
    }
  }

  /**
   * Deletes the temporary files that writers which did not finish left in {@code dir} and the
   * folders below it: those of processes of this host that no longer run, and those of other hosts
   * or older versions that are more than a day old. Call it when a run folder is opened (or
   * resumed); temporary files of live processes are left alone.
   *
   * @return the files deleted
   */
  public static List<Path> removeStaleTemporaries(Path dir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    Instant foreignBefore = Instant.now().minus(FOREIGN_AGE);
    List<Path> candidates;
    try (Stream<Path> s = Files.walk(dir)) {
      candidates = s.filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .filter(Files::isRegularFile)
          .toList();
    }
    for (Path p : candidates) {
      if (isStale(p, foreignBefore) && Files.deleteIfExists(p)) {
        removed.add(p);
      }
    }
    return removed;
  }

  private static boolean isStale(Path p, Instant foreignBefore) throws IOException {
    String name = p.getFileName().toString();
    Matcher m = TEMPORARY.matcher(name);
    if (m.matches()) {
      if (m.group(1).equals(HOST)) {
        long pid;
        try {
          pid = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
          return false;
        }
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
      }
      return olderThan(p, foreignBefore);
    }
    return LEGACY_TEMPORARY.matcher(name).matches() && olderThan(p, foreignBefore);
  }

  private static boolean olderThan(Path p, Instant limit) throws IOException {
    FileTime t = Files.getLastModifiedTime(p);
    return t.toInstant().isBefore(limit);
  }

  /** A new empty file {@code .NAME.HOST-PID-RANDOM.tmp}, created with the process's umask. */
  private static Path createTemporary(Path dir, String name) throws IOException {
    long pid = ProcessHandle.current().pid();
    for (int attempt = 0; ; attempt++) {
      String random = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
      Path tmp = (dir == null ? Path.of("") : dir)
          .resolve("." + name + "." + HOST + "-" + pid + "-" + random + ".tmp");
      try {
        // Default permissions: 0666 minus the umask (Files.createTempFile would force 0600).
        Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** A failure to create a file in {@code dir}, reported under the name the caller gave. */
  private static IOException asTargetFailure(Path target, Path dir, IOException e) {
    String folder = dir == null ? "." : dir.toString();
    if (e instanceof AccessDeniedException) {
      throw BadInputException.of(target, null, null, null,
          "permission denied (cannot write in " + folder + ")");
    }
    if (e instanceof FileAlreadyExistsException) {
      throw BadInputException.of(target, null, null, null,
          ((FileAlreadyExistsException) e).getFile() + " exists and is not a folder");
    }
    if (e instanceof FileSystemException fse) {
      String reason = fse.getReason() == null ? e.getMessage() : fse.getReason();
      if (reason != null && reason.toLowerCase(Locale.ROOT).contains("read-only")) {
        throw BadInputException.of(target, null, null, null,
            "cannot write in " + folder + ": " + reason);
      }
      FileSystemException named = new FileSystemException(target.toString(), null, reason);
      named.initCause(e);
      return named;
    }
    return e;
  }

  /** This host's name, reduced to [A-Za-z0-9_] so that it parses back out of a file name. */
  private static String hostTag() {
    // Not InetAddress.getLocalHost(): it may wait for DNS.
    String host = System.getenv().getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", ""));
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        host = Files.readString(kernel, StandardCharsets.US_ASCII).strip();
      }
    } catch (IOException | RuntimeException e) {
      // keep the environment's name
    }
    String tag = host.replaceAll("[^A-Za-z0-9_]", "_");
    return tag.isEmpty() ? "localhost" : tag.length() > 40 ? tag.substring(0, 40) : tag;
  }
}
