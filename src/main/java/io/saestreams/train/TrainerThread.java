package io.saestreams.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * An {@link OnlineTrainer} driven by one owner thread, trained on a thread of its own, on the
 * threads of a shared {@link TrainerPool} (with other trainers), or, when {@code background} is
 * false, on the owner's thread as each call is made.
 *
 * <p>The owner hands over samples ({@link #accept}) and partial-batch flushes ({@link #flush}) in
 * order; the trainer applies them in that order, so the result is the same as training on the
 * owner's thread, bit for bit. After each step the trainer leaves a {@link Done} in an outbox the
 * owner empties with {@link #drain}; when the step's version is due ({@code due}, or after a
 * flush) it also takes a publication with {@code publisher}, on the training thread, before
 * training on. {@link #await} runs a function on the trainer once everything handed over before
 * it has been trained (a checkpoint, for instance).
 *
 * <p>On a pool, the trainer's work is a queue of its own that at most one pool thread works
 * through at a time, {@link #QUANTUM_BATCHES} mini-batches' worth of samples per turn before it
 * lets the pool's other trainers have theirs; the order of everything handed over is kept, so the
 * result is the same bit for bit.
 *
 * <p>The hand-over queue is bounded: an owner that runs ahead of training waits. A failure on the
 * training thread is rethrown to the owner by its next call. Not thread-safe for several owners.
 *
 * @param <P> a publication (a model version, say)
 */
public final class TrainerThread<P> implements AutoCloseable {
  /**
   * One training step.
   *
   * @param steps the trainer's step count after it
   * @param publication what {@code publisher} took after the step, or null
   */
  public record Done<P>(StepResult step, long steps, P publication) {}

  private static final Object FLUSH = new Object();
  private static final Object STOP = new Object();
  private static final long WAIT_SLICE_MS = 100;
  /** On a pool: mini-batches' worth of samples trained in a turn before the next trainer's turn. */
  static final int QUANTUM_BATCHES = 2;

  private record Barrier(Function<OnlineTrainer, ?> function, CompletableFuture<Object> result) {}

  private final OnlineTrainer trainer;
  private final Function<OnlineTrainer, P> publisher;
  private final LongPredicate due;
  private final Queue<Done<P>> outbox = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<Object> inbox;
  private final Thread thread;
  private final String name;
  /** The pool's threads, or null (a thread of its own, or the owner's). */
  private final Executor pool;
  /** On a pool: whether a turn is queued or running. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** On a pool: held by a turn while it trains; {@link #close} takes it to wait for the turn. */
  private final ReentrantLock turn = new ReentrantLock();
  private final int quantum;
  private volatile boolean closed;
  private volatile Throwable failure;

  /**
   * @param background train on a thread of its own (named {@code name}) rather than the owner's
   * @param capacity most samples and commands waiting for the training thread
   * @param due whether the version reached by a full-batch step is published
   * @param publisher takes a publication of the trainer's state (runs on the training thread)
   */
  public TrainerThread(OnlineTrainer trainer, boolean background, int capacity, String name,
      LongPredicate due, Function<OnlineTrainer, P> publisher) {
    this(trainer, null, background, capacity, name, due, publisher);
  }

  /**
   * A trainer whose training runs on the threads of {@code pool}, one turn at a time.
   *
   * @param capacity most samples and commands waiting to be trained
   * @param name names the trainer in errors
   * @param due whether the version reached by a full-batch step is published
   * @param publisher takes a publication of the trainer's state (runs on a pool thread)
   */
  public TrainerThread(OnlineTrainer trainer, TrainerPool pool, int capacity, String name, LongPredicate due,
      Function<OnlineTrainer, P> publisher) {
    this(trainer, pool.executor(), false, capacity, name, due, publisher);
  }

  /** On {@code pool} if not null, else on a thread of its own if {@code ownThread}, else on the owner's. */
  private TrainerThread(OnlineTrainer trainer, Executor pool, boolean ownThread, int capacity, String name,
      LongPredicate due, Function<OnlineTrainer, P> publisher) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.trainer = trainer;
    this.due = due;
    this.publisher = publisher;
    this.name = name;
    this.pool = pool;
    this.quantum = pool == null ? 0 : QUANTUM_BATCHES * trainer.config().batchSize();
    this.inbox = pool != null || ownThread ? new ArrayBlockingQueue<>(capacity) : null;
    this.thread = ownThread ? new Thread(this::run, name) : null;
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Hands over a sample (not copied: do not modify it afterwards). */
  public void accept(float[] x) {
    if (inbox == null) {
      apply(x);
    } else {
      put(x);
    }
  }

  /**
   * Hands over a sample if the hand-over queue has room, without waiting; on the owner's thread
   * (no thread of its own) it trains at once. Returns false, taking nothing, when the queue is full.
   */
  public boolean offer(float[] x) {
    if (inbox == null) {
      apply(x);
      return true;
    }
    rethrow();
    if (!inbox.offer(x)) {
      return false;
    }
    signal();
    return true;
  }

  /** Hands over a flush: the buffered samples, if any, are trained as a short batch. */
  public void flush() {
    if (inbox == null) {
      apply(FLUSH);
    } else {
      put(FLUSH);
    }
  }

  /** The steps trained since the last call, oldest first. */
  public List<Done<P>> drain() {
    rethrow();
    List<Done<P>> out = new ArrayList<>();
    for (Done<P> d; (d = outbox.poll()) != null; ) {
      out.add(d);
    }
    return out;
  }

  /**
   * Runs {@code function} on the trainer after everything handed over so far has been trained,
   * and returns its result; steps trained before it are in the outbox.
   */
  @SuppressWarnings("unchecked")
  public <T> T await(Function<OnlineTrainer, T> function) {
    if (inbox == null) {
      return function.apply(trainer);
    }
    Barrier b = new Barrier(function, new CompletableFuture<>());
    put(b);
    while (true) {
      try {
        return (T) b.result().get(WAIT_SLICE_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        rethrow();
      } catch (ExecutionException e) {
        throw new IllegalStateException("training failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the training thread", e);
      }
    }
  }

  /**
   * Runs {@code function} on the trainer once everything handed over before it has been trained,
   * without waiting for it: the owner polls the returned future (it waits only for room in the
   * hand-over queue). On the owner's thread (no thread of its own) it runs at once.
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> submit(Function<OnlineTrainer, T> function) {
    if (inbox == null) {
      return CompletableFuture.completedFuture(function.apply(trainer));
    }
    Barrier b = new Barrier(function, new CompletableFuture<>());
    put(b);
    return (CompletableFuture<T>) (CompletableFuture<?>) b.result();
  }

  /**
   * Stops the training thread, or on a pool waits for a turn in progress to end; what it has not
   * trained yet is dropped.
   */
  @Override
  public void close() {
    if (inbox == null) {
      return;
    }
    closed = true;
    if (pool != null) {
      inbox.clear();
      // a turn in progress ends after its current item
      turn.lock();
      turn.unlock();
      return;
    }
    inbox.clear();
    inbox.offer(STOP);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void put(Object item) {
    try {
      while (!inbox.offer(item, WAIT_SLICE_MS, TimeUnit.MILLISECONDS)) {
        rethrow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing a sample to the training thread", e);
    }
    signal();
    rethrow();
  }

  private void rethrow() {
    Throwable t = failure;
    if (t != null) {
      throw new IllegalStateException("training failed on thread " + name, t);
    }
  }

  /** On a pool: queues a turn unless one is queued or running. */
  private void signal() {
    if (pool != null && scheduled.compareAndSet(false, true)) {
      pool.execute(this::turn);
    }
  }

  /**
   * On a pool: trains up to {@link #quantum} samples (and the commands among them), then lets
   * the pool's other trainers have a turn, queueing another for what is left.
   */
  private void turn() {
    turn.lock();
    try {
      int samples = 0;
      while (!closed && failure == null && samples < quantum) {
        Object item = inbox.poll();
        if (item == null) {
          break;
        }
        if (!handle(item)) {
          samples++;
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      failBarriers(e);
    } finally {
      turn.unlock();
    }
    scheduled.set(false);
    // an item handed over after the last poll found the turn still scheduled
    if (!closed && failure == null && !inbox.isEmpty()) {
      signal();
    }
  }

  /** Runs a barrier's function or trains a sample or flush; true for a barrier. */
  private boolean handle(Object item) {
    if (item instanceof Barrier b) {
      try {
        b.result().complete(b.function().apply(trainer));
      } catch (RuntimeException | Error e) {
        // failed before the owner hears of it, so that its next call fails too
        failure = e;
        b.result().completeExceptionally(e);
        throw e;
      }
      return true;
    }
    apply(item);
    return false;
  }

  /** Fails the barriers still queued, so that nobody waits on them forever. */
  private void failBarriers(Throwable e) {
    for (Object item; (item = inbox.poll()) != null; ) {
      if (item instanceof Barrier b) {
        b.result().completeExceptionally(e);
      }
    }
  }

  private void run() {
    try {
      while (true) {
        Object item = inbox.take();
        if (item == STOP) {
          return;
        }
        handle(item);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      // nobody waits on a barrier forever
      failBarriers(e);
    }
  }

  private void apply(Object item) {
    boolean flushed = item == FLUSH;
    StepResult step = flushed ? trainer.flush() : trainer.accept((float[]) item);
    if (step != null) {
      long steps = trainer.steps();
      P publication = flushed || due.test(steps) ? publisher.apply(trainer) : null;
      outbox.add(new Done<>(step, steps, publication));
    }
  }
}
