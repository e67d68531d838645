package io.ticketlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ticketlab data}: the parent of the dataset commands (conversion, synthetic data). */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = {"Prepare datasets: convert between formats, make synthetic data."},
    commandListHeading = "%nCommands:%n",
    subcommands = {Voc2CocoCommand.class, SynthCommand.class})
final class DataCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a data command is required");
  }
}
