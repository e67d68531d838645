package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --libtorch DIR} and {@code TICKETLAB_LIBTORCH}: a folder that cannot be the libtorch the
 * engine needs is refused before any command runs, exit 2, one line naming the folder. (Loading a
 * good one is {@code LocalLibtorchEngineTest}.)
 */
class LibtorchOptionTest {
  @TempDir Path tmp;
  private final UnaryOperator<String> realEnvironment = RunSettings.environment;

  @AfterEach
  void restoreEnvironment() {
    RunSettings.environment = realEnvironment;
  }

  private static void assertRefused(MainTest.Outcome o, String... parts) {
    assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
    assertThat(o.err().strip().lines()).as(o.err()).hasSize(1);
    assertThat(o.err()).contains(parts);
    assertThat(o.out()).isEmpty();
  }

  @Test
  void missingFolder_exits2NamingIt() {
    Path dir = tmp.resolve("no-such-libtorch");
    assertRefused(MainTest.run("--libtorch", dir.toString(), "doctor"), "--libtorch " + dir, "no such folder");
    // after the command's name too (the option is global)
    assertRefused(MainTest.run("doctor", "--libtorch", dir.toString()), "no such folder");
  }

  @Test
  void emptyFolder_exits2NamingTheMissingLibraries() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    assertRefused(MainTest.run("doctor", "--libtorch", dir.toString()), dir.toString(), "no libtorch.so or libc10.so");
  }

  @Test
  void wrongVersion_exits2NamingBothVersions() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("torch/lib"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libc10.so"), "");
    Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '2.8.0+cu128'\ncuda = '12.8'\n");
    assertRefused(MainTest.run("--libtorch", lib.toString(), "doctor"), lib.toString(), "2.8.0+cu128", "needs 2.7.1");
  }

  @Test
  void environmentVariable_checkedLikeTheOption() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    RunSettings.environment = name -> name.equals("TICKETLAB_LIBTORCH") ? dir.toString() : null;
    assertRefused(MainTest.run("doctor"), "TICKETLAB_LIBTORCH=" + dir, "no libtorch.so");
    // the option wins over the variable
    Path missing = tmp.resolve("missing");
    assertRefused(MainTest.run("doctor", "--libtorch", missing.toString()), "--libtorch " + missing);
  }

  @Test
  void refusedBeforeTheCommandWritesAnything() throws IOException {
    Path out = tmp.resolve("synth");
    MainTest.Outcome o = MainTest.run("--libtorch", tmp.resolve("nope").toString(),
        "data", "synth", "--images", "2", "--out", out.toString());
    assertRefused(o, "no such folder");
    assertThat(out).doesNotExist();
  }

  @Test
  void djlSwitchInTheEnvironment_thatDisagrees_exits2() throws Exception {
    // DJL reads PYTORCH_LIBRARY_PATH from the environment before the system property TicketLab sets
    Path lib = Files.createDirectories(tmp.resolve("torch/lib"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libc10.so"), "");
    Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '2.7.1+cpu'\ncuda = None\n");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "--libtorch", lib.toString(), "doctor")
        .redirectErrorStream(true);
    pb.environment().put("PYTORCH_LIBRARY_PATH", "/opt/other/lib");
    pb.environment().remove("TICKETLAB_LIBTORCH");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(2);
    assertThat(output.strip().lines()).as(output).hasSize(1);
    assertThat(output).contains("--libtorch " + lib, "PYTORCH_LIBRARY_PATH=/opt/other/lib", "unset it");
  }
}
