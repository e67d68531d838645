package io.ticketlab.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where an experiment runs and who owns it: the options {@code lottery} and {@code transfer} share (a picocli mixin). */
final class ExperimentOptions {
  @Option(names = "--root", defaultValue = "runs", paramLabel = "DIR", description = "Where run folders go (default: ${DEFAULT-VALUE}).")
  Path root;

  @Option(names = "--replicates", paramLabel = "R", description = "Replicates (seeds) to run (default: the config's).")
  Integer replicates;

  @Option(names = "--wait", description = "If another process runs this experiment, wait for it, then continue.")
  boolean waitForOwner;
}
