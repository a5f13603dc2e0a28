package io.saestreams.data;

/**
 * Parameters of {@link SyntheticDictionary}. All values are checked when the record is built; a
 * bad value gives an {@link IllegalArgumentException} stating the allowed range and the value.
 *
 * @param dimension length of each generated vector (at least 1)
 * @param features number of dictionary atoms (at least 1)
 * @param meanActive expected number of atoms active per sample, in (0, features]
 * @param decay firing-probability exponent: atom {@code i} fires with probability proportional to
 *     {@code (i+1)^-decay}; 0 makes all atoms equally likely. Finite and at least 0.
 * @param noiseStd standard deviation of the Gaussian noise added to every coordinate (at least 0)
 * @param anomalyFraction probability that a sample is an anomaly instead, in [0, 1]
 * @param anomalyScale norm of an anomaly as a multiple of the typical norm of normal samples
 *     (finite, above 0)
 * @param seed the one seed from which the dictionary and every stream are derived
 */
public record SyntheticConfig(
    int dimension,
    int features,
    double meanActive,
    double decay,
    float noiseStd,
    double anomalyFraction,
    double anomalyScale,
    long seed) {

  /** Default vector length. */
  public static final int DEFAULT_DIMENSION = 256;
  /** Default number of atoms. */
  public static final int DEFAULT_FEATURES = 512;
  /** Default expected active atoms per sample. */
  public static final double DEFAULT_MEAN_ACTIVE = 5.0;
  /** Default firing-probability exponent. */
  public static final double DEFAULT_DECAY = 0.5;
  /** Default anomaly norm, in typical norms of normal samples. */
  public static final double DEFAULT_ANOMALY_SCALE = 1.0;
  /** Default noise standard deviation. */
  public static final float DEFAULT_NOISE_STD = 0.01f;

  public SyntheticConfig {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    if (features < 1) {
      throw new IllegalArgumentException("features must be >= 1, got " + features);
    }
    if (!(meanActive > 0 && meanActive <= features)) {
      throw new IllegalArgumentException(
          "meanActive must be in (0, features=" + features + "], got " + meanActive);
    }
    if (!(decay >= 0 && Double.isFinite(decay))) {
      throw new IllegalArgumentException("decay must be finite and >= 0, got " + decay);
    }
    if (!(noiseStd >= 0 && Float.isFinite(noiseStd))) {
      throw new IllegalArgumentException("noiseStd must be finite and >= 0, got " + noiseStd);
    }
    if (!(anomalyScale > 0 && Double.isFinite(anomalyScale))) {
      throw new IllegalArgumentException(
          "anomalyScale must be finite and > 0, got " + anomalyScale);
    }
    if (!(anomalyFraction >= 0 && anomalyFraction <= 1)) {
      throw new IllegalArgumentException(
          "anomalyFraction must be in [0, 1], got " + anomalyFraction);
    }
  }

  /** The defaults (256 dimensions, 512 atoms, 5 active, decay 0.5, noise 0.01, no anomalies). */
  public static SyntheticConfig defaults(long seed) {
    return new SyntheticConfig(
        DEFAULT_DIMENSION, DEFAULT_FEATURES, DEFAULT_MEAN_ACTIVE, DEFAULT_DECAY, DEFAULT_NOISE_STD,
        0.0, DEFAULT_ANOMALY_SCALE, seed);
  }

  public SyntheticConfig withDimension(int value) {
    return new SyntheticConfig(value, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed);
  }

  public SyntheticConfig withFeatures(int value) {
    return new SyntheticConfig(dimension, value, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed);
  }

  public SyntheticConfig withMeanActive(double value) {
    return new SyntheticConfig(dimension, features, value, decay, noiseStd, anomalyFraction, anomalyScale, seed);
  }

  public SyntheticConfig withDecay(double value) {
    return new SyntheticConfig(dimension, features, meanActive, value, noiseStd, anomalyFraction, anomalyScale, seed);
  }

  public SyntheticConfig withNoiseStd(float value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, value, anomalyFraction, anomalyScale, seed);
  }

  public SyntheticConfig withAnomalyFraction(double value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, value, anomalyScale, seed);
  }

  public SyntheticConfig withAnomalyScale(double value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, anomalyFraction, value, seed);
  }

  public SyntheticConfig withSeed(long value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, value);
  }
}
