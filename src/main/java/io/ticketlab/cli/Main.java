package io.ticketlab.cli;

import java.io.PrintWriter;
import io.ticketlab.train.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ticketlab} command line: parses, dispatches to one subcommand class per command, and
 * turns failures into the project's exit codes (0 success, 1 internal failure, 2 bad usage or bad
 * input). Commands hold no logic of their own; they call the library.
 */
@Command(
    name = "ticketlab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Find, transfer and analyse lottery tickets in object recognition networks.",
    description = {
      "TicketLab implements Girish et al., The Lottery Ticket Hypothesis for Object Recognition"
          + " (CVPR 2021) on DJL's PyTorch engine.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
      "Exit codes: 0 success, 1 internal failure (see the log), 2 bad usage or bad input.",
      "Run 'ticketlab COMMAND --help' for the options of one command."
    },
    subcommands = {
      DemoCommand.class,
      DoctorCommand.class,
      DataCommand.class,
      EvalCommand.class,
      AnalyzeCommand.class,
      TrainCommand.class,
      ClassifyCommand.class,
      LotteryCommand.class,
      TransferCommand.class,
      SweepCommand.class,
      PredictCommand.class,
      SparsityCommand.class,
      SizeCommand.class,
      ReportCommand.class,
      MacsCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Mixin GlobalOptions global;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Entry point of the launcher. */
  public static void main(String[] args) {
    io.ticketlab.common.StopRequest.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; used by tests. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output streams and returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Logging.init();
    return execute(newCommandLine(), out, err, args);
  }

  /** Runs an already configured command line; tests use it to add commands of their own. */
  static int execute(CommandLine cmd, PrintWriter out, PrintWriter err, String... args) {
    RunSettings.reset();
    // what provenance.json records as the command (the JVM's own line names the launcher's classes)
    System.setProperty(Provenance.COMMAND_PROPERTY, "ticketlab " + String.join(" ", args));
    cmd.setOut(out);
    cmd.setErr(err);
    try {
      return cmd.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli passes Errors through; a heap too small for the input is one line, not a trace.
      CommandLine.ParseResult parsed = cmd.getParseResult();
      while (parsed != null && parsed.hasSubcommand()) {
        parsed = parsed.subcommand();
      }
      return ErrorHandlers.outOfMemory(parsed == null ? cmd : parsed.commandSpec().commandLine(), e);
    }
  }

  /** The configured picocli command line, with TicketLab's error handlers. */
  public static CommandLine newCommandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler(new ErrorHandlers.Usage());
    cmd.setExecutionExceptionHandler(new ErrorHandlers.Execution());
    cmd.setExecutionStrategy(Main::executeChecked);
    return cmd;
  }

  /**
   * picocli's {@code RunLast} after the checks every command shares: a local libtorch
   * ({@code --libtorch}, {@code TICKETLAB_LIBTORCH}) that is missing, incomplete or of another version,
   * and a {@code --device} that names a GPU this machine lacks, are refused before anything runs (no
   * run folder, no output).
   */
  private static int executeChecked(CommandLine.ParseResult parsed) {
    boolean help = false;
    CommandLine.ParseResult last = parsed;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      help |= p.isUsageHelpRequested() || p.isVersionHelpRequested()
          || p.commandSpec().userObject() instanceof CommandLine.HelpCommand;
      last = p;
    }
    if (!help) {
      try {
        RunSettings.applyLibtorch();
        io.ticketlab.engine.Engines.checkDeviceChoice();
      } catch (RuntimeException e) {
        throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  @Override
  public void run() {
    // No subcommand given: show what there is and treat it as a usage error.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
