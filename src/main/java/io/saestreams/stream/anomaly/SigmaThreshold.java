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
  private final AnomalySettings settings;
  private AnomalyState moments;

  SigmaThreshold(AnomalySettings settings) {
    this(settings, AnomalyState.EMPTY);
  }

  SigmaThreshold(AnomalySettings settings, AnomalyState state) {
    this.settings = settings;
    this.moments = state;
  }

  /** Judges {@code error} against what was seen before it, then learns from it. */
  Judgement observe(double error) {
    boolean warm = isWarm();
    if (!(error >= 0) || Double.isInfinite(error)) {
      return new Judgement(Double.MAX_VALUE, warm ? threshold() : Double.NaN, true);
    }
    double y = AnomalyState.logError(error);
    double std = moments.std();
    double limit = moments.mean() + settings.thresholdSigmas() * std;
    double score = moments.count() >= 2 ? (y - moments.mean()) / std : 0; // std > 0: floored
    boolean anomaly = warm && y > limit;
    Judgement verdict = new Judgement(score, warm ? Math.exp(limit) : Double.NaN, anomaly);
    moments = moments.add(warm ? Math.min(y, limit) : y, settings.decay());
    return verdict;
  }

  /** The current threshold on the error (meaningful once warm). */
  double threshold() {
    return Math.exp(moments.mean() + settings.thresholdSigmas() * moments.std());
  }

  boolean isWarm() {
    return moments.count() >= Math.max(2, settings.warmupRecords());
  }

  AnomalyState state() {
    return moments;
  }
}
