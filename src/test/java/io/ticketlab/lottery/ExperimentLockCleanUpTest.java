package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Taking an experiment's lock opens the experiment: the temporary files that killed writers left
 * anywhere in its folder (beside {@code spec.json}, in a finished level) are removed then, those
 * of live processes kept. No engine needed.
 */
class ExperimentLockCleanUpTest {
  @TempDir Path dir;

  @Test
  void takingTheLock_removesTemporariesOfDeadWritersThroughoutTheExperiment() throws Exception {
    Path experiment = Files.createDirectories(dir.resolve("lottery_0123456789ab"));
    Path level = Files.createDirectories(experiment.resolve("replicate_0/level_1/main"));
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    String host = hostTag();
    Path ofSpec = Files.writeString(experiment.resolve(".spec.json." + host + "-" + dead.pid() + "-1a.tmp"), "half");
    Path ofRecord = Files.writeString(level.resolve(".level.json." + host + "-" + dead.pid() + "-2b.tmp"), "half");
    Path ofLive = Files.writeString(level.resolve(".sparsity.json." + host + "-" + ProcessHandle.current().pid()
        + "-3c.tmp"), "half");

    try (ExperimentLock lock = ExperimentLock.take(experiment.resolve("lock"), false, null)) {
      assertThat(ofSpec).doesNotExist();
      assertThat(ofRecord).doesNotExist();
      assertThat(ofLive).exists();
    }
  }

  /** The host part of this process's temporary file names, seen while a write is under way. */
  private String hostTag() throws IOException {
    String[] seen = new String[1];
    Path probe = dir.resolve("probe.bin");
    AtomicFiles.write(probe, out -> {
      try (Stream<Path> s = Files.list(dir)) {
        seen[0] = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".probe.bin.")).findFirst().orElseThrow();
      }
    });
    Files.delete(probe);
    String rest = seen[0].substring(".probe.bin.".length());
    return rest.substring(0, rest.indexOf("-" + ProcessHandle.current().pid() + "-"));
  }
}
