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
 * <p>The probabilities follow a Zipf law {@code p_i = min(1, c (i+1)^-decay)} with {@code c} chosen
 * so that {@code sum_i p_i = meanActive}; when the first rows would exceed probability 1 they are
 * capped and the rest rescaled. Because a sample with no active row gets one drawn in proportion to
 * {@code p_i} (with a hierarchy: a root in proportion to {@code p_r}, with a child as below), the
 * realised mean is {@code meanActive} plus the (usually negligible) chance of an empty draw.
 *
 * <p>Optional structure ({@link SyntheticConfig.Structure}; all of it off by default, and then the
 * generator draws exactly as described above):
 *
 * <ul>
 *   <li><b>Hierarchy</b> ({@code hierarchy = h > 0}): the first {@code P = features / (h+1)} blocks
 *       of {@code h+1} rows each hold a parent (row {@code q(h+1)}) and its {@code h} children (the
 *       next {@code h} rows); the remaining rows are free. Parents and free rows are the
 *       <em>roots</em>, ranked parents first; the Zipf law applies to root rank {@code r}. When a
 *       parent fires, one more uniform choice among {@code h+1} equally likely outcomes picks one of
 *       its children or none, so a child fires only with its parent, never with a sibling, and with
 *       probability {@code p_parent / (h+1)}. The constant {@code c} is chosen so that the expected
 *       number of active rows, {@code sum_roots p_r + sum_parents p_q h/(h+1)}, is {@code
 *       meanActive}.
 *   <li><b>Correlation</b> ({@code correlation = rho > 0}): the roots, in rank order, form groups
 *       of {@link #CORRELATION_GROUP}. Each sample draws one shared uniform per group; each root
 *       uses the shared uniform with probability {@code sqrt(rho)} and a uniform of its own
 *       otherwise, and fires when that uniform is below its probability. Every root keeps its
 *       probability {@code p_r}; the joint firing of two roots of a group is the mixture {@code rho}
 *       (both fire together as far as their probabilities allow) plus {@code 1 - rho} (independent),
 *       so their firing correlation is {@code rho} times the largest correlation their two
 *       probabilities allow: exactly {@code rho} for equal probabilities. Roots of different groups
 *       stay independent. Correlated roots leave more samples empty, which the one-row rule fills.
 *   <li><b>Magnitude spread</b> ({@code magnitudeSpread = sigma > 0}): row {@code i}'s magnitudes
 *       are uniform in {@code (0, a_i]} (mean {@code a_i / 2}) with {@code a_i = exp(sigma z_i -
 *       sigma^2 / 2)}, {@code z_i ~ N(0, 1)} drawn once, so the {@code a_i} are log-normal with
 *       mean 1.
 *   <li><b>Child coupling</b> ({@code childCoupling = c > 0}, with a hierarchy): a child's uniform
 *       magnitude draw is {@code c} times its parent's plus {@code 1 - c} times its own, so at
 *       {@code c = 1} parent and child always add up in the same proportion (times their {@code
 *       a_i}): one direction that a single latent reconstructs exactly, the setting in which
 *       sparse dictionaries absorb the parent into the child. The draws are the same as without
 *       coupling, only combined.
 * </ul>
 *
 * <p>An anomaly (with probability {@code anomalyFraction}) is a dense random Gaussian direction
 * scaled to {@link #typicalNorm()}, the root-mean-square norm of normal samples; it is flagged
 * {@code anomaly=true}.
 *
 * <p>Everything follows from {@link SyntheticConfig#seed()}: the same configuration gives the same
 * dictionary, and {@link #stream(long, long)} with the same variant gives the same sequence of
 * vectors every time it is called. {@link SyntheticStream#nextDraw()} also returns each sample's
 * active rows and magnitudes (the labels for firing metrics); {@link SyntheticStream#next()} is the
 * same draw without them.
 */
public final class SyntheticDictionary {
  /** Roots per correlation group. */
  public static final int CORRELATION_GROUP = 4;

  private static final int CALIBRATION_SAMPLES = 512;
  private static final long VARIANT_STEP = 0x9E3779B97F4A7C15L;

  private final SyntheticConfig config;
  private final float[][] atoms;
  private final double[] probabilities;
  private final int children;
  private final int parents;
  /** The structure's child coupling: the share of a child's magnitude draw that is its parent's. */
  private final double childCoupling;
  private final double[] rootProbabilities;
  private final double[] rootCumulative;
  private final double coupling;
  private final double[] magnitudeScales;
  private final double typicalNorm;
  private final long streamSeed;

  public SyntheticDictionary(SyntheticConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    SplittableRandom root = new SplittableRandom(config.seed());
    Gaussian dictionaryRandom = new Gaussian(root.split());
    SplittableRandom calibrationRandom = root.split();
    this.streamSeed = root.nextLong();
    Gaussian structureRandom = new Gaussian(root.split());

    atoms = new float[config.features()][];
    for (int i = 0; i < atoms.length; i++) {
      atoms[i] = dictionaryRandom.unitVector(config.dimension());
    }
    SyntheticConfig.Structure structure = config.structure();
    children = structure.hierarchy();
    parents = config.parents();
    childCoupling = structure.childCoupling();
    double[] multiplicity = new double[config.roots()];
    Arrays.fill(multiplicity, 1.0);
    for (int q = 0; q < parents; q++) {
      multiplicity[q] += children / (children + 1.0);
    }
    rootProbabilities = firingProbabilities(multiplicity, config.meanActive(), config.decay());
    rootCumulative = new double[rootProbabilities.length];
    double sum = 0;
    for (int r = 0; r < rootProbabilities.length; r++) {
      sum += rootProbabilities[r];
      rootCumulative[r] = sum;
    }
    probabilities = new double[config.features()];
    for (int r = 0; r < rootProbabilities.length; r++) {
      int f = rootFeature(r);
      probabilities[f] = rootProbabilities[r];
      if (r < parents) {
        for (int k = 1; k <= children; k++) {
          probabilities[f + k] = rootProbabilities[r] / (children + 1);
        }
      }
    }
    coupling = Math.sqrt(structure.correlation());
    magnitudeScales = new double[config.features()];
    double spread = structure.magnitudeSpread();
    for (int i = 0; i < magnitudeScales.length; i++) {
      magnitudeScales[i] = spread == 0 ? 1.0
          : Math.exp(spread * structureRandom.next() - spread * spread / 2);
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
    double[] ones = new double[features];
    Arrays.fill(ones, 1.0);
    return firingProbabilities(ones, meanActive, decay);
  }

  /**
   * The capped power-law probabilities {@code p_i = min(1, c (i+1)^-decay)} with {@code sum_i
   * multiplicity_i p_i = meanActive}: root {@code i} brings {@code multiplicity_i} active rows on
   * average when it fires (1 for a free row, more for a parent).
   */
  static double[] firingProbabilities(double[] multiplicity, double meanActive, double decay) {
    int features = multiplicity.length;
    double[] weight = new double[features];
    for (int i = 0; i < features; i++) {
      weight[i] = Math.pow(i + 1, -decay);
    }
    double[] p = new double[features];
    int capped = 0;
    double cappedMass = 0;
    while (true) {
      double rest = 0;
      for (int i = capped; i < features; i++) {
        rest += multiplicity[i] * weight[i];
      }
      double c = (meanActive - cappedMass) / rest;
      if (capped < features && c * weight[capped] > 1) {
        cappedMass += multiplicity[capped];
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

  /** A copy of the per-row (marginal) firing probabilities {@code p_i}. */
  public double[] firingProbabilities() {
    return probabilities.clone();
  }

  /** Per row, its parent's index, or -1 for a root (every row without a hierarchy). */
  public int[] parentOf() {
    int[] parent = new int[atoms.length];
    for (int row = 0; row < parent.length; row++) {
      // a child's parent heads its block
      parent[row] = isChild(row) ? row - row % (children + 1) : -1;
    }
    return parent;
  }

  /** A copy of the per-row magnitude bounds {@code a_i} (all 1 without magnitude spread). */
  public double[] magnitudeScales() {
    return magnitudeScales.clone();
  }

  /** The row of root rank {@code r}: parents head their blocks, free rows follow the blocks. */
  private int rootFeature(int r) {
    return r < parents ? r * (children + 1) : r + parents * children;
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
    int n = rootProbabilities.length;
    int[] active = new int[Math.min(atoms.length, 16)];
    int count = 0;
    double shared = 0;
    for (int r = 0; r < n; r++) {
      double u;
      if (coupling > 0) {
        if (r % CORRELATION_GROUP == 0) {
          shared = random.nextDouble();
        }
        u = random.nextDouble() < coupling ? shared : random.nextDouble();
      } else {
        u = random.nextDouble();
      }
      if (u < rootProbabilities[r]) {
        if (count + 2 > active.length) {
          active = Arrays.copyOf(active, Math.min(atoms.length, Math.max(count + 2, count * 2)));
        }
        count = fire(r, random, active, count);
      }
    }
    if (count == 0) {
      double u = random.nextDouble() * rootCumulative[n - 1];
      int pick = Arrays.binarySearch(rootCumulative, u);
      pick = pick >= 0 ? pick : -pick - 1;
      count = fire(Math.min(pick, n - 1), random, active, count);
    }
    active = Arrays.copyOf(active, count);
    float[] magnitudes = new float[count];
    double[] x = new double[config.dimension()];
    double previous = 0;
    for (int k = 0; k < count; k++) {
      double s = 1.0 - random.nextDouble(); // uniform in (0, 1]
      if (childCoupling > 0 && isChild(active[k])) {
        // a child follows its parent in the active rows (see fire)
        s = childCoupling * previous + (1 - childCoupling) * s;
      }
      previous = s;
      magnitudes[k] = (float) (s * magnitudeScales[active[k]]);
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

  /**
   * Records root {@code r} as active and, for a parent, one of its children or none; rows are
   * appended in increasing order because roots are visited in increasing row order and a parent's
   * children follow it. Returns the new count.
   */
  private int fire(int r, SplittableRandom random, int[] active, int count) {
    int f = rootFeature(r);
    active[count++] = f;
    if (r < parents) {
      int child = (int) (random.nextDouble() * (children + 1));
      if (child < children) {
        active[count++] = f + 1 + child;
      }
    }
    return count;
  }

  /** Whether {@code row} is a child of a hierarchy block (neither a parent nor a free row). */
  private boolean isChild(int row) {
    return children > 0 && row < parents * (children + 1) && row % (children + 1) != 0;
  }

  private record Normal(float[] values, int[] active, float[] magnitudes) {}

  /**
   * One generated sample with its ground truth.
   *
   * @param vector the vector as a stream yields it
   * @param activeFeatures indices of the active dictionary rows, increasing; empty for an anomaly
   * @param magnitudes the magnitude of each active row, in {@code (0, a_i]} ({@code a_i = 1}
   *     without magnitude spread), parallel to {@code activeFeatures}
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
          + config.seed() + structureDescription()
          + (variant == 0 ? "" : ", variant=" + variant) + ")";
    }

    private String structureDescription() {
      SyntheticConfig.Structure st = config.structure();
      return (st.hierarchy() == 0 ? "" : ", hierarchy=" + st.hierarchy())
          + (st.correlation() == 0 ? "" : ", correlation=" + st.correlation())
          + (st.magnitudeSpread() == 0 ? "" : ", magnitudeSpread=" + st.magnitudeSpread())
          + (st.childCoupling() == 0 ? "" : ", childCoupling=" + st.childCoupling());
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
