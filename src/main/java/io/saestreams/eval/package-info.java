/**
 * The building blocks of labelled evaluations: of anomaly detection and, on synthetic data, of
 * dictionary recovery. {@link io.saestreams.eval.OneClassStream} turns an IDX image set, a CSV file
 * with an anomaly column or synthetic data into a warm-up phase of normal records followed by an
 * evaluation phase with labelled anomalies; {@link io.saestreams.eval.PcaBaseline} is the reference
 * detector fitted on the warm-up normals (reconstruction error from the top principal directions);
 * {@link io.saestreams.eval.BinaryMetrics} scores a detector's scores and alerts against the labels
 * (AUC-ROC, AUC-PR, precision, recall, F1, false-alarm rate, and the recall the score reaches at a
 * false-alarm budget, the yardstick for the detector's own alerts). For a known dictionary, {@link
 * io.saestreams.eval.FeatureMatching} pairs learned decoder directions one-to-one with the true
 * features (a {@link io.saestreams.eval.Hungarian} assignment) and gives MCC and uniqueness, and
 * {@link io.saestreams.eval.FiringAgreement} scores each matched latent's firing against its
 * feature's (precision, recall, F1). Undefined values are empty optionals, never NaN. This package
 * depends on the JDK, EJML and {@code io.saestreams.data} only.
 */
package io.saestreams.eval;
