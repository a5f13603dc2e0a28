package io.saestreams.tail;

/**
 * The generalised Pareto distribution of excesses y ≥ 0 over a threshold, with shape γ and scale
 * σ > 0: survival S(y) = (1 + γ y / σ)^(−1/γ), and for γ = 0 the exponential limit exp(−y / σ).
 * For γ < 0 the support ends at −σ / γ.
 *
 * @param shape γ
 * @param scale σ
 */
public record Gpd(double shape, double scale) {
  /** |γ| below this is treated as 0 (the exponential limit), where the general formulas lose precision. */
  static final double ZERO_SHAPE = 1e-9;

  public Gpd {
    if (!Double.isFinite(shape) || !(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("a GPD needs a finite shape and a finite scale > 0, got " + shape + " and " + scale);
    }
  }

  /** P(Y > y). */
  public double survival(double y) {
    if (y <= 0) {
      return 1;
    }
    if (Math.abs(shape) < ZERO_SHAPE) {
      return Math.exp(-y / scale);
    }
    double base = 1 + shape * y / scale;
    return base <= 0 ? 0 : Math.exp(-Math.log(base) / shape);
  }

  /** P(Y ≤ y). */
  public double cdf(double y) {
    return 1 - survival(y);
  }

  /** The excess y with P(Y > y) = p, for p in (0, 1]. */
  public double quantileOfSurvival(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("survival probability must be in (0, 1], got " + p);
    }
    if (Math.abs(shape) < ZERO_SHAPE) {
      return -scale * Math.log(p);
    }
    return scale / shape * Math.expm1(-shape * Math.log(p));
  }

  /** Σ log f(y_i) over the first {@code n} excesses ({@code -∞} if one lies outside the support). */
  public double logLikelihood(float[] excesses, int n) {
    double sum = 0;
    boolean exponential = Math.abs(shape) < ZERO_SHAPE;
    for (int i = 0; i < n; i++) {
      double y = excesses[i];
      if (exponential) {
        sum += -y / scale;
      } else {
        double base = 1 + shape * y / scale;
        if (base <= 0) {
          return Double.NEGATIVE_INFINITY;
        }
        sum += -(1 + 1 / shape) * Math.log(base);
      }
    }
    return sum - n * Math.log(scale);
  }
}
