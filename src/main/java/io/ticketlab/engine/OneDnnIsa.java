package io.ticketlab.engine;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
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
 * Chooses oneDNN's instruction-set cap ({@code ONEDNN_MAX_CPU_ISA}) for this machine, and whether
 * {@link Convolutions}' rewrites are on, once, and remembers it.
 *
 * <p>On some x86-64 virtual machines libtorch's oneDNN convolution kernels return wrong, even NaN,
 * float32 values or gradients for some shapes. Measured on this project's AMD EPYC VMs: the
 * AVX-512 kernels for channel counts that are not multiples of 16 (32 for strided convolutions'
 * inputs) and for 7×7 kernels with one output position; the AVX2 kernels for the input gradient
 * when the output channels are not a multiple of 8 (Keypoint R-CNN's 17-channel predictor). On
 * healthy machines the AVX-512 kernels are about twice as fast as the AVX2 ones. The first time
 * TicketLab's engine starts on a machine it runs {@link ConvolutionSelfCheck}'s survey of a few
 * hundred shapes in a child JVM with the AVX-512 kernels, plain and rewritten (about 15 s), and,
 * only if both are wrong, in one with the AVX2 kernels. The answer — {@code ALL}, {@code
 * ALL_ROUTED}, {@code AVX2} or {@code AVX2_ROUTED} — is kept in {@code ~/.ticketlab/engine/} keyed
 * by CPU model and flags, kernel, PyTorch version and probe version.
 *
 * <p>Overrides: {@code ONEDNN_MAX_CPU_ISA} in the environment is always respected (with the
 * rewrites on, as they are exact everywhere); the system property or environment variable {@code
 * TICKETLAB_ONEDNN_ISA} skips the probe: {@code ALL_ROUTED} or {@code AVX2_ROUTED} with the
 * rewrites, {@code ALL}, {@code AVX2} or another oneDNN level without them (the plain kernels, to
 * see what they do).
 */
final class OneDnnIsa {
  static final String PROPERTY = "ticketlab.onednn.isa";
  static final String SAFE = "AVX2";
  static final String FULL = "ALL";
  /** Suffix of a choice with {@link Convolutions}' rewrites of the shapes the kernels get wrong. */
  static final String REWRITES = "_ROUTED";
  /** The AVX-512 kernels with the rewrites. */
  static final String ROUTED = FULL + REWRITES;
  /** The AVX2 kernels with the rewrites (seen needed too: 17 output channels, input gradient). */
  static final String SAFE_ROUTED = SAFE + REWRITES;
  /** Bumped when the probe changes, so that machines probed by an older one are probed again. */
  static final String PROBE_VERSION = "3";

  /**
   * The values oneDNN 3.7 (libtorch 2.7.1) reads from {@code ONEDNN_MAX_CPU_ISA}, lowest first; an
   * unknown one it ignores without a word, running its default kernels.
   */
  static final List<String> LEVELS = List.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE",
      "AVX512_CORE_VNNI", "AVX512_CORE_BF16", "AVX10_1_512", "AVX512_CORE_FP16", "AVX10_1_512_AMX",
      "AVX512_CORE_AMX", "AVX10_1_512_AMX_FP16", "AVX512_CORE_AMX_FP16", "DEFAULT", "ALL");

  private OneDnnIsa() {}

  /**
   * {@code value} of {@code ONEDNN_MAX_CPU_ISA} as the user set it, checked: a BadInputException
   * naming the variable where oneDNN would ignore it (a typo, or a TicketLab choice such as {@code
   * ALL_ROUTED}, which belongs in {@code TICKETLAB_ONEDNN_ISA}).
   */
  static String checkUserCap(String value) {
    if (!LEVELS.contains(value.strip().toUpperCase(Locale.ROOT))) {
      throw BadInputException.of(null, null, "ONEDNN_MAX_CPU_ISA", value, "not a oneDNN ISA level (one of "
          + String.join(", ", LEVELS) + (value.toUpperCase(Locale.ROOT).endsWith(REWRITES)
              ? "; a choice with " + REWRITES + " goes in TICKETLAB_ONEDNN_ISA)" : ")"));
    }
    return value;
  }

  /**
   * The choice to use, and how it was chosen: an ISA cap for {@code ONEDNN_MAX_CPU_ISA}, with
   * {@link #REWRITES} appended when {@link Convolutions}' rewrites are to be on.
   */
  record Choice(String isa, String reason) {
    /** The value for {@code ONEDNN_MAX_CPU_ISA}. */
    String cap() {
      return isa == null || !rewrites() ? isa : isa.substring(0, isa.length() - REWRITES.length());
    }

    /** Whether the rewrites are on. */
    boolean rewrites() {
      return isa != null && isa.endsWith(REWRITES) && isa.length() > REWRITES.length();
    }
  }

  static Choice choose() {
    String forced = System.getProperty(PROPERTY);
    if (forced == null || forced.isBlank()) {
      forced = System.getenv("TICKETLAB_ONEDNN_ISA");
    }
    if (forced != null && !forced.isBlank()) {
      String isa = forced.strip().toUpperCase(Locale.ROOT);
      String base = isa.endsWith(REWRITES) ? isa.substring(0, isa.length() - REWRITES.length()) : isa;
      if (!LEVELS.contains(base)) {
        throw BadInputException.of(null, null, System.getProperty(PROPERTY) != null ? PROPERTY : "TICKETLAB_ONEDNN_ISA",
            forced, "not a oneDNN ISA level: ALL, ALL_ROUTED, AVX2, AVX2_ROUTED, or another of " + String.join(", ",
                LEVELS) + " (with " + REWRITES + ": the rewrites of the shapes some kernels get wrong)");
      }
      return new Choice(isa, "set by " + PROPERTY + "/TICKETLAB_ONEDNN_ISA");
    }
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return new Choice(null, "not an x86-64 CPU");
    }
    Path cache = cacheFile();
    try {
      if (cache != null && Files.isRegularFile(cache)) {
        String cached = Files.readString(cache, StandardCharsets.UTF_8).strip();
        if (List.of(SAFE, FULL, ROUTED, SAFE_ROUTED).contains(cached)) {
          return new Choice(cached, "probed earlier on this machine (" + cache + ")");
        }
      }
    } catch (IOException e) {
      // probe again
    }
    String result = probe();
    if (result == null) {
      return new Choice(SAFE_ROUTED, "probe inconclusive; the AVX2 kernels are used, with the rewrites");
    }
    if (cache != null) {
      try {
        AtomicFiles.writeString(cache, result + "\n");
      } catch (IOException e) {
        // the next start probes again
      }
    }
    return new Choice(result, reason(result) + " (probed now)");
  }

  private static String reason(String result) {
    return switch (result) {
      case FULL -> "AVX-512 kernels gave exact float32 convolutions on this machine";
      case ROUTED -> "AVX-512 kernels gave wrong float32 convolutions for some shapes on this machine,"
          + " which are rewritten into exact ones";
      case SAFE -> "AVX-512 kernels gave wrong float32 convolutions on this machine, also with the"
          + " rewrites; the AVX2 kernels gave exact ones";
      default -> "AVX-512 kernels gave wrong float32 convolutions on this machine, also with the"
          + " rewrites; the AVX2 kernels too for some shapes, which are rewritten into exact ones";
    };
  }

  /**
   * Runs the float32 check in a child JVM with the AVX-512 kernels, then, if they are wrong even
   * with the rewrites, in one with the AVX2 kernels: ALL, ALL_ROUTED, AVX2, AVX2_ROUTED, or null
   * when a child could not run. With AVX2 wrong even with the rewrites, AVX2_ROUTED (the least
   * wrong; {@code ticketlab doctor} and the tests then fail).
   */
  private static String probe() {
    Integer full = child(FULL);
    if (full == null) {
      return null;
    }
    if (full == 0) {
      return FULL;
    }
    if (full == 4) {
      return ROUTED;
    }
    Integer safe = child(SAFE);
    if (safe == null) {
      return null;
    }
    return safe == 0 ? SAFE : SAFE_ROUTED;
  }

  /** {@link Child}'s exit status under the cap {@code isa}, or null when it did not finish. */
  private static Integer child(String isa) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-D" + PROPERTY + "=" + isa);
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
      return code == 0 || code == 4 ? code : 3;
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
    key.append("|probe ").append(PROBE_VERSION);
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

  /**
   * Child entry point: exit 0 when float32 convolutions are exact with the plain kernels, 4 when
   * they are exact only with {@link Convolutions}' rewrites, 3 when they are wrong either way.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) {
      if (ConvolutionSelfCheck.worst(false).error() <= TOLERANCE) {
        System.exit(0);
      }
      // the faulty kernels were seen to fail on some runs only: two rounds, both must be exact
      for (int round = 0; round < 2; round++) {
        ConvolutionSelfCheck.Worst w = ConvolutionSelfCheck.worst(true);
        if (!(w.error() <= TOLERANCE)) {
          System.out.println("rewritten: " + w.shape() + ": relative error " + w.error());
          System.exit(3);
        }
      }
      System.exit(4);
    }
  }

  /** The largest relative error of float32 against float64 that counts as exact. */
  static final double TOLERANCE = 1e-4;
}
