package io.ticketlab.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Work shared between the calling thread and helper threads (one device each in data-parallel
 * training and inference): everything runs at once, the caller waits for all of it, and a failure
 * is rethrown only once every piece has stopped, so nothing still runs when the caller moves on.
 */
public final class Parallel {
  private Parallel() {}

  /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}, ... */
  public static ExecutorService pool(int threads, String name) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code here} on this thread and each of {@code elsewhere} on {@code pool}, all at the same
   * time, and returns their results in order ({@code here}'s first). Rethrows the first failure
   * (this thread's first, then in list order) after all have finished.
   */
  public static <T> List<T> runAll(ExecutorService pool, Supplier<T> here, List<Supplier<T>> elsewhere) {
    List<Future<T>> futures = new ArrayList<>();
    for (Supplier<T> s : elsewhere) {
      futures.add(pool.submit(s::get));
    }
    List<T> out = new ArrayList<>();
    RuntimeException failure = null;
    Error error = null;
    try {
      out.add(here.get());
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) {
      error = e;
    }
    for (Future<T> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          error = error != null ? error : err;
        } else if (failure == null) {
          failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted while waiting for parallel work", e);
        }
      }
    }
    if (error != null) {
      throw error;
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }
}
