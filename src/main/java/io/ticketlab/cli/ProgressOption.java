package io.ticketlab.cli;

import java.io.PrintStream;
import picocli.CommandLine.Option;

/** The {@code --quiet} option of every command that shows progress (a picocli mixin). */
final class ProgressOption {
  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  /** Where progress goes: standard error, or nowhere with {@code --quiet}. */
  PrintStream stream() {
    return quiet ? null : System.err;
  }
}
