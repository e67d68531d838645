package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.StopRequest;
import io.ticketlab.common.StopRequestProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ticketlab} launcher as a scheduler sees it: SIGTERM to the launcher's process reaches
 * Java (the launcher execs it), which stops at a safe point and is gone within 10 s. The launcher
 * is run from a copy whose {@code target/ticketlab.jar} is a small probe (no build, no engine).
 */
class LauncherSignalTest {
  @TempDir Path dir;

  @Test
  void sigtermToTheLauncher_stopsJavaAtASafePointWithinTenSeconds() throws Exception {
    Path home = Files.createDirectories(dir.resolve("app"));
    Files.copy(Path.of("ticketlab"), home.resolve("ticketlab"));
    Path target = Files.createDirectories(home.resolve("target"));
    Files.createDirectories(target.resolve("lib"));
    Files.writeString(target.resolve(".pytorch-flavor"), "cpu\n");
    writeProbeJar(target.resolve("ticketlab.jar"));
    Path work = Files.createDirectories(dir.resolve("work"));

    ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("ticketlab").toString(), work.toString());
    pb.environment().remove("TICKETLAB_RAW_STDERR");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path stderrFile = dir.resolve("stderr.txt");
    pb.redirectError(stderrFile.toFile());
    Process launcher = pb.start();
    Path started = work.resolve("started");
    while (!Files.exists(started) && launcher.isAlive()) {
      Thread.sleep(50);
    }
    assertThat(launcher.isAlive()).as("probe started; stderr: %s", Files.readString(stderrFile)).isTrue();
    while (Files.readString(started).isEmpty()) {
      Thread.sleep(20);
    }
    long javaPid = Long.parseLong(Files.readString(started).strip());
    assertThat(javaPid).as("the launcher execs Java: one process").isEqualTo(launcher.pid());

    launcher.destroy(); // SIGTERM
    boolean gone = launcher.waitFor(10, TimeUnit.SECONDS);
    if (!gone) {
      launcher.destroyForcibly();
    }
    assertThat(gone).as("Java gone within 10 s of SIGTERM").isTrue();
    assertThat(ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(work.resolve("stopped"))).startsWith("stopped by a signal after iteration");
    // the launcher's stderr filter passes Java's last line on once Java has gone
    String expected = "probe: stopped by a signal after iteration";
    for (int i = 0; i < 200 && !Files.readString(stderrFile).contains(expected); i++) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(stderrFile)).contains(expected);
  }

  private static void writeProbeJar(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StopRequestProbe.class.getName());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Class<?> c : List.of(StopRequestProbe.class, StopRequest.class, StopRequest.StoppedException.class)) {
        String name = c.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }
}
