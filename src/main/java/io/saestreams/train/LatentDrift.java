package io.saestreams.train;

/**
 * How far the latents' firing pattern has moved: the Jensen–Shannon divergence, in bits (0 … 1),
 * between the firing histogram of the latest statistics window and a reference histogram, an
 * exponential moving average of past windows' with weight {@code 1 / referenceWindows}.
 *
 * <p>A histogram is the firing frequencies normalised to sum 1: which latents carry the firing, not
 * how much fires in total (L0 has its own metric). While the data keep their distribution the
 * windows agree with the reference up to sampling noise and the divergence stays near 0; when the
 * inputs shift, other latents take over (or the dictionary stops matching and firing spreads) and
 * it jumps, then decays over about {@code referenceWindows} windows as the reference follows —
 * unless the model's own learning keeps moving the pattern, which it also does early in training.
 *
 * <p>Not thread-safe; not part of the checkpoint (after a restart the reference starts again from
 * the first window). Free of Kafka and metrics code.
 */
public final class LatentDrift {
  /** Default reference horizon in windows. */
  public static final int DEFAULT_REFERENCE_WINDOWS = 20;

  private final double weight;
  private double[] reference;

  /** @param referenceWindows horizon of the reference average, in windows, at least 1 */
  public LatentDrift(int referenceWindows) {
    if (referenceWindows < 1) {
      throw new IllegalArgumentException("referenceWindows must be >= 1, got " + referenceWindows);
    }
    this.weight = 1.0 / referenceWindows;
  }

  public LatentDrift() {
    this(DEFAULT_REFERENCE_WINDOWS);
  }

  /**
   * Compares a window's per-latent firing frequencies with the reference, then folds the window
   * into the reference. NaN for the first window (no reference yet), for a window in which nothing
   * fired, and for a window of another number of latents (which starts a new reference).
   */
  public double update(double[] firing) {
    if (firing == null || firing.length == 0 || !(sum(firing) > 0)) {
      return Double.NaN;
    }
    if (reference == null || reference.length != firing.length) {
      reference = firing.clone();
      return Double.NaN;
    }
    double drift = jensenShannonBits(firing, reference);
    for (int j = 0; j < firing.length; j++) {
      reference[j] += weight * (firing[j] - reference[j]);
    }
    return drift;
  }

  /**
   * The Jensen–Shannon divergence in bits between the histograms {@code a} and {@code b} (each
   * normalised to sum 1 here; entries must be non-negative, sums positive).
   */
  public static double jensenShannonBits(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
    }
    double sa = sum(a);
    double sb = sum(b);
    double js = 0;
    for (int j = 0; j < a.length; j++) {
      double p = Math.max(0, a[j]) / sa;
      double q = Math.max(0, b[j]) / sb;
      double m = (p + q) / 2;
      if (p > 0) {
        js += p * Math.log(p / m);
      }
      if (q > 0) {
        js += q * Math.log(q / m);
      }
    }
    // ln → bits; rounding can leave a hair outside [0, 1]
    return Math.min(1, Math.max(0, js / (2 * Math.log(2))));
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      if (v > 0) {
        s += v;
      }
    }
    return s;
  }
}
