package io.ticketlab.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.LoggerFactory;

/**
 * Where the log goes: every command appends to a rolling log file ({@link #logFile()}); the console
 * only shows warnings and errors (the progress and results of a command are printed by the command
 * itself). The folder is {@code $TICKETLAB_LOG_DIR}, or {@code ~/.ticketlab/logs}, or the temporary
 * folder when the home folder is not writable.
 */
public final class Logging {
  private static final String DIR_PROPERTY = "ticketlab.log.dir";
  private static volatile boolean initialised;

  private Logging() {}

  /** Chooses the log folder; must run before the first logger is created. */
  static synchronized void init() {
    if (initialised) {
      return;
    }
    if (System.getProperty(DIR_PROPERTY) == null) {
      System.setProperty(DIR_PROPERTY, chooseDir().toString());
    }
    initialised = true;
  }

  private static Path chooseDir() {
    String env = System.getenv("TICKETLAB_LOG_DIR");
    Path preferred =
        env != null && !env.isBlank()
            ? Paths.get(env)
            : Paths.get(System.getProperty("user.home"), ".ticketlab", "logs");
    try {
      Files.createDirectories(preferred);
      if (Files.isWritable(preferred)) {
        return preferred.toAbsolutePath();
      }
    } catch (IOException | SecurityException e) {
      // fall through to the temporary folder
    }
    return Paths.get(System.getProperty("java.io.tmpdir"), "ticketlab-logs").toAbsolutePath();
  }

  /** The log file of this process. */
  public static Path logFile() {
    init();
    return Paths.get(System.getProperty(DIR_PROPERTY), "ticketlab.log");
  }

  /** {@code --verbose}: debug logging for TicketLab's own loggers, also on the console. */
  static void setVerbose(boolean verbose) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      return;
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.getLogger("io.ticketlab").setLevel(verbose ? Level.DEBUG : Level.INFO);
    Appender<ILoggingEvent> console =
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
    if (console != null) {
      ThresholdFilter threshold = new ThresholdFilter();
      threshold.setLevel(verbose ? "DEBUG" : "WARN");
      threshold.start();
      console.clearAllFilters();
      console.addFilter(threshold);
    }
  }
}
