package io.ticketlab.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Checks, in a child JVM, whether this machine has the oneDNN fault that kills the process with
 * SIGFPE in the backward pass of a 1×1 stride-2 convolution with ≥512 input channels (ResNet-50's
 * downsample). The crash cannot be caught, so it must not happen in the caller's JVM. TicketLab's
 * models use the equivalent subsample + stride-1 convolution where it matters, whatever the answer.
 */
public final class OneDnnStride2Probe {
  /** Exit status of a JVM killed by SIGFPE (128 + 8). */
  static final int SIGFPE_EXIT = 136;

  private OneDnnStride2Probe() {}

  /** What the probe found. */
  public enum Outcome {
    /** The backward pass ran in the child JVM. */
    NOT_AFFECTED,
    /** The child JVM died with SIGFPE: the machine has the fault. */
    AFFECTED,
    /** The child failed in some other way; see the detail. */
    INCONCLUSIVE
  }

  /** The probe's outcome with a line of detail. */
  public record Report(Outcome outcome, String detail) {}

  /** Child entry point: the risky backward pass; exits 0 when it survives. */
  public static void main(String[] args) {
    Engine engine = Engines.pytorch();
    try (NDManager manager = engine.newBaseManager(ai.djl.Device.cpu())) {
      NDArray input = manager.randomNormal(new Shape(2, 512, 14, 14));
      NDArray weight = manager.randomNormal(new Shape(1024, 512, 1, 1)).mul(0.01f);
      input.setRequiresGradient(true);
      weight.setRequiresGradient(true);
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDArray out =
            Conv2d.conv2d(input, weight, null, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
        collector.backward(out.sum());
      }
      float check = weight.getGradient().sum().getFloat();
      System.out.println("stride-2 backward survived, gradient sum " + check);
    }
    System.exit(0);
  }

  /** Runs {@link #main} in a child JVM with the same class path and waits at most the timeout. */
  public static Report probe(long timeoutSeconds) {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx1g");
    Path scratch;
    try {
      scratch = Files.createTempDirectory("ticketlab-probe");
    } catch (IOException e) {
      return new Report(Outcome.INCONCLUSIVE, "no temporary folder: " + e.getMessage());
    }
    // A crash writes an hs_err file; keep it out of the user's folder and delete it afterwards.
    command.add("-XX:ErrorFile=" + scratch.resolve("hs_err.log"));
    command.addAll(
        ChildJvm.engineProperties("ENGINE_CACHE_DIR", "DJL_CACHE_DIR", "ai.djl.pytorch.num_threads"));
    String isa = EngineSettings.oneDnnIsa();
    if (!isa.equals("none") && !isa.equals("unknown") && !isa.equals("not set")) {
      command.add("-D" + OneDnnIsa.PROPERTY + "=" + isa);
    }
    command.add("-cp");
    command.add(ChildJvm.absoluteClassPath());
    command.add(OneDnnStride2Probe.class.getName());
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).directory(scratch.toFile());
    try {
      Process process = pb.start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> drain(process.getInputStream(), output), "probe-output");
      reader.setDaemon(true);
      reader.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Report(Outcome.INCONCLUSIVE, "child JVM did not finish in " + timeoutSeconds + " s");
      }
      reader.join(2000);
      int code = process.exitValue();
      String text = output.toString(StandardCharsets.UTF_8).strip();
      if (code == 0) {
        return new Report(Outcome.NOT_AFFECTED, "backward pass ran in a child JVM");
      }
      // The JVM's own handler turns SIGFPE in native code into a fatal-error report and abort.
      if (code == SIGFPE_EXIT || text.contains("SIGFPE")) {
        String frame = text.lines().filter(l -> l.contains("dnnl")).findFirst().orElse("").strip();
        return new Report(
            Outcome.AFFECTED,
            "child JVM killed by SIGFPE" + (frame.isEmpty() ? "" : " in " + abbreviate(frame)));
      }
      String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
      return new Report(Outcome.INCONCLUSIVE, "child JVM exited with " + code + ": " + last);
    } catch (IOException e) {
      return new Report(Outcome.INCONCLUSIVE, "could not start a child JVM: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Report(Outcome.INCONCLUSIVE, "interrupted");
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static String abbreviate(String frame) {
    String f = frame.replaceFirst("^#\\s*", "");
    return f.length() <= 100 ? f : f.substring(0, 97) + "...";
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream sink) {
    try (in) {
      in.transferTo(sink);
    } catch (IOException e) {
      // the child is gone; what we have is enough
    }
  }
}
