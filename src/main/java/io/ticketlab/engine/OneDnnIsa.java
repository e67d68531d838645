package io.ticketlab.engine;

import io.ticketlab.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Chooses oneDNN's instruction-set cap ({@code ONEDNN_MAX_CPU_ISA}) for this machine, once, and
 * remembers it.
 *
 * <p>On some x86-64 virtual machines the AVX-512 "brgemm" convolution kernels of libtorch's oneDNN
 * return wrong, even NaN, float32 gradients for narrow convolutions (measured on this project's AMD
 * EPYC VMs: 3→8 channel 7×7 and 8→8 channel 3×3), while the AVX2 kernels are exact; on healthy
 * machines the AVX-512 kernels are about twice as fast. The first time TicketLab's engine starts
 * on a machine it runs {@link ConvolutionSelfCheck#float32GradientError()} in a child JVM with no
 * cap (a few seconds), and caps at AVX2 only if the gradients are wrong. The answer is kept in
 * {@code ~/.ticketlab/engine/} keyed by CPU model and flags, kernel and PyTorch version.
 *
 * <p>Overrides: {@code ONEDNN_MAX_CPU_ISA} in the environment is always respected; the system
 * property or environment variable {@code TICKETLAB_ONEDNN_ISA} (e.g. {@code AVX2}, {@code ALL})
 * skips the probe.
 */
final class OneDnnIsa {
  static final String PROPERTY = "ticketlab.onednn.isa";
  static final String SAFE = "AVX2";
  static final String FULL = "ALL";

  private OneDnnIsa() {}

  /** The cap to use, and how it was chosen. */
  record Choice(String isa, String reason) {}

  static Choice choose() {
    String forced = System.getProperty(PROPERTY);
    if (forced == null || forced.isBlank()) {
      forced = System.getenv("TICKETLAB_ONEDNN_ISA");
    }
    if (forced != null && !forced.isBlank()) {
      return new Choice(forced.strip().toUpperCase(Locale.ROOT), "set by " + PROPERTY + "/TICKETLAB_ONEDNN_ISA");
    }
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return new Choice(null, "not an x86-64 CPU");
    }
    Path cache = cacheFile();
    try {
      if (cache != null && Files.isRegularFile(cache)) {
        String cached = Files.readString(cache, StandardCharsets.UTF_8).strip();
        if (cached.equals(SAFE) || cached.equals(FULL)) {
          return new Choice(cached, "probed earlier on this machine (" + cache + ")");
        }
      }
    } catch (IOException e) {
      // probe again
    }
    String result = probe();
    if (result == null) {
      return new Choice(SAFE, "probe inconclusive; the safe AVX2 kernels are used");
    }
    if (cache != null) {
      try {
        AtomicFiles.writeString(cache, result + "\n");
      } catch (IOException e) {
        // the next start probes again
      }
    }
    return new Choice(
        result,
        result.equals(SAFE)
            ? "AVX-512 kernels gave wrong float32 gradients on this machine (probed now)"
            : "AVX-512 kernels gave exact float32 gradients on this machine (probed now)");
  }

  /** Runs the float32 gradient check without a cap in a child JVM: ALL, AVX2, or null. */
  private static String probe() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-D" + PROPERTY + "=" + FULL);
    cmd.addAll(ChildJvm.engineProperties("ENGINE_CACHE_DIR", "DJL_CACHE_DIR"));
    cmd.add("-cp");
    cmd.add(ChildJvm.absoluteClassPath());
    cmd.add(Child.class.getName());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      int code = p.exitValue();
      return code == 0 ? FULL : code == 3 ? SAFE : SAFE;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The cache file for this machine and engine, or null when there is no home folder. */
  static Path cacheFile() {
    String home = System.getProperty("user.home");
    if (home == null) {
      return null;
    }
    StringBuilder key = new StringBuilder();
    key.append(System.getProperty("os.name")).append('|').append(System.getProperty("os.version"));
    key.append('|').append(Versions.pytorch()).append('|').append(Versions.nativeFlavor());
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name") || line.startsWith("flags")) {
          key.append('|').append(line);
        }
        if (line.isBlank()) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      key.append("|no-cpuinfo");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return Paths.get(home, ".ticketlab", "engine", "onednn-isa-" + HexFormat.of().formatHex(digest, 0, 8) + ".txt");
    } catch (NoSuchAlgorithmException e) {
      return null;
    }
  }

  /** Child entry point: exit 0 when float32 conv gradients are exact, 3 when they are wrong. */
  static final class Child {
    private Child() {}

    public static void main(String[] args) {
      // the faulty kernels do not fail every time: three rounds, all must be exact
      for (int round = 0; round < 3; round++) {
        if (!(ConvolutionSelfCheck.float32GradientError() <= 1e-4)) {
          System.exit(3);
        }
      }
      System.exit(0);
    }
  }
}
