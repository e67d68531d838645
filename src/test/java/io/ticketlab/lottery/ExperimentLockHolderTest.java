package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExperimentLock#holder}: who holds a lock now, seen from another process (what sweep status shows). */
class ExperimentLockHolderTest {
  @TempDir Path dir;

  /** Takes the lock of {@code args[0]}, says so, and holds it until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (ExperimentLock l = ExperimentLock.take(Path.of(args[0]), false, null)) {
        System.out.println("held");
        System.out.flush();
        Thread.sleep(120_000);
      }
    }
  }

  @Test
  void aLockHeldByAnotherProcess_namesIt_andNobodyOnceItEnds() throws Exception {
    Path lock = dir.resolve("lock");
    assertThat(ExperimentLock.holder(lock)).isNull();
    Files.writeString(lock, "pid 999999999 on elsewhere since 2026-01-01T00:00:00Z\n");
    assertThat(ExperimentLock.holder(lock)).as("a lock file whose writer is gone").isNull();

    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        Holder.class.getName(), lock.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("held");
      assertThat(ExperimentLock.holder(lock)).startsWith("pid " + child.pid() + " on " + ExperimentLock.host() + " since ");
      lock.toFile().setWritable(false);
      assertThat(ExperimentLock.holder(lock)).as("read access is enough").startsWith("pid " + child.pid());
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      lock.toFile().setWritable(true);
    }
    assertThat(ExperimentLock.holder(lock)).isNull();
  }
}
