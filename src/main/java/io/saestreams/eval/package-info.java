/**
 * The building blocks of a labelled anomaly-detection evaluation. {@link
 * io.saestreams.eval.OneClassStream} turns an IDX image set, a CSV file with an anomaly column or
 * synthetic data into a warm-up phase of normal records followed by an evaluation phase with
 * labelled anomalies; {@link io.saestreams.eval.PcaBaseline} is the reference detector fitted on
 * the warm-up normals (reconstruction error from the top principal directions); {@link
 * io.saestreams.eval.BinaryMetrics} scores a detector's scores and alerts against the labels
 * (AUC-ROC, AUC-PR, precision, recall, F1, false-alarm rate, and the recall the score reaches at a
 * false-alarm budget, the yardstick for the detector's own alerts). Undefined values are empty
 * optionals, never NaN. This package depends on the JDK, EJML and {@code io.saestreams.data} only.
 */
package io.saestreams.eval;
