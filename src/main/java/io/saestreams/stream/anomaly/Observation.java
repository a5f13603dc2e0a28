package io.saestreams.stream.anomaly;

/**
 * One scored record as the detector sees it.
 *
 * @param error reconstruction error ‖x − x̂‖² / d under the model version in force
 * @param modelVersion that version
 * @param trainedSamples samples that version was trained on (its maturity)
 * @param timestamp the record's event time (start of a run of anomalies)
 * @param shadowVersion a newer version scoring the same record alongside, during a handover; −1
 *     when there is none
 * @param shadowError the error under {@code shadowVersion}; NaN when there is none
 */
public record Observation(
    double error, long modelVersion, long trainedSamples, long timestamp, long shadowVersion, double shadowError) {

  /** A record scored by one version only. */
  public static Observation of(double error, long modelVersion, long trainedSamples, long timestamp) {
    return new Observation(error, modelVersion, trainedSamples, timestamp, -1, Double.NaN);
  }

  boolean hasShadow() {
    return shadowVersion >= 0 && shadowError > 0 && Double.isFinite(shadowError);
  }
}
