package io.ticketlab.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on the console: iteration, percentage, loss, iterations per second and
 * ETA, redrawn at most every half second. Silent when disabled (tests, {@code --quiet}).
 */
public final class Progress {
  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start;
  private final long startIteration;
  private long lastDraw;
  private boolean drawn;

  /**
   * @param out where to draw, or null for no output
   * @param label what is running, e.g. "train"
   * @param startIteration the iteration the run starts (or resumes) at
   * @param total the last iteration
   */
  public Progress(PrintStream out, String label, long startIteration, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.startIteration = startIteration;
    this.start = System.nanoTime();
  }

  /** Records that {@code iteration} iterations are done, with the latest loss. */
  public void update(long iteration, double loss) {
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    if (iteration < total && now - lastDraw < 500_000_000L) {
      return;
    }
    lastDraw = now;
    double seconds = (now - start) / 1e9;
    double rate = (iteration - startIteration) / Math.max(seconds, 1e-9);
    long eta = rate > 0 ? (long) ((total - iteration) / rate) : -1;
    out.printf(
        Locale.ROOT,
        "\r%s %d/%d (%3.0f%%) loss %.4f  %.2f it/s  ETA %s   ",
        label,
        iteration,
        total,
        100.0 * iteration / Math.max(total, 1),
        loss,
        rate,
        eta < 0 ? "?" : formatDuration(eta));
    out.flush();
    drawn = true;
  }

  /** Ends the line. */
  public void finish() {
    if (out != null && drawn) {
      out.println();
      out.flush();
    }
  }

  static String formatDuration(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
