package io.ticketlab.lottery;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One process owns an experiment's folder at a time: an OS file lock ({@code fcntl}) on {@code
 * lottery_<id>/lock}, whose text names the holder (pid, host, start time). A second process on the
 * same experiment is refused with the holder's name, or with {@code wait} blocks until the holder is
 * done and then finds its work on disk. The OS releases the lock of a process that dies, however it
 * dies; the next owner then finds the dead holder's text in the file and says it takes over.
 *
 * <p>On network file systems the lock is as good as the file system's locking: NFSv4 and Lustre
 * (with {@code flock}/{@code localflock} mounts) honour {@code fcntl} locks across hosts; NFSv3
 * needs a running lock daemon; some FUSE file systems ignore locks, and then two hosts are not kept
 * apart (README "Experiments").
 */
public final class ExperimentLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private ExperimentLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The text a lock file holds: who owns it. */
  static String holderText() {
    return "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now();
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "unknown-host" : env;
    }
  }

  /**
   * Takes the lock of {@code file}. Held by another process: exit 2 naming it, or, with {@code
   * wait}, waits for it (a line on {@code progress} says so).
   */
  public static ExperimentLock take(Path file, boolean wait, PrintStream progress) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        throw BadInputException.of(file.getParent(), null, null, null,
            "this process already runs this experiment (" + file + ")");
      }
      String holder = "";
      // The holder writes its name just after it takes the lock and empties the file just before
      // it releases it: an empty file under a held lock is one of those moments, so look again
      // (up to 2 s) rather than name nobody.
      for (int tries = 0; l == null && tries < 40; tries++) {
        holder = read(ch);
        if (!holder.isEmpty()) {
          break;
        }
        sleep(50);
        l = ch.tryLock();
      }
      if (l == null) {
        if (!wait) {
          throw BadInputException.of(file.getParent(), null, null, null,
              "another process runs this experiment: " + (holder.isEmpty() ? "unknown holder" : holder)
                  + " (lock " + file + "); wait for it, or pass --wait to wait and then continue");
        }
        if (progress != null) {
          progress.println("waiting for " + (holder.isEmpty() ? "another process" : holder) + " to finish this experiment");
        }
        l = ch.lock();
      }
      String previous = read(ch);
      if (!previous.isEmpty() && progress != null) {
        String pid = previous.startsWith("pid ") ? previous.substring(4, previous.indexOf(' ', 4)) : "";
        boolean sameHost = previous.contains(" on " + host() + " ");
        boolean alive = sameHost && !pid.isEmpty()
            && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (sameHost && !alive) {
          progress.println("warning: taking over the lock of a process that ended without releasing it (" + previous + ")");
        }
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((holderText() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      // the experiment is ours now: what killed writers left anywhere in it goes (spec.json's, a
      // level's record), not only in the level folder that is trained next
      AtomicFiles.removeStaleTemporaries(file.getParent());
      return new ExperimentLock(ch, l);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Who holds the lock of {@code file} now: the holder's text ({@code pid 12 on host since ...}), or
   * null when no process holds it (also when the file does not exist). A lock held by this JVM
   * counts as held.
   */
  public static String holder(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    // a shared lock: it needs only read access (a status on a read-only mount) and is refused while a holder has it
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock l;
      try {
        l = ch.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        return "this process";
      }
      if (l != null) {
        l.release();
        return null;
      }
      String text = read(ch);
      return text.isEmpty() ? "another process" : text;
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while taking the experiment lock", e);
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(4096, Math.max(0, ch.size())));
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
  }

  /** Releases the lock; the file stays, emptied (a lock file that names nobody). */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        channel.truncate(0);
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
