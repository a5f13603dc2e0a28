package io.saestreams.stream.anomaly;

/**
 * How the adaptive anomaly threshold behaves.
 *
 * @param warmupRecords records observed before any alert
 * @param thresholdSigmas the threshold lies this many standard deviations above the running mean
 *     of the log error
 * @param decay per-record decay λ of the running moments, in (0, 1); the effective window is
 *     1/(1 − λ) records
 * @param topDimensions input dimensions an alert names
 */
public record AnomalySettings(long warmupRecords, double thresholdSigmas, double decay, int topDimensions) {
  public AnomalySettings {
    if (warmupRecords < 0) {
      throw new IllegalArgumentException("warmup-records must be >= 0, got " + warmupRecords);
    }
    if (!(thresholdSigmas > 0) || !Double.isFinite(thresholdSigmas)) {
      throw new IllegalArgumentException("threshold-sigmas must be > 0, got " + thresholdSigmas);
    }
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
    }
    if (topDimensions < 1) {
      throw new IllegalArgumentException("top-dimensions must be >= 1, got " + topDimensions);
    }
  }
}
