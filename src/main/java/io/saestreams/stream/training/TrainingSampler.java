package io.saestreams.stream.training;

import java.nio.charset.StandardCharsets;

/**
 * Chooses which inputs train the model: those whose id hashes below the sampling rate. The
 * choice depends only on the id and the seed, so a replay of the input topic samples the same
 * records, and every instance agrees. Hash: 64-bit FNV-1a of the id's UTF-8 bytes, mixed with the
 * seed by the SplitMix64 finaliser, read as a uniform number in [0, 1).
 */
public final class TrainingSampler {
  private final double rate;
  private final long seed;

  public TrainingSampler(double rate, long seed) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("sample rate must be in [0, 1], got " + rate);
    }
    this.rate = rate;
    this.seed = seed;
  }

  public boolean test(String id) {
    if (rate >= 1) {
      return true;
    }
    return rate > 0 && uniform(id) < rate;
  }

  double uniform(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    long z = h ^ seed;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }
}
