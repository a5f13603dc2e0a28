package io.saestreams.model;

/**
 * A small, fast, splittable pseudo-random generator (SplitMix64) whose whole state is one {@code
 * long} plus a cached Gaussian, so a trainer can save it in a checkpoint and resume the exact
 * sequence. Not for cryptography.
 */
public final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;
  private boolean hasSpare;
  private double spare;

  public Rng(long seed) {
    this.state = seed;
  }

  private Rng(long state, boolean hasSpare, double spare) {
    this.state = state;
    this.hasSpare = hasSpare;
    this.spare = spare;
  }

  /** Restores a generator from {@link #state()}, {@link #hasSpare()} and {@link #spare()}. */
  public static Rng restore(long state, boolean hasSpare, double spare) {
    return new Rng(state, hasSpare, spare);
  }

  public long state() {
    return state;
  }

  public boolean hasSpare() {
    return hasSpare;
  }

  public double spare() {
    return spare;
  }

  public long nextLong() {
    long z = (state += GOLDEN);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** An independent generator derived from this one (advances this one by one step). */
  public Rng split() {
    return new Rng(nextLong() ^ 0x5DEECE66DL);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, 1). */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /** Standard normal by the polar Box–Muller method. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    spare = v * f;
    hasSpare = true;
    return u * f;
  }
}
