package io.ticketlab.common;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a training run in a child JVM: iterations of 50 ms with a {@link StopRequest}
 * safe point after each; writes {@code started} once running and {@code stopped} (the message)
 * when a signal stopped it at a safe point. Used by the launcher's signal test.
 */
public final class StopRequestProbe {
  private StopRequestProbe() {}

  public static void main(String[] args) throws Exception {
    StopRequest.install();
    Path dir = Path.of(args[0]);
    String message;
    StopRequest.enter();
    try {
      Files.writeString(dir.resolve("started"), Long.toString(ProcessHandle.current().pid()));
      for (long it = 1; ; it++) {
        Thread.sleep(50);
        StopRequest.safePoint("after iteration " + it);
      }
    } catch (StopRequest.StoppedException e) {
      Files.writeString(dir.resolve("stopped"), e.getMessage());
      message = e.getMessage();
    } finally {
      StopRequest.exit();
    }
    // as in the CLI: the message is printed after the work has ended (its folders' locks released,
    // the exception handed up to the command line), a while after the safe point
    Thread.sleep(300);
    System.err.println("probe: " + message);
    StopRequest.reported();
  }
}
