package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-libtorch switch end to end: the bundled CPU libtorch that DJL unpacked is copied to
 * another folder, laid out as a pip PyTorch ({@code torch/lib} + {@code torch/version.py}) or under
 * DJL's own folder name, and a child JVM's {@code doctor} must load it from the copy (what
 * {@code /proc/self/maps} shows, not what DJL was told) and pass its numerical self-checks.
 */
@Tag("engine")
class LocalLibtorchEngineTest {
  @TempDir Path tmp;

  /** The folder DJL unpacked the bundled libtorch into (unpacks it if needed). */
  private static Path bundledLibtorch() {
    Engines.pytorch();
    return Paths.get(LibUtils.getLibtorchPath());
  }

  /** Hard links where the file system allows (the libraries are 450 MB), else copies. */
  private static void copyLibraries(Path from, Path to, boolean withJni) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f) || (!withJni && name.contains("djl_torch"))) {
          continue;
        }
        try {
          Files.createLink(to.resolve(name), f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, to.resolve(name));
        }
      }
    }
  }

  private record Child(int exitCode, String output) {}

  private Child doctor(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.ticketlab.cli.Main");
    cmd.addAll(List.of("--engine-cache", tmp.resolve("cache").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("doctor", "--no-probe"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (String k : EngineSettings.PYTORCH_SWITCHES) {
      pb.environment().remove(k);
    }
    pb.environment().remove(LocalLibtorch.ENV);
    pb.environment().putAll(env);
    Path log = tmp.resolve("doctor-" + System.nanoTime() + ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("doctor did not finish in 240 s: " + Files.readString(log));
    }
    return new Child(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @Test
  void pipLayoutCopy_isLoadedFromTheCopyAndComputes() throws Exception {
    Path bundled = bundledLibtorch();
    Path lib = tmp.resolve("site-packages/torch/lib");
    copyLibraries(bundled, lib, false);
    Files.writeString(lib.getParent().resolve("version.py"),
        "from typing import Optional\n__version__ = '2.7.1+cpu'\ncuda: Optional[str] = None\n");

    Child c = doctor(Map.of(), "--libtorch", lib.toString());
    assertThat(c.exitCode()).as(c.output()).isZero();
    assertThat(c.output())
        .containsPattern("libtorch +local " + java.util.regex.Pattern.quote(lib.toString()) + " \\(--libtorch\\): 2\\.7\\.1 cpu")
        .contains("loaded from " + lib + "\n")
        .doesNotContain("loaded from " + bundled)
        .containsPattern("Self-check +passed")
        .containsPattern("Float32 check +passed")
        .contains("engine OK");
    // the JNI library came from DJL's jar into the engine cache of the child, not from the bundled folder
    assertThat(tmp.resolve("cache/pytorch/2.7.1-cpu-" + Versions.nativeClassifier())).isDirectory();
  }

  @Test
  void djlNamedCopy_throughTheEnvironmentVariable() throws Exception {
    Path bundled = bundledLibtorch();
    Path lib = tmp.resolve("elsewhere").resolve(bundled.getFileName());
    copyLibraries(bundled, lib, true);

    Child c = doctor(Map.of(LocalLibtorch.ENV, lib.toString()));
    assertThat(c.exitCode()).as(c.output()).isZero();
    assertThat(c.output())
        .contains("(TICKETLAB_LIBTORCH): 2.7.1 cpu, version from the folder name")
        .contains("loaded from " + lib + "\n")
        .contains("engine OK");
  }

  @Test
  void withoutTheSwitch_theBundledFolderIsLoaded() throws Exception {
    // the other side of the check above: doctor's line tells the two apart
    Child c = doctor(Map.of());
    assertThat(c.exitCode()).as(c.output()).isZero();
    assertThat(c.output()).containsPattern("libtorch +bundled pytorch-native-cpu jar").doesNotContain("libtorch       local");
  }
}
