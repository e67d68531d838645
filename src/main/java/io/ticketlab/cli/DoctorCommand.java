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
    description = {
      "Check the machine, the engine and the device: prints versions and settings, runs a small"
          + " convolution forward+backward against a reference, and probes the oneDNN stride-2 fault"
          + " in a child JVM."
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
