package io.saestreams.stream.anomaly;

/**
 * What a threshold mode says of one error, before maturity, runs and grades are added.
 *
 * @param score the mode's normalised score
 * @param threshold the threshold on the error in force; NaN when there is none yet
 * @param anomaly whether the error is past it
 */
record Judgement(double score, double threshold, boolean anomaly) {
  /** No threshold yet: nothing is anomalous. */
  static final Judgement NONE = new Judgement(0, Double.NaN, false);
}
