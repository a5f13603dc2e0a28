package io.saestreams.it;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it against a deadline. Tests never sleep a fixed time hoping
 * that something has happened; they ask until it has, or fail with what they were waiting for.
 */
final class Poll {
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private Poll() {}

  /** Returns once {@code condition} holds; throws an {@link AssertionError} after {@code timeout}. */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  /** The nanoTime deadline {@code timeout} from now. */
  static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  static boolean passed(long deadline) {
    return System.nanoTime() - deadline >= 0;
  }
}
