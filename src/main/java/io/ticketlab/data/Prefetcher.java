package io.ticketlab.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Computes the items of a sequence ahead of their use on a bounded pool of background threads:
 * while the consumer trains on batch {@code k}, batches {@code k + 1 … k + depth} are decoded and
 * augmented. Each item is a pure function of its index ({@code producer}), so the items are the
 * same whatever the thread count or timing; memory holds at most {@code depth + 1} items.
 *
 * <p>Access is expected in increasing order (a training loop); any other index is computed on the
 * caller's thread and the read-ahead restarts from there (a resumed run). Threads are daemons and
 * end after a few idle seconds, so an abandoned prefetcher holds nothing.
 *
 * @param <T> the item type (e.g. a batch of pixels and labels)
 */
public final class Prefetcher<T> {
  private final LongFunction<T> producer;
  private final int depth;
  private final ThreadPoolExecutor pool;
  private final Deque<Pending<T>> ahead = new ArrayDeque<>();
  private long waitNanos;

  private record Pending<T>(long index, Future<T> future) {}

  /**
   * @param producer item of an index; called from pool threads, so it must be thread-safe
   * @param threads background threads, at least 1
   * @param depth items computed ahead, at least 1
   */
  public Prefetcher(LongFunction<T> producer, int threads, int depth) {
    if (threads < 1 || depth < 1) {
      throw new IllegalArgumentException("Invalid threads / depth: " + threads + "/" + depth);
    }
    this.producer = producer;
    this.depth = depth;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "ticketlab-data-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  /** The item of {@code index}, waiting for its background computation when needed. */
  public synchronized T get(long index) {
    while (!ahead.isEmpty() && ahead.peekFirst().index() < index) {
      ahead.pollFirst().future().cancel(false);
    }
    T item;
    long start = System.nanoTime();
    if (!ahead.isEmpty() && ahead.peekFirst().index() == index) {
      item = join(ahead.pollFirst().future());
    } else {
      for (Pending<T> p : ahead) {
        p.future().cancel(false);
      }
      ahead.clear();
      item = producer.apply(index);
    }
    waitNanos += System.nanoTime() - start;
    long next = ahead.isEmpty() ? index + 1 : ahead.peekLast().index() + 1;
    while (ahead.size() < depth) {
      long i = next++;
      ahead.addLast(new Pending<>(i, pool.submit(() -> producer.apply(i))));
    }
    return item;
  }

  /** Nanoseconds the consumer spent in {@link #get} waiting for items, since the last call. */
  public synchronized long takeWaitNanos() {
    long w = waitNanos;
    waitNanos = 0;
    return w;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for data", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
