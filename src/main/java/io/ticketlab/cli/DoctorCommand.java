package io.ticketlab.cli;

import io.ticketlab.engine.Doctor;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ticketlab doctor}: checks that this machine can run TicketLab. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    header = "Check that this machine can run TicketLab: engine, device, threads.",
    description = {
      "Prints Java, OS, cores, memory, engine versions, the libtorch in use (bundled, or local with"
          + " --libtorch/TICKETLAB_LIBTORCH: its version, flavour and the folder it was really loaded"
          + " from), device and thread settings; runs a small"
          + " double-precision convolution forward and backward against a direct loop and finite"
          + " differences; and probes, in a child JVM, whether this machine has the oneDNN SIGFPE"
          + " in 1x1 stride-2 convolution backward passes. Exits 1 when the engine does not work."
    })
final class DoctorCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--no-probe",
      description = "Skip the child-JVM probe of the oneDNN SIGFPE (saves a few seconds).")
  boolean noProbe;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Doctor.Findings findings = Doctor.examine(!noProbe);
    int width = findings.lines().keySet().stream().mapToInt(String::length).max().orElse(8) + 2;
    for (Map.Entry<String, String> e : findings.lines().entrySet()) {
      out.printf("%-" + width + "s%s%n", e.getKey(), e.getValue());
    }
    if (findings.engineOk()) {
      out.println("engine OK");
      out.flush();
      return 0;
    }
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println("doctor: engine NOT OK: " + findings.failure());
    err.flush();
    return 1;
  }
}
