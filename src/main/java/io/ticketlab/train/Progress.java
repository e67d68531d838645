package io.ticketlab.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A one-line progress bar on the console: iteration, percentage, loss and its terms, iterations
 * and images per second, the share of time spent waiting for data, and ETA, redrawn at most every half second. Silent when disabled (tests,
 * {@code --quiet}).
 */
public final class Progress {
  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start;
  private final long startIteration;
  private final int imagesPerIteration;
  private long lastDraw;
  private boolean drawn;
  private long dataWaitNanos;
  private double dataShare = -1;

  /**
   * @param out where to draw, or null for no output
   * @param label what is running, e.g. "train"
   * @param startIteration the iteration the run starts (or resumes) at
   * @param total the last iteration
   */
  public Progress(PrintStream out, String label, long startIteration, long total) {
    this(out, label, startIteration, total, 0);
  }

  /**
   * @param imagesPerIteration images one iteration consumes (for images per second), 0 if unknown
   */
  public Progress(PrintStream out, String label, long startIteration, long total, int imagesPerIteration) {
    this.out = out;
    this.imagesPerIteration = imagesPerIteration;
    this.label = label;
    this.total = total;
    this.startIteration = startIteration;
    this.start = System.nanoTime();
  }

  /**
   * Adds time the loop spent waiting for its next batch (decoding, augmentation, copies); the bar
   * shows it as the share of the elapsed time spent waiting for data.
   */
  public void addDataWait(long nanos) {
    dataWaitNanos += nanos;
  }

  /** Records that {@code iteration} iterations are done, with the latest loss. */
  public void update(long iteration, double loss) {
    update(iteration, loss, Map.of());
  }

  /**
   * Records that {@code iteration} iterations are done, with the latest loss and its terms (shown
   * without their {@code loss_} prefix when there are several).
   */
  public void update(long iteration, double loss, Map<String, Double> terms) {
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    if (iteration < total && now - lastDraw < 500_000_000L) {
      return;
    }
    lastDraw = now;
    double seconds = (now - start) / 1e9;
    if (dataWaitNanos > 0) {
      dataShare = dataWaitNanos / Math.max(now - start, 1.0);
    }
    double rate = (iteration - startIteration) / Math.max(seconds, 1e-9);
    long eta = rate > 0 ? (long) ((total - iteration) / rate) : -1;
    out.print(line(iteration, loss, terms, rate, eta));
    out.flush();
    drawn = true;
  }

  /** The text of the bar (without the carriage return's redraw semantics tested elsewhere). */
  String line(long iteration, double loss, Map<String, Double> terms, double rate, long eta) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "\r%s %d/%d (%3.0f%%) loss %.4f", label, iteration, total,
        100.0 * iteration / Math.max(total, 1), loss));
    if (terms.size() > 1) {
      StringJoiner parts = new StringJoiner(" ", " (", ")");
      terms.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.3f",
          k.startsWith("loss_") ? k.substring(5) : k, v)));
      b.append(parts);
    }
    b.append(String.format(Locale.ROOT, "  %.2f it/s", rate));
    if (imagesPerIteration > 0) {
      b.append(String.format(Locale.ROOT, " %.1f img/s", rate * imagesPerIteration));
    }
    if (dataShare >= 0) {
      b.append(String.format(Locale.ROOT, " (data wait %.0f%%)", 100 * dataShare));
    }
    b.append("  ETA ").append(eta < 0 ? "?" : formatDuration(eta)).append("   ");
    return b.toString();
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
