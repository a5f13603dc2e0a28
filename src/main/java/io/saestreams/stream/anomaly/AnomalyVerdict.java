package io.saestreams.stream.anomaly;

/**
 * The detector's judgement of one reconstruction error.
 *
 * @param error the error judged
 * @param score in {@code false-alarm-rate} mode the error divided by the threshold in force (above
 *     1 is past it; 0 while there is none); in {@code sigmas} mode the standard deviations the log
 *     error lies above its running mean. Always finite.
 * @param threshold the error above which a record is anomalous; NaN while there is none (model not
 *     mature yet, detector calibrating)
 * @param anomaly whether the error exceeded the threshold
 * @param grade how far past the threshold, in [0, 1): 1 − threshold / error for an anomaly, 0
 *     otherwise (an error twice the threshold has grade 0.5, ten times 0.9)
 * @param alert whether this record raises an alert (every anomaly in {@code record} alert mode,
 *     the first of a run in {@code run} mode)
 * @param runStart event time of the first record of the run of consecutive anomalies this one
 *     belongs to; −1 when not anomalous
 * @param runLength records in that run so far, this one included; 0 when not anomalous
 */
public record AnomalyVerdict(
    double error, double score, double threshold, boolean anomaly, double grade, boolean alert,
    long runStart, long runLength) {

  /** A verdict outside any run (for tests and explanations). */
  public static AnomalyVerdict of(double error, double score, double threshold, boolean anomaly) {
    double grade = anomaly && error > 0 && Double.isFinite(threshold) ? Math.max(0, 1 - threshold / error) : 0;
    return new AnomalyVerdict(error, score, threshold, anomaly, grade, anomaly, anomaly ? 0 : -1, anomaly ? 1 : 0);
  }

  /** Whether a threshold was in force. */
  public boolean hasThreshold() {
    return Double.isFinite(threshold);
  }
}
