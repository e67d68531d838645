package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The oneDNN instruction-set switch without starting an engine: a forced value wins and skips the
 * probe, an earlier probe's answer is read from the per-machine cache, and the cache's key tells
 * machines (CPU model and flags, kernel, PyTorch build) apart. The probe itself (AVX-512 gradients
 * wrong → AVX2) is {@code ConvolutionGradientTest}'s part, on the engine.
 */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class OneDnnIsaTest {
  @TempDir Path home;

  private String savedHome;
  private String savedForced;

  @BeforeEach
  void save() {
    savedHome = System.getProperty("user.home");
    savedForced = System.getProperty(OneDnnIsa.PROPERTY);
    System.setProperty("user.home", home.toString());
    System.clearProperty(OneDnnIsa.PROPERTY);
  }

  @AfterEach
  void restore() {
    System.setProperty("user.home", savedHome);
    if (savedForced == null) {
      System.clearProperty(OneDnnIsa.PROPERTY);
    } else {
      System.setProperty(OneDnnIsa.PROPERTY, savedForced);
    }
  }

  @Test
  void aForcedValue_isUsedAsGiven_upperCased_withoutProbing() {
    System.setProperty(OneDnnIsa.PROPERTY, " avx2 ");
    OneDnnIsa.Choice c = OneDnnIsa.choose();
    assertThat(c.isa()).isEqualTo("AVX2");
    assertThat(c.reason()).isEqualTo("set by ticketlab.onednn.isa/TICKETLAB_ONEDNN_ISA");
    assertThat(home).isEmptyDirectory();
  }

  @Test
  void aForcedValueThatIsNoIsaLevel_isOneClearLine_namingTheSettingAndTheValue() {
    System.setProperty(OneDnnIsa.PROPERTY, "FOO");
    assertThatThrownBy(OneDnnIsa::choose).isInstanceOf(io.ticketlab.common.BadInputException.class)
        .hasMessageStartingWith("ticketlab.onednn.isa: bad value FOO: not a oneDNN ISA level: ALL, ALL_ROUTED, AVX2,"
            + " AVX2_ROUTED, or another of SSE41,")
        .hasMessageNotContaining("\n");
    System.setProperty(OneDnnIsa.PROPERTY, "avx512_core_routed");
    assertThat(OneDnnIsa.choose().isa()).isEqualTo("AVX512_CORE_ROUTED");
    assertThat(home).isEmptyDirectory();
  }

  @Test
  void aUsersOneDnnCap_isCheckedAgainstOneDnnsLevels() {
    assertThat(OneDnnIsa.checkUserCap("avx2")).isEqualTo("avx2");
    assertThat(OneDnnIsa.checkUserCap("AVX512_CORE_AMX")).isEqualTo("AVX512_CORE_AMX");
    assertThatThrownBy(() -> OneDnnIsa.checkUserCap("AVX3")).hasMessageStartingWith(
        "ONEDNN_MAX_CPU_ISA: bad value AVX3: not a oneDNN ISA level (one of SSE41, AVX, AVX2,");
    assertThatThrownBy(() -> OneDnnIsa.checkUserCap("ALL_ROUTED"))
        .hasMessageEndingWith("; a choice with _ROUTED goes in TICKETLAB_ONEDNN_ISA)");
  }

  @Test
  void aChoiceWithRewrites_capsAtItsIsa_andTurnsTheRewritesOn() {
    assertThat(new OneDnnIsa.Choice("ALL_ROUTED", "").cap()).isEqualTo("ALL");
    assertThat(new OneDnnIsa.Choice("ALL_ROUTED", "").rewrites()).isTrue();
    assertThat(new OneDnnIsa.Choice("AVX2_ROUTED", "").cap()).isEqualTo("AVX2");
    assertThat(new OneDnnIsa.Choice("AVX2", "").cap()).isEqualTo("AVX2");
    assertThat(new OneDnnIsa.Choice("AVX2", "").rewrites()).isFalse();
    assertThat(new OneDnnIsa.Choice("AVX512_CORE", "").rewrites()).isFalse();
    assertThat(new OneDnnIsa.Choice("_ROUTED", "").rewrites()).isFalse();
    assertThat(new OneDnnIsa.Choice(null, "").cap()).isNull();
  }

  @Test
  void anEarlierProbesAnswer_isReadFromThisMachinesCache() throws Exception {
    String arch = System.getProperty("os.arch");
    org.junit.jupiter.api.Assumptions.assumeTrue(arch.equals("amd64") || arch.equals("x86_64"),
        "the cap is chosen on x86-64 only (this is " + arch + ")");
    Path cache = OneDnnIsa.cacheFile();
    assertThat(cache).isNotNull();
    assertThat(cache.getParent()).isEqualTo(home.resolve(".ticketlab").resolve("engine"));
    assertThat(cache.getFileName().toString()).matches("onednn-isa-[0-9a-f]{16}\\.txt");
    Files.createDirectories(cache.getParent());
    for (String answer : new String[] {OneDnnIsa.SAFE, OneDnnIsa.FULL, OneDnnIsa.ROUTED, OneDnnIsa.SAFE_ROUTED}) {
      Files.writeString(cache, answer + "\n");
      OneDnnIsa.Choice c = OneDnnIsa.choose();
      assertThat(c.isa()).isEqualTo(answer);
      assertThat(c.reason()).isEqualTo("probed earlier on this machine (" + cache + ")");
    }
    // the same machine gives the same key; another home, another file
    assertThat(OneDnnIsa.cacheFile()).isEqualTo(cache);
    System.setProperty("user.home", home.resolve("other").toString());
    assertThat(OneDnnIsa.cacheFile().getFileName()).isEqualTo(cache.getFileName());
    assertThat(OneDnnIsa.cacheFile()).isNotEqualTo(cache);
  }

  @Test
  void theCacheKey_changesWithTheKernel() {
    Path a = OneDnnIsa.cacheFile();
    String saved = System.getProperty("os.version");
    try {
      System.setProperty("os.version", saved + "-other");
      assertThat(OneDnnIsa.cacheFile()).isNotEqualTo(a);
    } finally {
      System.setProperty("os.version", saved);
    }
    assertThat(OneDnnIsa.cacheFile()).isEqualTo(a);
  }
}
