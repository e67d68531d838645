package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of a local libtorch folder, on folders that only look like one (no engine). */
class LocalLibtorchTest {
  @TempDir Path tmp;

  /** {@code tmp/site/torch/lib} with empty library files, and {@code torch/version.py} if given. */
  private Path pipLayout(String versionPy, String... libs) throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("site/torch/lib"));
    for (String name : libs) {
      Files.writeString(lib.resolve(name), "");
    }
    if (versionPy != null) {
      Files.writeString(lib.getParent().resolve("version.py"), versionPy);
    }
    return lib;
  }

  private Path pip(String versionPy) throws IOException {
    return pipLayout(versionPy, "libtorch.so", "libc10.so");
  }

  @Test
  void pipCpuWheel_versionAndFlavourFromVersionPy() throws IOException {
    Path lib = pip("from typing import Optional\n__version__ = '2.7.1+cpu'\ncuda: Optional[str] = None\n");
    LocalLibtorch l = LocalLibtorch.inspect(lib, LocalLibtorch.OPTION);
    assertThat(l.version()).isEqualTo("2.7.1");
    assertThat(l.flavor()).isEqualTo("cpu");
    assertThat(l.dir()).isEqualTo(lib.toAbsolutePath());
    assertThat(l.versionSource()).endsWith("version.py");
    assertThat(l.describe()).contains("local " + lib.toAbsolutePath()).contains("2.7.1 cpu");
  }

  @Test
  void pipCu128Wheel_flavourFromTheSuffix() throws IOException {
    Path lib = pip("__version__ = '2.7.1+cu128'\ncuda: Optional[str] = '12.8'\n");
    assertThat(LocalLibtorch.inspect(lib, LocalLibtorch.OPTION).flavor()).isEqualTo("cu128");
  }

  @Test
  void versionWithoutSuffix_flavourFromTheCudaLine() throws IOException {
    Path lib = pip("__version__ = '2.7.1'\ncuda = '12.8'\n");
    assertThat(LocalLibtorch.inspect(lib, LocalLibtorch.OPTION).flavor()).isEqualTo("cu128");
    Files.writeString(lib.getParent().resolve("version.py"), "__version__ = \"2.7.1\"\ncuda = None\n");
    assertThat(LocalLibtorch.inspect(lib, LocalLibtorch.OPTION).flavor()).isEqualTo("cpu");
  }

  @Test
  void pypiDefaultCu126Wheel_refusedForWantOfAJniLibrary() throws IOException {
    // PyPI's plain torch==2.7.1 on Linux is a CUDA 12.6 build; DJL 0.36.0 ships JNI for cpu and cu128
    Path lib = pip("__version__ = '2.7.1'\ncuda = '12.6'\n");
    assertThatThrownBy(() -> LocalLibtorch.inspect(lib, LocalLibtorch.OPTION))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--libtorch " + lib)
        .hasMessageContaining("cu126")
        .hasMessageContaining("available: cpu, cu128");
  }

  @Test
  void otherVersion_refusedNamingBothVersionsAndTheSource() throws IOException {
    Path lib = pip("__version__ = '2.6.0+cpu'\ncuda = None\n");
    assertThatThrownBy(() -> LocalLibtorch.inspect(lib, LocalLibtorch.ENV))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("TICKETLAB_LIBTORCH=" + lib + ": libtorch 2.6.0+cpu")
        .hasMessageContaining("version.py")
        .hasMessageContaining("needs 2.7.1");
  }

  @Test
  void libtorchZip_versionFromBuildVersion() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libc10.so"), "");
    Files.writeString(lib.getParent().resolve("build-version"), "2.7.1+cu128\n");
    LocalLibtorch l = LocalLibtorch.inspect(lib, LocalLibtorch.OPTION);
    assertThat(l.flavor()).isEqualTo("cu128");
    assertThat(l.versionSource()).endsWith("build-version");
    Files.writeString(lib.getParent().resolve("build-version"), "2.5.1+cpu\n");
    assertThatThrownBy(() -> LocalLibtorch.inspect(lib, LocalLibtorch.OPTION)).hasMessageContaining("2.5.1");
  }

  @Test
  void cudaLibrariesWithoutACudaVersion_refused() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
    for (String n : new String[] {"libtorch.so", "libc10.so", "libtorch_cuda.so"}) {
      Files.writeString(lib.resolve(n), "");
    }
    Files.writeString(lib.getParent().resolve("build-version"), "2.7.1\n");
    assertThatThrownBy(() -> LocalLibtorch.inspect(lib, LocalLibtorch.OPTION))
        .hasMessageContaining("CUDA version");
    Files.delete(lib.resolve("libtorch_cuda.so"));
    assertThat(LocalLibtorch.inspect(lib, LocalLibtorch.OPTION).flavor()).isEqualTo("cpu");
  }

  @Test
  void djlCacheFolder_versionAndFlavourFromItsName() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("2.7.1-20250812-cpu-linux-x86_64"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libc10.so"), "");
    LocalLibtorch l = LocalLibtorch.inspect(lib, LocalLibtorch.OPTION);
    assertThat(l.version()).isEqualTo("2.7.1");
    assertThat(l.flavor()).isEqualTo("cpu");
    Path old = Files.createDirectories(tmp.resolve("2.5.1-cu124-linux-x86_64"));
    Files.writeString(old.resolve("libtorch.so"), "");
    Files.writeString(old.resolve("libc10.so"), "");
    assertThatThrownBy(() -> LocalLibtorch.inspect(old, LocalLibtorch.OPTION)).hasMessageContaining("2.5.1");
  }

  @Test
  void noVersionMetadata_refusedSayingWhereItLooked() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("mylibtorch"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libc10.so"), "");
    assertThatThrownBy(() -> LocalLibtorch.inspect(lib, LocalLibtorch.OPTION))
        .hasMessageContaining("cannot tell its libtorch version")
        .hasMessageContaining("version.py")
        .hasMessageContaining("build-version");
  }

  @Test
  void missingOrIncompleteFolder_refused() throws IOException {
    assertThatThrownBy(() -> LocalLibtorch.inspect(tmp.resolve("nope"), LocalLibtorch.OPTION))
        .hasMessage("--libtorch " + tmp.resolve("nope") + ": no such folder");
    Path onlyTorch = pipLayout("__version__ = '2.7.1+cpu'\n", "libtorch.so");
    assertThatThrownBy(() -> LocalLibtorch.inspect(onlyTorch, LocalLibtorch.OPTION))
        .hasMessageContaining("no libc10.so in it");
    Path file = Files.writeString(tmp.resolve("libtorch.so"), "");
    assertThatThrownBy(() -> LocalLibtorch.inspect(file, LocalLibtorch.OPTION))
        .hasMessageContaining("not a folder");
  }
}
