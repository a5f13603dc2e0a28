package io.saestreams.stream.anomaly;

/**
 * The {@code sigmas} threshold mode: an adaptive threshold on reconstruction error. It tracks the exponentially weighted mean μ and
 * variance σ² of y = log(error) (errors are positive and skewed; their log is closer to normal),
 * with weight α_n = max(1/n, 1 − λ) so the first records get their exact running moments, and
 * flags an error above exp(μ + k·σ) once {@code warmupRecords} have been seen. An anomalous y
 * enters the moments clipped to μ + k·σ: single outliers barely move the threshold, while a
 * lasting level shift pulls it along within a few windows.
 *
 * <p>The moments are updated by {@link AnomalyState#add}. Not thread-safe.
 */
final class SigmaThreshold {
  /** Errors are floored here before the logarithm (an exact reconstruction has error 0). */
  static final double MIN_ERROR = 1e-30;

  /** Floor of σ in log units, so a constant error stream does not make every wobble an alert. */
  static final double MIN_STD = 1e-3;

  private final AnomalySettings settings;
  private long count;
  private double mean;
  private double variance;

  SigmaThreshold(AnomalySettings settings) {
    this(settings, AnomalyState.EMPTY);
  }

  SigmaThreshold(AnomalySettings settings, AnomalyState state) {
    this.settings = settings;
    this.count = state.count();
    this.mean = state.mean();
    this.variance = state.variance();
  }

  /** Judges {@code error} against what was seen before it, then learns from it. */
  Judgement observe(double error) {
    boolean warm = count >= Math.max(2, settings.warmupRecords());
    if (!(error >= 0) || Double.isInfinite(error)) {
      return new Judgement(Double.MAX_VALUE, warm ? threshold() : Double.NaN, true);
    }
    double y = Math.log(Math.max(error, MIN_ERROR));
    double std = std();
    double limit = mean + settings.thresholdSigmas() * std;
    double score = count >= 2 && std > 0 ? (y - mean) / std : 0; // never NaN (0/0)
    boolean anomaly = warm && y > limit;
    Judgement verdict = new Judgement(score, warm ? Math.exp(limit) : Double.NaN, anomaly);
    update(warm ? Math.min(y, limit) : y);
    return verdict;
  }

  /** The current threshold on the error (meaningful once warm). */
  double threshold() {
    return Math.exp(mean + settings.thresholdSigmas() * std());
  }

  boolean isWarm() {
    return count >= Math.max(2, settings.warmupRecords());
  }

  AnomalyState state() {
    return new AnomalyState(count, mean, variance);
  }

  private double std() {
    return Math.max(Math.sqrt(variance), MIN_STD);
  }

  private void update(double y) {
    AnomalyState next = state().add(y, settings.decay());
    count = next.count();
    mean = next.mean();
    variance = next.variance();
  }
}
