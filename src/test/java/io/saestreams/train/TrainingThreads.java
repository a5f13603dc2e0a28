package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test help for {@link TrainerThread}s. */
public final class TrainingThreads {
  private TrainingThreads() {}

  /**
   * Holds the thread that trains {@code t} inside a barrier until the returned latch is counted
   * down, and returns once it is held there.
   */
  public static CountDownLatch hold(TrainerThread<?> t) throws InterruptedException {
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    t.submit(tr -> {
      entered.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    return hold;
  }

  /**
   * Returns once {@code t} waits (parked on a lock or a condition), failing after 10 s: for a
   * test that an owner blocks on a held training thread.
   */
  public static void awaitWaiting(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(t.getName() + " never waited; it is " + t.getState());
      }
      Thread.yield();
    }
  }
}
