package io.ticketlab.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.Engines;
import io.ticketlab.engine.Versions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how a run folder's results were computed (Tribuo's provenance): {@code provenance.json}
 * holds one {@link Session} per process that worked in the folder — the first run and every resume
 * — with TicketLab's version and git commit, Java, DJL and libtorch, devices, threads, the oneDNN ISA
 * cap and native-memory setting in force, seed, host, command line, and start and finish times. Two
 * results that differ can so be told apart. Written atomically at the start of a session and again
 * when it finishes.
 */
public record Provenance(List<Session> sessions) {

  /** One process's work in the folder; {@code finished} is null while it runs (or if it was killed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Session(
      String ticketlab,
      String gitCommit,
      String java,
      String os,
      String djl,
      String libtorch,
      List<String> devices,
      int threads,
      String onednnIsa,
      String nativeMemory,
      long seed,
      String host,
      long pid,
      String commandLine,
      String started,
      String finished) {

    Session finishedNow() {
      return new Session(ticketlab, gitCommit, java, os, djl, libtorch, devices, threads, onednnIsa, nativeMemory,
          seed, host, pid, commandLine, started, Instant.now().toString());
    }
  }

  /** System property holding the command line of this process's TicketLab command (set by the CLI). */
  public static final String COMMAND_PROPERTY = "ticketlab.command";

  /** The file of a run folder. */
  public static Path file(Path dir) {
    return dir.resolve("provenance.json");
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** This process's session, starting now (the engine must be loaded: devices and the ISA cap are read). */
  public static Session capture(long seed) {
    List<String> devices = new ArrayList<>();
    Engines.devices().forEach(d -> devices.add(d.toString()));
    return new Session(
        Versions.ticketlab(), Versions.gitCommit(),
        System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        Versions.djl(), Engines.pytorch().getVersion() + " (" + Versions.nativeFlavor() + ")",
        devices, EngineSettings.threads(), EngineSettings.oneDnnIsa(), EngineSettings.nativeMemory(), seed, host(),
        ProcessHandle.current().pid(), commandLine(), Instant.now().toString(), null);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
  }

  /** The command that started this JVM: main class and arguments as Java saw them. */
  private static String commandLine() {
    String command = System.getProperty(COMMAND_PROPERTY);
    if (command != null) {
      return command;
    }
    String c = System.getProperty("sun.java.command");
    if (c != null && c.startsWith("io.ticketlab.cli.Main")) {
      return "ticketlab" + c.substring("io.ticketlab.cli.Main".length());
    }
    return c == null ? ProcessHandle.current().info().commandLine().orElse("unknown") : c;
  }

  /** Reads {@code dir}'s provenance (none yet: no sessions). */
  public static Provenance read(Path dir) throws IOException {
    Path f = file(dir);
    return Files.exists(f) ? JSON.readValue(f.toFile(), Provenance.class) : new Provenance(List.of());
  }

  /** Records {@code session} as started in {@code dir}. */
  public static void started(Path dir, Session session) throws IOException {
    List<Session> all = new ArrayList<>(read(dir).sessions());
    all.add(session);
    write(dir, all);
  }

  /** Marks {@code session} as finished now. */
  public static void finished(Path dir, Session session) throws IOException {
    List<Session> all = new ArrayList<>(read(dir).sessions());
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).equals(session)) {
        all.set(i, session.finishedNow());
        write(dir, all);
        return;
      }
    }
    all.add(session.finishedNow());
    write(dir, all);
  }

  private static void write(Path dir, List<Session> sessions) throws IOException {
    AtomicFiles.writeString(file(dir), JSON.writeValueAsString(new Provenance(sessions)) + "\n");
  }
}
