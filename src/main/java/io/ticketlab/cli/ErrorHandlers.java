package io.ticketlab.cli;

import io.ticketlab.common.BadInputException;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * TicketLab's error conventions for every command: usage errors and bad input print one line and
 * exit with {@link #BAD_INPUT}; internal failures print a short message with the log path and exit
 * with {@link #INTERNAL}. {@code --verbose} adds the stack trace.
 */
final class ErrorHandlers {
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 1;
  /** Goes to the log file only (see logback.xml): the console gets our one-line message. */
  private static final Logger LOG = LoggerFactory.getLogger("ticketlab.failures");
  /** Operating-system reasons that describe the path the user gave, not a fault of ours. */
  private static final Pattern USER_FILE_REASONS = Pattern.compile(
      "(?i)is a directory|not a directory|read-only file system|permission denied|no such file");

  private ErrorHandlers() {}

  /** Unknown commands, unknown options, unparsable option values. */
  static final class Usage implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      String name = cmd.getCommandSpec().qualifiedName();
      // An option setter that rejected its value: show our message, not picocli's wrapper.
      String message =
          ex.getCause() instanceof BadInputException ? ex.getCause().getMessage() : ex.getMessage();
      err.println(name + ": " + oneLine(message) + " (see '" + name + " --help')");
      if (RunSettings.verbose()) {
        ex.printStackTrace(err);
      }
      err.flush();
      return BAD_INPUT;
    }
  }

  /** Exceptions thrown while a command runs. */
  static final class Execution implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      String name = cmd.getCommandSpec().qualifiedName();
      String badInput = badInputMessage(ex);
      if (badInput != null) {
        LOG.info("bad input: {}", badInput, ex);
        err.println(name + ": " + oneLine(badInput));
        if (RunSettings.verbose()) {
          ex.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
      }
      if (outOfMemory(ex) != null) {
        return outOfMemory(cmd, ex);
      }
      Throwable diverged = causeOf(ex, io.ticketlab.train.TrainingLoop.TrainingDivergedException.class);
      if (diverged != null) {
        // the settings' doing, not a fault of the program: say which settings to change
        LOG.info("training diverged", ex);
        err.println(name + ": training diverged: " + oneLine(diverged.getMessage()) + "; lower the learning rate"
            + " (training.lr, --lr) or lengthen the warm-up (training.warmup, --warmup); the checkpoints written"
            + " before it are kept");
        if (RunSettings.verbose()) {
          ex.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
      }
      if (ex instanceof io.ticketlab.common.StopRequest.StoppedException) {
        err.println(name + ": " + ex.getMessage());
        err.flush();
        io.ticketlab.common.StopRequest.reported(); // the JVM may end now
        return INTERNAL;
      }
      LOG.error("internal failure in '{}'", name, ex);
      String message = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
      err.println(
          name
              + ": internal error: "
              + oneLine(message)
              + " (details in "
              + Logging.logFile()
              + ")");
      if (RunSettings.verbose()) {
        ex.printStackTrace(err);
      }
      err.flush();
      return INTERNAL;
    }
  }

  /** What to do when the Java heap ran out: the one line printed instead of a stack trace. */
  static final String OUT_OF_MEMORY = "out of memory: the Java heap is too small for this input; give the"
      + " JVM more, e.g. TICKETLAB_JAVA_OPTS=-Xmx16g ./ticketlab ... (now at most "
      + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)";

  /** Prints {@link #OUT_OF_MEMORY} for the command that ran out of heap; returns {@link #INTERNAL}. */
  static int outOfMemory(CommandLine cmd, Throwable ex) {
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    try {
      LOG.error("out of memory in '{}'", name, ex);
    } catch (OutOfMemoryError again) {
      // the log is a nicety; the console line is not
    }
    err.println(name + ": " + OUT_OF_MEMORY);
    if (RunSettings.verbose()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return INTERNAL;
  }

  /** The OutOfMemoryError in the causes of {@code ex}, or null. */
  static OutOfMemoryError outOfMemory(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        return oom;
      }
    }
    return null;
  }

  /** The one-line message for an exception caused by bad input, or null when it is internal. */
  static String badInputMessage(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof BadInputException) {
        return t.getMessage();
      }
      if (t instanceof ParameterException) {
        return t.getMessage();
      }
      if (t instanceof NoSuchFileException) {
        return ((NoSuchFileException) t).getFile() + ": no such file";
      }
      if (t instanceof AccessDeniedException) {
        return ((AccessDeniedException) t).getFile() + ": permission denied";
      }
      if (t instanceof FileAlreadyExistsException e) {
        // Files.createDirectories: something other than a folder stands there.
        return e.getFile() + ": exists and is not a folder";
      }
      if (t instanceof NotDirectoryException e) {
        return e.getFile() + ": not a folder";
      }
      if (t instanceof FileSystemException e && e.getFile() != null && e.getReason() != null
          && USER_FILE_REASONS.matcher(e.getReason()).find()) {
        return e.getFile() + ": " + e.getReason().strip();
      }
      if (t instanceof FileNotFoundException) {
        return t.getMessage();
      }
      if (t instanceof UncheckedIOException && t.getCause() == null) {
        return null;
      }
    }
    return null;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String firstLine = s.strip();
    int nl = firstLine.indexOf('\n');
    return nl < 0 ? firstLine : firstLine.substring(0, nl).strip();
  }

  /** {@code ex} or its first cause of {@code type}, or null. */
  private static Throwable causeOf(Throwable ex, Class<? extends Throwable> type) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }
}
