package io.ticketlab.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ticketlab doctor} reports: the machine, the engine, the device, the thread settings,
 * a numerical self-check of a convolution's forward and backward pass, and the oneDNN probe.
 */
public final class Doctor {
  private Doctor() {}

  /** The findings, as ordered label → text pairs, and whether the engine works. */
  public record Findings(Map<String, String> lines, boolean engineOk, String failure) {}

  /**
   * Gathers the findings.
   *
   * @param probeOneDnn whether to run the child-JVM probe for the oneDNN SIGFPE (a few seconds)
   */
  public static Findings examine(boolean probeOneDnn) {
    Map<String, String> lines = new LinkedHashMap<>();
    Runtime rt = Runtime.getRuntime();
    lines.put("TicketLab", Versions.ticketlab());
    lines.put(
        "Java",
        System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.vm.name")
            + ")");
    lines.put(
        "OS",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " ("
            + System.getProperty("os.arch")
            + ")");
    lines.put("CPU cores", Integer.toString(rt.availableProcessors()));
    lines.put(
        "Memory",
        physicalMemory() + " physical, max heap " + gib(rt.maxMemory()));
    lines.put("DJL", Versions.djl() + " (offline, tracking off)");

    Engine engine;
    try {
      engine = Engines.pytorch();
    } catch (RuntimeException | LinkageError e) {
      lines.put("Engine", "FAILED to load: " + e.getMessage());
      return new Findings(lines, false, "the PyTorch engine did not load: " + e.getMessage());
    }
    LocalLibtorch local = EngineSettings.localLibtorch();
    lines.put(
        "PyTorch",
        engine.getVersion()
            + " ("
            + (local != null ? local.flavor() : Versions.nativeFlavor())
            + ", "
            + Versions.nativeClassifier()
            + "), engine cache "
            + Utils.getEngineCacheDir("pytorch"));
    String loaded = LoadedLibraries.folderOf(System.mapLibraryName("c10"));
    lines.put(
        "libtorch",
        (local != null
                ? local.describe()
                : "bundled pytorch-native-" + Versions.nativeFlavor() + " jar, unpacked to " + libtorchPath())
            + "; loaded from " + (loaded == null ? "(unknown: no /proc/self/maps)" : loaded));
    lines.put("Device", describeDevice(engine));
    lines.put("Computes on", computesOn(engine));
    lines.put(
        "Threads",
        "intra-op "
            + JniUtils.getNumThreads()
            + ", inter-op "
            + JniUtils.getNumInteropThreads()
            + " (--threads to change)");

    String failure = null;
    boolean ok;
    try {
      ConvolutionSelfCheck.Result r = ConvolutionSelfCheck.run();
      ok = r.ok();
      String text =
          String.format(
              Locale.ROOT,
              "conv2d forward vs direct loop: rel. error %.1e; gradients vs finite differences:"
                  + " weight %.1e, input %.1e (tolerance %.0e)",
              r.forwardError(),
              r.weightGradientError(),
              r.inputGradientError(),
              ConvolutionSelfCheck.TOLERANCE);
      lines.put("Self-check", (ok ? "passed: " : "FAILED: ") + text);
      if (!ok) {
        failure = "the convolution self-check failed: " + text;
      }
    } catch (RuntimeException | LinkageError e) {
      ok = false;
      failure = "the convolution self-check could not run: " + e.getMessage();
      lines.put("Self-check", "FAILED: " + e.getMessage());
    }

    try {
      double err = ConvolutionSelfCheck.float32GradientError();
      boolean f32ok = err <= 1e-4;
      String text =
          String.format(
              Locale.ROOT,
              "float32 conv values and gradients vs float64 (a survey of " + ConvolutionSelfCheck.survey().size() + " shapes, as the models compute them): max rel. error %.1e"
                  + " (tolerance 1e-4); oneDNN ISA cap ONEDNN_MAX_CPU_ISA=%s: %s",
              err,
              EngineSettings.oneDnnIsa(),
              EngineSettings.oneDnnIsaReason());
      lines.put("Float32 check", (f32ok ? "passed: " : "FAILED: ") + text);
      if (!f32ok) {
        ok = false;
        failure =
            "float32 convolution gradients are wrong on this machine: "
                + text
                + " (try ONEDNN_MAX_CPU_ISA=AVX2 or a lower ISA)";
      }
    } catch (RuntimeException | LinkageError e) {
      ok = false;
      failure = "the float32 gradient check could not run: " + e.getMessage();
      lines.put("Float32 check", "FAILED: " + e.getMessage());
    }

    for (ai.djl.Device gpu : selectedGpus(engine)) {
      // the convolution self-check again on each GPU the command line selects
      String key = "Check " + gpu;
      try {
        // float64 only: float32 convolutions on a GPU may use TF32 by design
        ConvolutionSelfCheck.Result r = ConvolutionSelfCheck.run(gpu);
        String text = String.format(Locale.ROOT,
            "float64 conv2d vs direct loop %.1e, gradients vs finite differences: weight %.1e, input %.1e"
                + " (tolerance %.0e)",
            r.forwardError(), r.weightGradientError(), r.inputGradientError(), ConvolutionSelfCheck.TOLERANCE);
        lines.put(key, (r.ok() ? "passed: " : "FAILED: ") + text);
        if (!r.ok()) {
          ok = false;
          failure = "the convolution self-check failed on " + gpu + ": " + text;
        }
      } catch (RuntimeException | LinkageError e) {
        ok = false;
        failure = "the convolution checks could not run on " + gpu + ": " + e.getMessage();
        lines.put(key, "FAILED: " + e.getMessage());
      }
    }

    lines.put("Native memory", EngineSettings.nativeMemory());

    if (probeOneDnn) {
      OneDnnStride2Probe.Report report = OneDnnStride2Probe.probe(180);
      String text;
      switch (report.outcome()) {
        case NOT_AFFECTED:
          text = "1x1 stride-2 conv backward, 512 channels: not affected (" + report.detail() + ")";
          break;
        case AFFECTED:
          text =
              "1x1 stride-2 conv backward, 512 channels: AFFECTED ("
                  + report.detail()
                  + "); TicketLab's models use subsample + stride-1 convs, so training is safe";
          break;
        default:
          text = "1x1 stride-2 conv backward, 512 channels: inconclusive (" + report.detail() + ")";
          break;
      }
      lines.put("oneDNN probe", text);
    } else {
      lines.put("oneDNN probe", "skipped (--no-probe)");
    }
    return new Findings(lines, ok, failure);
  }

  private static String libtorchPath() {
    try {
      return LibUtils.getLibtorchPath();
    } catch (RuntimeException e) {
      return "(unknown)";
    }
  }

  private static String describeDevice(Engine engine) {
    int gpus = engine.getGpuCount();
    if (gpus == 0) {
      return "CPU (no CUDA GPU visible to the engine)";
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      String cc;
      try {
        cc = CudaUtils.getComputeCapability(i);
      } catch (RuntimeException | LinkageError e) {
        cc = "?";
      }
      names.add("gpu(" + i + ") compute capability " + cc);
    }
    String smi = nvidiaSmiNames();
    return "GPU: " + String.join(", ", names) + (smi.isEmpty() ? "" : " [" + smi + "]");
  }

  /** The GPUs of {@code --device} (none when it selects the CPU or cannot be satisfied). */
  private static List<ai.djl.Device> selectedGpus(Engine engine) {
    try {
      return EngineSettings.devices().resolve(engine.getGpuCount()).stream().filter(ai.djl.Device::isGpu).toList();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /** The devices of {@code --device}, or why they cannot be used (doctor reports, never fails). */
  private static String computesOn(Engine engine) {
    DeviceChoice choice = EngineSettings.devices();
    try {
      java.util.List<ai.djl.Device> devices = choice.resolve(engine.getGpuCount());
      return devices + " (--device " + choice + (devices.size() > 1 ? "; data-parallel training" : "") + ")";
    } catch (IllegalArgumentException e) {
      return "none: --device " + choice + ": " + e.getMessage();
    }
  }

  private static String nvidiaSmiNames() {
    try {
      Process p =
          new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 ? out.replace('\n', ';') : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String physicalMemory() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return gib(((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize());
    }
    return "unknown";
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
