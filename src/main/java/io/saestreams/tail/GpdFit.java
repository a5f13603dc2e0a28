package io.saestreams.tail;

/**
 * Maximum-likelihood fit of a {@link Gpd} to excesses over a threshold.
 *
 * <p>With x = γ/σ the likelihood can be maximised over γ and σ in closed form for each x
 * (Grimshaw, 1993): γ(x) = mean log(1 + x·y_i), σ = γ(x)/x, and the profile log-likelihood is
 * ℓ(x) = −n·log(γ(x)/x) − n·(1 + γ(x)); x → 0 is the exponential fit σ = mean y. This
 * one-dimensional ℓ is maximised over x > −1/max y by a fixed grid (linear in x·max y for bounded
 * tails, logarithmic in x·mean y for heavy ones) followed by golden-section refinement around
 * the best grid point, so the fit is deterministic and needs no starting value. The shape is kept in [{@value #MIN_SHAPE}, {@value #MAX_SHAPE}] (outside it the maximum
 * likelihood estimate is irregular or the tail too heavy to extrapolate). Fewer than
 * {@value #MIN_PEAKS} excesses are fitted by the exponential.
 */
public final class GpdFit {
  /** Fewest excesses fitted with a free shape. */
  public static final int MIN_PEAKS = 10;
  static final double MIN_SHAPE = -0.5;
  static final double MAX_SHAPE = 1.0;
  private static final int GRID = 60;
  private static final int NEGATIVE_GRID = 16;
  private static final double MIN_LOG = -9;
  private static final double MAX_LOG = 12;
  private static final int REFINEMENTS = 40;
  /** Scales below this fraction of the mean excess are floored (a constant stream). */
  private static final double MIN_RELATIVE_SCALE = 1e-9;

  private GpdFit() {}

  /** The fit to the first {@code n} of {@code excesses} (all ≥ 0). Never NaN. */
  public static Gpd fit(float[] excesses, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a GPD fit needs at least one excess, got " + n);
    }
    double sum = 0;
    double max = 0;
    for (int i = 0; i < n; i++) {
      double y = excesses[i];
      if (!(y >= 0) || Double.isInfinite(y)) {
        throw new IllegalArgumentException("excess " + i + " must be finite and >= 0, got " + y);
      }
      sum += y;
      max = Math.max(max, y);
    }
    double mean = sum / n;
    if (!(mean > 0)) {
      // every excess is 0: a degenerate tail; any small scale reproduces it
      return new Gpd(0, Math.max(Double.MIN_NORMAL, MIN_RELATIVE_SCALE));
    }
    Gpd exponential = new Gpd(0, mean);
    if (n < MIN_PEAKS) {
      return exponential;
    }
    // x = γ/σ ranges over (−1/max, ∞): bounded tails x = −t/max with t in (0, 1), heavy tails
    // x = e^u / mean on a log scale (a far outlier makes max useless as a scale there)
    double best = profile(excesses, n, 0, mean);
    double bestX = 0;
    int bestSide = 0;
    double bestPos = 0;
    for (int g = 1; g < NEGATIVE_GRID; g++) {
      double t = (double) g / NEGATIVE_GRID;
      double l = profile(excesses, n, -t / max, mean);
      if (l > best) {
        best = l;
        bestX = -t / max;
        bestSide = -1;
        bestPos = t;
      }
    }
    double step = (MAX_LOG - MIN_LOG) / GRID;
    for (int g = 0; g <= GRID; g++) {
      double u = MIN_LOG + g * step;
      double x = Math.exp(u) / mean;
      double l = profile(excesses, n, x, mean);
      if (l > best) {
        best = l;
        bestX = x;
        bestSide = 1;
        bestPos = u;
      }
    }
    if (bestSide != 0) {
      double a = bestSide < 0 ? Math.max(1e-9, bestPos - 1.0 / NEGATIVE_GRID) : bestPos - step;
      double b = bestSide < 0 ? Math.min(1 - 1e-9, bestPos + 1.0 / NEGATIVE_GRID) : bestPos + step;
      double phi = (Math.sqrt(5) - 1) / 2;
      double c = b - phi * (b - a);
      double d = a + phi * (b - a);
      double lc = profile(excesses, n, xOf(bestSide, c, max, mean), mean);
      double ld = profile(excesses, n, xOf(bestSide, d, max, mean), mean);
      for (int i = 0; i < REFINEMENTS; i++) {
        if (lc > ld) {
          b = d;
          d = c;
          ld = lc;
          c = b - phi * (b - a);
          lc = profile(excesses, n, xOf(bestSide, c, max, mean), mean);
        } else {
          a = c;
          c = d;
          lc = ld;
          d = a + phi * (b - a);
          ld = profile(excesses, n, xOf(bestSide, d, max, mean), mean);
        }
      }
      double l = Math.max(lc, ld);
      if (l > best) {
        bestX = xOf(bestSide, lc > ld ? c : d, max, mean);
      }
    }
    return at(excesses, n, bestX, mean);
  }

  private static double xOf(int side, double position, double max, double mean) {
    return side < 0 ? -position / max : Math.exp(position) / mean;
  }

  /** The (γ, σ) the profile gives at x, with γ clamped into its range and σ floored. */
  private static Gpd at(float[] y, int n, double x, double mean) {
    if (Math.abs(x) * mean < 1e-12) {
      return new Gpd(0, mean);
    }
    double gamma = meanLog1p(y, n, x);
    gamma = Math.max(MIN_SHAPE, Math.min(MAX_SHAPE, gamma));
    if (Math.abs(gamma) < Gpd.ZERO_SHAPE) {
      return new Gpd(0, mean);
    }
    double sigma = gamma / x;
    if (!(sigma > MIN_RELATIVE_SCALE * mean) || Double.isInfinite(sigma)) {
      return new Gpd(0, mean);
    }
    return new Gpd(gamma, sigma);
  }

  /** The profile log-likelihood at x (the exponential's at x = 0), −∞ where not defined. */
  private static double profile(float[] y, int n, double x, double mean) {
    if (Math.abs(x) * mean < 1e-12) {
      return -n * Math.log(mean) - n;
    }
    double gamma = meanLog1pByProduct(y, n, x);
    if (!(gamma >= MIN_SHAPE && gamma <= MAX_SHAPE) || Math.abs(gamma) < Gpd.ZERO_SHAPE) {
      return Double.NEGATIVE_INFINITY;
    }
    double sigma = gamma / x;
    if (!(sigma > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return -n * Math.log(sigma) - n * (1 + gamma);
  }

  /**
   * mean log(1 + x·y_i) as the logarithm of the product of the factors 1 + x·y_i, whose binary
   * exponent is taken out every {@value #PRODUCT_RUN} factors so that the product neither
   * overflows nor underflows: one logarithm per call instead of one per excess, which made the
   * profile's ~120 evaluations per fit the detector's largest cost. Each factor's rounding adds
   * at most an ulp of 1 (2.2e-16) to the sum of logarithms, the product's roundings as much, so
   * the mean is within a few 1e-16 of {@link #meanLog1p}'s, well inside what separates the
   * search's candidates; the chosen fit is evaluated with {@link #meanLog1p}. NaN where a factor
   * is not positive.
   */
  static double meanLog1pByProduct(float[] y, int n, double x) {
    double product = 1;
    long exponent = 0;
    for (int i = 0; i < n; i++) {
      double v = 1 + x * y[i];
      if (!(v > 0)) {
        return Double.NaN;
      }
      product *= v;
      if (i % PRODUCT_RUN == PRODUCT_RUN - 1) {
        long bits = Double.doubleToRawLongBits(product);
        exponent += ((bits >>> 52) & 0x7ff) - 1023;
        product = Double.longBitsToDouble((bits & SIGNIFICAND_BITS) | ONE_EXPONENT_BITS);
      }
    }
    return (Math.log(product) + exponent * LN2) / n;
  }

  /**
   * Factors multiplied between two normalisations of the product: each factor lies within about
   * [1e-9, 1e9] (x·y_i ≥ −(1 − 1e-9) on the bounded side, and x·y_i ≤ e^12.4·n on the heavy
   * one, as no excess exceeds n times their mean), so eight of them stay far from overflow.
   */
  private static final int PRODUCT_RUN = 8;
  private static final long SIGNIFICAND_BITS = 0x000F_FFFF_FFFF_FFFFL;
  private static final long ONE_EXPONENT_BITS = 0x3FF0_0000_0000_0000L;
  private static final double LN2 = Math.log(2);

  static double meanLog1p(float[] y, int n, double x) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double v = 1 + x * y[i];
      if (!(v > 0)) {
        return Double.NaN;
      }
      s += log1p(x * y[i]);
    }
    return s / n;
  }

  /**
   * log(1 + z) for z > −1, accurate to a few ulps also where z is tiny: the logarithm of the
   * rounded u = 1 + z, times z / (u − 1), which corrects for the rounding of u (Goldberg, 1991,
   * theorem 4). Java 17's {@link Math#log1p} is a JNI call into fdlibm, several times slower
   * than the intrinsic {@link Math#log}; the fit uses this for its result, the search's ~120
   * profile evaluations use {@link #meanLog1pByProduct}.
   */
  static double log1p(double z) {
    double u = 1 + z;
    if (u == 1) {
      return z;
    }
    if (u == Double.POSITIVE_INFINITY) {
      return Math.log(z);
    }
    return Math.log(u) * (z / (u - 1));
  }
}
