package io.saestreams.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Waits between retries: exponential ("equal jitter"). The n-th retry waits a random time in
 * {@code [c/2, c]} where {@code c = min(max, initial · 2^(n-1))}: the ceiling doubles from
 * {@code initial} until it reaches {@code max}, and the jitter keeps many clients that failed
 * together (all the stream threads of an application, when the registry went away) from
 * retrying in lock-step. Thread-safe.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  /**
   * @param initial ceiling of the first wait
   * @param max ceiling of every wait, at least {@code initial}
   * @param random jitter source (shared by the threads that retry; {@link java.util.Random} is
   *     thread-safe), or {@code null} for {@link ThreadLocalRandom}
   */
  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialNanos = Objects.requireNonNull(initial, "initial").toNanos();
    this.maxNanos = Objects.requireNonNull(max, "max").toNanos();
    if (initialNanos < 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, was initial " + initial + ", max " + max);
    }
    this.random = random;
  }

  /** The largest wait before retry number {@code retry} (1 = the first retry). */
  Duration ceiling(int retry) {
    return Duration.ofNanos(ceilingNanos(retry));
  }

  /** A wait before retry number {@code retry} (1 = the first retry), in {@code [ceiling/2, ceiling]}. */
  Duration delay(int retry) {
    long ceiling = ceilingNanos(retry);
    long half = ceiling / 2;
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    long jitter = ceiling - half == 0 ? 0 : r.nextLong(ceiling - half + 1);
    return Duration.ofNanos(half + jitter);
  }

  private long ceilingNanos(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
    }
    int shift = Math.min(retry - 1, 62);
    if (initialNanos == 0) {
      return 0;
    }
    if (initialNanos > (maxNanos >> shift)) {
      return maxNanos;
    }
    return Math.min(maxNanos, initialNanos << shift);
  }
}
