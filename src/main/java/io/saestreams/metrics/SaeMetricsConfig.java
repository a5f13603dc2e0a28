package io.saestreams.metrics;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of {@link MicrometerSaeMetrics} that do not depend on a registry.
 *
 * @param maxLatentsExported per-latent gauges exist for latents {@code 0 .. n-1} only (bounded
 *     cardinality); 0 exports none
 * @param clock the time source for the checkpoint age
 */
public record SaeMetricsConfig(int maxLatentsExported, Clock clock) {
  public static final int DEFAULT_MAX_LATENTS_EXPORTED = 32;

  /** The most latents that may be exported, to keep the number of series bounded. */
  public static final int MAX_LATENTS_EXPORTED_LIMIT = 1024;

  public SaeMetricsConfig {
    if (maxLatentsExported < 0 || maxLatentsExported > MAX_LATENTS_EXPORTED_LIMIT) {
      throw new IllegalArgumentException(
          "maxLatentsExported must be in [0, "
              + MAX_LATENTS_EXPORTED_LIMIT
              + "], got "
              + maxLatentsExported);
    }
    Objects.requireNonNull(clock, "clock");
  }

  /** 32 latents and the system clock. */
  public static SaeMetricsConfig defaults() {
    return new SaeMetricsConfig(DEFAULT_MAX_LATENTS_EXPORTED, Clock.systemUTC());
  }

  public SaeMetricsConfig withMaxLatentsExported(int n) {
    return new SaeMetricsConfig(n, clock);
  }

  public SaeMetricsConfig withClock(Clock c) {
    return new SaeMetricsConfig(maxLatentsExported, c);
  }
}
