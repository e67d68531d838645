package io.ticketlab.lottery;

import io.ticketlab.config.ConfigKeys;
import io.ticketlab.config.ExperimentConfig;
import io.ticketlab.config.ExperimentSpec;
import java.nio.file.Path;

/**
 * A lottery experiment ready to run: its resolved spec, the folder its relative data paths are
 * resolved against (the config file's), and the run id TicketLab 0.1 gave the same config (to
 * recognise that version's folders), and the config file itself (named in errors; null for a config
 * given as a record).
 */
public record Experiment(ExperimentSpec spec, Path base, String legacyRunId, Path file) {

  /** Reads, resolves and checks a config file; errors name the file and the key path. */
  public static Experiment read(Path configFile) {
    ExperimentConfig raw = ExperimentConfig.read(configFile);
    ExperimentSpec spec = ExperimentSpec.resolve(raw, ConfigKeys.file(configFile));
    return new Experiment(spec, configFile.toAbsolutePath().getParent(), ExperimentSpec.legacyRunId(raw), configFile);
  }

  /**
   * Resolves a config given as a record; relative paths against {@code base}; errors named by
   * {@code keys}; {@code file} the config file it came from (named in later errors), or null.
   */
  public static Experiment of(ExperimentConfig raw, Path base, ConfigKeys keys, Path file) {
    return new Experiment(ExperimentSpec.resolve(raw, keys), base, ExperimentSpec.legacyRunId(raw), file);
  }

  /** The experiment's folder under {@code root}. */
  public ExperimentLayout layout(Path root) {
    return ExperimentLayout.of(root, spec.runId());
  }
}
