package io.ticketlab.common;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stopping at a safe point on SIGTERM or SIGINT (a scheduler's or a user's stop). The JVM runs its
 * shutdown hooks on these signals; the hook that {@link #install} adds asks long-running work to
 * stop and waits, at most {@link #GRACE_MILLIS}, until every piece of work inside {@link #enter} /
 * {@link #exit} has reached a {@link #safePoint}: the training loop checks one after each
 * iteration, once its checkpoint (if due) is written, so the JVM ends between iterations, never in
 * the middle of one. A killed run resumes from its last checkpoint with the same command (all files
 * are written atomically, so an abrupt end leaves no half-written one either; the temporary files
 * it may leave are removed by {@link AtomicFiles#removeStaleTemporaries}).
 */
public final class StopRequest {
  /** How long the hook waits for work to reach a safe point; the JVM is gone well within 10 s. */
  public static final long GRACE_MILLIS = 6000;

  private static final AtomicBoolean REQUESTED = new AtomicBoolean();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  /** Work ended at a safe point; its message is still to be printed. */
  private static final AtomicBoolean STOPPED = new AtomicBoolean();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final AtomicInteger ACTIVE = new AtomicInteger();
  private static final Object LOCK = new Object();

  private StopRequest() {}

  /** Thrown at a safe point once a stop was requested; the work ends there, resumable. */
  public static final class StoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoppedException(String message) {
      super(message);
    }
  }

  /** Adds the shutdown hook (once per JVM); the launcher's entry point calls it. */
  public static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(StopRequest::onShutdown, "ticketlab-stop"));
    }
  }

  /** Asks running work to stop at its next safe point (what the hook does; tests call it too). */
  public static void request() {
    REQUESTED.set(true);
  }

  /** Whether a stop was requested. */
  public static boolean requested() {
    return REQUESTED.get();
  }

  /** Marks the start of work that reaches safe points; pair with {@link #exit} in a finally. */
  public static void enter() {
    ACTIVE.incrementAndGet();
  }

  /** Marks the end of such work. */
  public static void exit() {
    if (ACTIVE.decrementAndGet() <= 0) {
      synchronized (LOCK) {
        LOCK.notifyAll();
      }
    }
  }

  /**
   * A point where the work can end without losing more than its unsaved progress.
   *
   * @param where what was done so far, for the message (e.g. {@code "after iteration 120"})
   * @throws StoppedException when a stop was requested
   */
  public static void safePoint(String where) {
    if (REQUESTED.get()) {
      STOPPED.set(true);
      throw new StoppedException("stopped by a signal " + where
          + "; run the same command again to resume from the last checkpoint");
    }
  }

  /**
   * Says that the message of a {@link StoppedException} has been printed: the JVM ends only then
   * (or at the end of the grace period), so that the user learns where the work stopped and how to
   * resume. The command line's error handler calls it.
   */
  public static void reported() {
    REPORTED.set(true);
    synchronized (LOCK) {
      LOCK.notifyAll();
    }
  }

  /** Back to no request; for tests that run several commands in one JVM. */
  public static void reset() {
    REQUESTED.set(false);
    STOPPED.set(false);
    REPORTED.set(false);
  }

  private static void onShutdown() {
    request();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    synchronized (LOCK) {
      // until the work has reached its safe point and, if it stopped there, its message is out
      while (ACTIVE.get() > 0 || (STOPPED.get() && !REPORTED.get())) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        try {
          LOCK.wait(Math.min(left, 100));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
