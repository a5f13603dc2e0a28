package io.saestreams.data;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A generator of sparse data with a known answer. A dictionary {@code D} of {@code features} rows
 * of length {@code dimension} is drawn once: random Gaussian directions scaled to unit L2 norm.
 * Each normal sample activates a few rows (row {@code i} independently with probability {@code
 * p_i}, at least one row per sample), gives each active row a magnitude {@code s_i} uniform in
 * (0, 1], and returns {@code x = sum_i s_i D_i + noise} with independent {@code N(0, noiseStd^2)}
 * noise per coordinate.
 *
 * <p>The probabilities follow {@code p_i = min(1, c (i+1)^-decay)} with {@code c} chosen so that
 * {@code sum_i p_i = meanActive}; when the first rows would exceed probability 1 they are capped and
 * the rest rescaled. Because a sample with no active row gets one drawn in proportion to {@code
 * p_i}, the realised mean is {@code meanActive} plus the (usually negligible) chance of an empty
 * draw.
 *
 * <p>An anomaly (with probability {@code anomalyFraction}) is a dense random Gaussian direction
 * scaled to {@link #typicalNorm()}, the root-mean-square norm of normal samples; it is flagged
 * {@code anomaly=true}.
 *
 * <p>Everything follows from {@link SyntheticConfig#seed()}: the same configuration gives the same
 * dictionary, and {@link #stream(long, long)} with the same variant gives the same sequence of
 * vectors every time it is called.
 */
public final class SyntheticDictionary {
  private static final int CALIBRATION_SAMPLES = 512;
  private static final long VARIANT_STEP = 0x9E3779B97F4A7C15L;

  private final SyntheticConfig config;
  private final float[][] atoms;
  private final double[] probabilities;
  private final double[] cumulative;
  private final double typicalNorm;
  private final long streamSeed;

  public SyntheticDictionary(SyntheticConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    SplittableRandom root = new SplittableRandom(config.seed());
    Gaussian dictionaryRandom = new Gaussian(root.split());
    SplittableRandom calibrationRandom = root.split();
    this.streamSeed = root.nextLong();

    atoms = new float[config.features()][];
    for (int i = 0; i < atoms.length; i++) {
      atoms[i] = dictionaryRandom.unitVector(config.dimension());
    }
    probabilities = firingProbabilities(config.features(), config.meanActive(), config.decay());
    cumulative = new double[probabilities.length];
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      sum += probabilities[i];
      cumulative[i] = sum;
    }
    Gaussian calibration = new Gaussian(calibrationRandom);
    double sumSquares = 0;
    for (int k = 0; k < CALIBRATION_SAMPLES; k++) {
      float[] x = drawNormal(calibration).values();
      sumSquares += squaredNorm(x);
    }
    typicalNorm = Math.sqrt(sumSquares / CALIBRATION_SAMPLES);
  }

  /**
   * The capped power-law probabilities: {@code p_i = min(1, c (i+1)^-decay)} summing to {@code
   * meanActive}. Weights decrease with {@code i}, so the capped rows are always a prefix.
   */
  static double[] firingProbabilities(int features, double meanActive, double decay) {
    double[] weight = new double[features];
    for (int i = 0; i < features; i++) {
      weight[i] = Math.pow(i + 1, -decay);
    }
    double[] p = new double[features];
    int capped = 0;
    while (true) {
      double rest = 0;
      for (int i = capped; i < features; i++) {
        rest += weight[i];
      }
      double c = (meanActive - capped) / rest;
      if (capped < features && c * weight[capped] > 1) {
        capped++;
        continue;
      }
      for (int i = 0; i < features; i++) {
        p[i] = i < capped ? 1.0 : Math.min(1.0, c * weight[i]);
      }
      return p;
    }
  }

  /** The configuration this dictionary was built from. */
  public SyntheticConfig config() {
    return config;
  }

  /** A copy of the dictionary, {@code features x dimension}, rows of unit L2 norm. */
  public float[][] dictionary() {
    float[][] copy = new float[atoms.length][];
    for (int i = 0; i < atoms.length; i++) {
      copy[i] = atoms[i].clone();
    }
    return copy;
  }

  /** A copy of the per-row firing probabilities {@code p_i}. */
  public double[] firingProbabilities() {
    return probabilities.clone();
  }

  /** The root-mean-square L2 norm of normal samples (estimated once from the seed). */
  public double typicalNorm() {
    return typicalNorm;
  }

  /** The stream of variant 0: {@code count} vectors, or unbounded if {@code count < 0}. */
  public SyntheticStream stream(long count) {
    return stream(count, 0);
  }

  /**
   * A stream of {@code count} vectors (unbounded if negative). Different {@code variant}s give
   * independent streams from the same dictionary, e.g. 0 for training and 1 for a held-out set;
   * ids of variant 0 look like {@code syn-000000123}, those of variant {@code v} like {@code
   * syn-v1-000000123}.
   */
  public SyntheticStream stream(long count, long variant) {
    SplittableRandom random = new SplittableRandom(streamSeed + variant * VARIANT_STEP);
    return new SyntheticStream(count, variant, new Gaussian(random));
  }

  private static double squaredNorm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return s;
  }

  private Normal drawNormal(Gaussian gaussian) {
    SplittableRandom random = gaussian.random();
    int n = probabilities.length;
    int[] active = new int[Math.min(n, 16)];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < probabilities[i]) {
        if (count == active.length) {
          active = Arrays.copyOf(active, Math.min(n, count * 2));
        }
        active[count++] = i;
      }
    }
    if (count == 0) {
      double u = random.nextDouble() * cumulative[n - 1];
      int pick = Arrays.binarySearch(cumulative, u);
      pick = pick >= 0 ? pick : -pick - 1;
      active[count++] = Math.min(pick, n - 1);
    }
    active = Arrays.copyOf(active, count);
    float[] magnitudes = new float[count];
    double[] x = new double[config.dimension()];
    for (int k = 0; k < count; k++) {
      double s = 1.0 - random.nextDouble(); // uniform in (0, 1]
      magnitudes[k] = (float) s;
      float[] atom = atoms[active[k]];
      for (int j = 0; j < x.length; j++) {
        x[j] += magnitudes[k] * atom[j];
      }
    }
    float[] out = new float[x.length];
    float noise = config.noiseStd();
    for (int j = 0; j < x.length; j++) {
      out[j] = (float) (noise > 0 ? x[j] + noise * gaussian.next() : x[j]);
    }
    return new Normal(out, active, magnitudes);
  }

  private record Normal(float[] values, int[] active, float[] magnitudes) {}

  /**
   * One generated sample with its ground truth.
   *
   * @param vector the vector as a stream yields it
   * @param activeFeatures indices of the active dictionary rows, increasing; empty for an anomaly
   * @param magnitudes the magnitude of each active row, in (0, 1], parallel to {@code
   *     activeFeatures}
   */
  public record Draw(LabelledVector vector, int[] activeFeatures, float[] magnitudes) {
    /** Whether this sample is an anomaly. */
    public boolean anomaly() {
      return vector.anomaly();
    }
  }

  /** A stream of samples; {@link #nextDraw()} also reveals the ground truth of each sample. */
  public final class SyntheticStream implements VectorSource {
    private final long count;
    private final long variant;
    private final Gaussian gaussian;
    private long index;
    private boolean closed;

    private SyntheticStream(long count, long variant, Gaussian gaussian) {
      this.count = count;
      this.variant = variant;
      this.gaussian = gaussian;
    }

    @Override
    public int dimension() {
      return config.dimension();
    }

    @Override
    public String description() {
      return "synthetic(dimension=" + config.dimension() + ", features=" + config.features()
          + ", meanActive=" + config.meanActive() + ", decay=" + config.decay() + ", noiseStd="
          + config.noiseStd() + ", anomalyFraction=" + config.anomalyFraction() + ", seed="
          + config.seed() + (variant == 0 ? "" : ", variant=" + variant) + ")";
    }

    @Override
    public long size() {
      return count < 0 ? -1 : count;
    }

    @Override
    public boolean hasNext() {
      return !closed && (count < 0 || index < count);
    }

    @Override
    public LabelledVector next() {
      return nextDraw().vector();
    }

    /** The next sample with its active rows and magnitudes. */
    public Draw nextDraw() {
      if (closed) {
        throw new IllegalStateException("synthetic stream is closed");
      }
      if (!hasNext()) {
        throw new NoSuchElementException("synthetic stream of " + count + " vectors is exhausted");
      }
      String id = variant == 0
          ? String.format("syn-%09d", index)
          : String.format("syn-v%d-%09d", variant, index);
      index++;
      SplittableRandom random = gaussian.random();
      boolean anomaly = config.anomalyFraction() > 0 && random.nextDouble() < config.anomalyFraction();
      if (anomaly) {
        float[] direction = gaussian.unitVector(config.dimension());
        for (int j = 0; j < direction.length; j++) {
          direction[j] = (float) (direction[j] * typicalNorm * config.anomalyScale());
        }
        return new Draw(new LabelledVector(id, direction, true, LabelledVector.NO_LABEL),
            new int[0], new float[0]);
      }
      Normal d = drawNormal(gaussian);
      return new Draw(LabelledVector.of(id, d.values()), d.active(), d.magnitudes());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
