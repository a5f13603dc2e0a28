package io.saestreams.data;

import java.util.Objects;

/**
 * Parameters of {@link SyntheticDictionary}. All values are checked when the record is built; a
 * bad value gives an {@link IllegalArgumentException} stating the allowed range and the value.
 *
 * @param dimension length of each generated vector (at least 1)
 * @param features number of dictionary atoms (at least 1)
 * @param meanActive expected number of atoms active per sample, in (0, features]; with a hierarchy
 *     at most {@link #maxMeanActive()}
 * @param decay the Zipf exponent of the firing probabilities: atom {@code i} fires with probability
 *     proportional to {@code (i+1)^-decay} (with a hierarchy, root {@code i}: see {@link
 *     SyntheticDictionary}); 0 makes all atoms equally likely. Finite and at least 0.
 * @param noiseStd standard deviation of the Gaussian noise added to every coordinate (at least 0)
 * @param anomalyFraction probability that a sample is an anomaly instead, in [0, 1]
 * @param anomalyScale norm of an anomaly as a multiple of the typical norm of normal samples
 *     (finite, above 0)
 * @param seed the one seed from which the dictionary and every stream are derived
 * @param structure the optional structure of the firing (hierarchy, correlation, magnitude
 *     spread); {@link Structure#NONE} for independent atoms with magnitudes in (0, 1]
 */
public record SyntheticConfig(
    int dimension,
    int features,
    double meanActive,
    double decay,
    float noiseStd,
    double anomalyFraction,
    double anomalyScale,
    long seed,
    Structure structure) {

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

  /**
   * How the atoms fire beyond independent power-law draws (see {@link SyntheticDictionary} for the
   * exact rules). All off ({@link #NONE}) gives the plain generator, draw for draw.
   *
   * @param hierarchy children per parent, 0 for none: the atoms form blocks of one parent and
   *     {@code hierarchy} children that fire only with their parent, at most one at a time
   * @param correlation in [0, 1]: roots in consecutive groups of {@link
   *     SyntheticDictionary#CORRELATION_GROUP} fire together more often; two roots of a group with
   *     equal probabilities have this firing correlation. 0 for independent roots.
   * @param magnitudeSpread at least 0: atom {@code i}'s magnitudes are uniform in {@code (0, a_i]}
   *     with {@code ln a_i ~ N(-spread^2/2, spread^2)}, so the {@code a_i} average 1; 0 gives
   *     {@code a_i = 1}
   * @param childCoupling in [0, 1], with a hierarchy: how much of a child's magnitude draw is its
   *     parent's, {@code s_child = c s_parent + (1 - c) s_own}; 0 for independent magnitudes, 1
   *     for a child drawn with its parent's magnitude (parent and child then add up to one fixed
   *     direction, which a dictionary can learn as one latent: feature absorption)
   */
  public record Structure(int hierarchy, double correlation, double magnitudeSpread, double childCoupling) {
    /** No structure: independent atoms, magnitudes in (0, 1]. */
    public static final Structure NONE = new Structure(0, 0, 0);

    /** Children's magnitudes independent of their parents'. */
    public Structure(int hierarchy, double correlation, double magnitudeSpread) {
      this(hierarchy, correlation, magnitudeSpread, 0);
    }

    public Structure {
      if (hierarchy < 0) {
        throw new IllegalArgumentException("hierarchy must be >= 0, got " + hierarchy);
      }
      if (!(correlation >= 0 && correlation <= 1)) {
        throw new IllegalArgumentException("correlation must be in [0, 1], got " + correlation);
      }
      if (!(magnitudeSpread >= 0 && Double.isFinite(magnitudeSpread))) {
        throw new IllegalArgumentException(
            "magnitudeSpread must be finite and >= 0, got " + magnitudeSpread);
      }
      if (!(childCoupling >= 0 && childCoupling <= 1)) {
        throw new IllegalArgumentException("childCoupling must be in [0, 1], got " + childCoupling);
      }
    }
  }

  public SyntheticConfig {
    Objects.requireNonNull(structure, "structure");
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
    int h = structure.hierarchy();
    if (h > 0 && features < h + 1) {
      throw new IllegalArgumentException("hierarchy=" + h + " needs at least " + (h + 1)
          + " features (one parent and its children), got " + features);
    }
    if (meanActive > maxMeanActive(features, h)) {
      throw new IllegalArgumentException("meanActive must be at most " + maxMeanActive(features, h)
          + " with features=" + features + " and hierarchy=" + h + ", got " + meanActive);
    }
  }

  /** A configuration without structure ({@link Structure#NONE}). */
  public SyntheticConfig(int dimension, int features, double meanActive, double decay,
      float noiseStd, double anomalyFraction, double anomalyScale, long seed) {
    this(dimension, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed,
        Structure.NONE);
  }

  /** The defaults (256 dimensions, 512 atoms, 5 active, decay 0.5, noise 0.01, no anomalies). */
  public static SyntheticConfig defaults(long seed) {
    return new SyntheticConfig(
        DEFAULT_DIMENSION, DEFAULT_FEATURES, DEFAULT_MEAN_ACTIVE, DEFAULT_DECAY, DEFAULT_NOISE_STD,
        0.0, DEFAULT_ANOMALY_SCALE, seed);
  }

  /** Parent atoms: {@code features / (hierarchy + 1)} with a hierarchy, else 0. */
  public int parents() {
    return parents(features, structure.hierarchy());
  }

  /** Atoms that are no parent's child (parents and free atoms), in whose order decay applies. */
  public int roots() {
    return features - parents() * structure.hierarchy();
  }

  /**
   * The largest expected number of active atoms: every root always firing, each parent with one
   * child {@code hierarchy/(hierarchy+1)} of the time; {@code features} without a hierarchy.
   */
  public double maxMeanActive() {
    return maxMeanActive(features, structure.hierarchy());
  }

  private static int parents(int features, int hierarchy) {
    return hierarchy == 0 ? 0 : features / (hierarchy + 1);
  }

  private static double maxMeanActive(int features, int hierarchy) {
    if (hierarchy == 0) {
      return features;
    }
    int p = parents(features, hierarchy);
    return features - p * hierarchy + p * (hierarchy / (hierarchy + 1.0));
  }

  public SyntheticConfig withDimension(int value) {
    return new SyntheticConfig(value, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed, structure);
  }

  public SyntheticConfig withFeatures(int value) {
    return new SyntheticConfig(dimension, value, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed, structure);
  }

  public SyntheticConfig withMeanActive(double value) {
    return new SyntheticConfig(dimension, features, value, decay, noiseStd, anomalyFraction, anomalyScale, seed, structure);
  }

  public SyntheticConfig withDecay(double value) {
    return new SyntheticConfig(dimension, features, meanActive, value, noiseStd, anomalyFraction, anomalyScale, seed, structure);
  }

  public SyntheticConfig withNoiseStd(float value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, value, anomalyFraction, anomalyScale, seed, structure);
  }

  public SyntheticConfig withAnomalyFraction(double value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, value, anomalyScale, seed, structure);
  }

  public SyntheticConfig withAnomalyScale(double value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, anomalyFraction, value, seed, structure);
  }

  public SyntheticConfig withSeed(long value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, value, structure);
  }

  public SyntheticConfig withStructure(Structure value) {
    return new SyntheticConfig(dimension, features, meanActive, decay, noiseStd, anomalyFraction, anomalyScale, seed, value);
  }

  public SyntheticConfig withHierarchy(int value) {
    return withStructure(new Structure(value, structure.correlation(), structure.magnitudeSpread(), structure.childCoupling()));
  }

  public SyntheticConfig withCorrelation(double value) {
    return withStructure(new Structure(structure.hierarchy(), value, structure.magnitudeSpread(), structure.childCoupling()));
  }

  public SyntheticConfig withMagnitudeSpread(double value) {
    return withStructure(new Structure(structure.hierarchy(), structure.correlation(), value, structure.childCoupling()));
  }

  public SyntheticConfig withChildCoupling(double value) {
    return withStructure(new Structure(structure.hierarchy(), structure.correlation(), structure.magnitudeSpread(), value));
  }
}
