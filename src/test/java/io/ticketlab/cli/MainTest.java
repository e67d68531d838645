package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

  /** What one invocation printed and returned. */
  record Outcome(int exitCode, String out, String err) {}

  static Outcome run(String... args) {
    return run(Main.newCommandLine(), args);
  }

  static Outcome run(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Logging.init();
    int code = Main.execute(cmd, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Command(name = "fail")
  static final class FailingCommand implements Runnable {
    @CommandLine.Option(names = "--how")
    String how = "bad-input";

    @Override
    public void run() {
      switch (how) {
        case "bad-input":
          throw BadInputException.of(
              Path.of("gt.json"), "annotations[3]", "bbox", "[1, NaN, 2, 2]", "not a finite number");
        case "out-of-memory":
          throw new OutOfMemoryError("Java heap space");
        case "out-of-memory-wrapped":
          throw new IllegalStateException("worker failed", new OutOfMemoryError("Java heap space"));
        case "missing-file":
          throw new java.io.UncheckedIOException(
              new java.nio.file.NoSuchFileException("results.json"));
        default:
          throw new IllegalStateException("something broke inside");
      }
    }
  }

  static CommandLine withFailingCommand() {
    return Main.newCommandLine().addSubcommand("fail", new FailingCommand());
  }

  @Test
  void help_listsCommandsWithDescriptions() {
    Outcome o = run("--help");
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).contains("Usage: ticketlab").contains("doctor").contains("Check that this machine can run TicketLab");
  }

  @Test
  void version_namesTicketLabDjlAndPyTorch() {
    Outcome o = run("--version");
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).contains("TicketLab").contains("DJL 0.36.0").contains("PyTorch 2.7.1");
  }

  @Test
  void unknownCommand_exits2WithOneLine() {
    Outcome o = run("nosuch");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("nosuch");
    assertThat(o.out()).isEmpty();
  }

  @Test
  void unknownOption_exits2WithOneLine() {
    Outcome o = run("doctor", "--no-such-option");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("--no-such-option");
  }

  @Test
  void badThreadCount_exits2() {
    Outcome o = run("--threads", "0", "doctor");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("--threads").contains("0");
  }

  @Test
  void badDevice_exits2NamingTheValue() {
    Outcome o = run("--device", "tpu", "doctor");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("--device").contains("tpu").contains("expected auto, cpu, gpu");
    Outcome twice = run("doctor", "--device", "gpu:1,1");
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.err()).contains("GPU 1 is listed twice");
  }

  @Test
  void noCommand_isAUsageError() {
    Outcome o = run();
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("a command is required");
  }

  @Test
  void badInput_exits2WithOneLineNamingFileRecordFieldAndValue() {
    Outcome o = run(withFailingCommand(), "fail");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err())
        .contains("gt.json")
        .contains("annotations[3].bbox")
        .contains("[1, NaN, 2, 2]")
        .doesNotContain("Exception");
  }

  @Test
  void missingFile_isBadInput() {
    Outcome o = run(withFailingCommand(), "fail", "--how", "missing-file");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("results.json: no such file");
    assertThat(o.err().strip().lines()).hasSize(1);
  }

  @Test
  void badInputWithVerbose_showsStackTrace() {
    Outcome o = run(withFailingCommand(), "--verbose", "fail");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("BadInputException").contains("at io.ticketlab");
  }

  @Test
  void internalFailure_exits1WithShortMessageAndLogPath() {
    Outcome o = run(withFailingCommand(), "fail", "--how", "bug");
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err())
        .contains("internal error: something broke inside")
        .contains(Logging.logFile().toString());
    assertThat(Files.exists(Logging.logFile())).isTrue();
  }

  @Test
  void outOfMemory_isOneLineSayingHowToGiveTheJvmMore() {
    for (String how : List.of("out-of-memory", "out-of-memory-wrapped")) {
      Outcome o = run(withFailingCommand(), "fail", "--how", how);
      assertThat(o.exitCode()).as(how).isEqualTo(1);
      assertThat(o.err().strip().lines()).as(how).hasSize(1);
      assertThat(o.err()).as(how).contains("out of memory").contains("TICKETLAB_JAVA_OPTS=-Xmx")
          .doesNotContain("at io.ticketlab").doesNotContain("internal error");
    }
  }

  @Test
  void everyCommandsHelp_isFormattedWithoutPicocliWarnings() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    List<String> helped = new java.util.ArrayList<>();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      visit(Main.newCommandLine(), List.of(), helped);
    } finally {
      System.setErr(saved);
    }
    assertThat(helped).contains("demo", "lottery branch", "eval voc", "analyze tide");
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void lotteryHelp_namesEveryBranchIncludingEarlyBird() {
    assertThat(run("lottery", "--help").out()).contains("early-bird");
    assertThat(run("lottery", "branch", "--help").out()).contains("random-reinit").contains("early-bird");
  }

  @Test
  void lotteryStatus_ofAFolderWithoutExperiments_saysSo() throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.createTempDirectory("ticketlab-status");
    try {
      Outcome o = run("lottery", "status", "--root", empty.toString());

      assertThat(o.exitCode()).isZero();
      assertThat(o.out().strip()).isEqualTo("no experiments (lottery_<id> folders) under " + empty);
    } finally {
      java.nio.file.Files.delete(empty);
    }
  }

  @Test
  void lotteryHelpConfig_listsEveryConfigKeyAndExits0WithoutAConfig() {
    Outcome o = run("lottery", "--help-config");

    assertThat(o.exitCode()).isZero();
    assertThat(o.err()).isEmpty();
    for (String key : io.ticketlab.config.ConfigHelp.keyPaths()) {
      assertThat(o.out()).contains("\n" + key + " (");
    }
    assertThat(o.out()).contains("training.lr (number)\n    default: classify 0.1, det/seg/kp 0.02");
    assertThat(run("lottery", "--help").out()).contains("--help-config");
  }

  private static void visit(CommandLine cmd, List<String> path, List<String> helped) {
    if (!path.isEmpty() && !(cmd.getCommand() instanceof CommandLine.HelpCommand)) {
      List<String> args = new java.util.ArrayList<>(path);
      args.add("--help");
      Outcome o = run(args.toArray(String[]::new));
      assertThat(o.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(o.out() + o.err()).as(String.join(" ", args)).doesNotContain("WARN");
      helped.add(String.join(" ", path));
    }
    for (java.util.Map.Entry<String, CommandLine> e : cmd.getSubcommands().entrySet()) {
      if (!e.getValue().getCommandSpec().name().equals(e.getKey())) {
        continue; // an alias
      }
      List<String> next = new java.util.ArrayList<>(path);
      next.add(e.getKey());
      visit(e.getValue(), next, helped);
    }
  }
}
