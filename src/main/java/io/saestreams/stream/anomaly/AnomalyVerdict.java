package io.saestreams.stream.anomaly;

/**
 * The detector's judgement of one reconstruction error.
 *
 * @param error the error judged
 * @param score standard deviations the log error lies above its running mean (0 before two
 *     records were seen; +∞ for a non-finite error)
 * @param threshold the error above which an input is anomalous; NaN while warming up
 * @param anomaly whether the error exceeded the threshold
 */
public record AnomalyVerdict(double error, double score, double threshold, boolean anomaly) {}
