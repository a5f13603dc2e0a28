package io.saestreams.train;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that several {@link TrainerThread}s train on, one turn at a time each, so that an
 * instance with many replicas runs as many training threads as it has cores to spare rather than
 * one per replica (each of which would evict the others' weights from the caches it shares a core
 * with). Its threads are daemons, started as work comes and ended after a minute without any.
 */
public final class TrainerPool implements AutoCloseable {
  private static final long KEEP_ALIVE_SECONDS = 60;

  private final ThreadPoolExecutor executor;

  /**
   * @param threads the pool's threads
   * @param namePrefix its threads are named this followed by a number
   */
  public TrainerPool(int threads, String namePrefix) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    AtomicInteger next = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, namePrefix + next.getAndIncrement());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  Executor executor() {
    return executor;
  }

  /** Stops the threads once the turns queued have run; trainers still using the pool must be closed first. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
