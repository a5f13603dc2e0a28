/**
 * Anomaly detection on reconstruction error, free of Kafka: an adaptive threshold learnt from
 * the running distribution of the log error ({@link io.saestreams.stream.anomaly.AnomalyDetector}),
 * its savable state, and the explanation of an alert by the input dimensions that carry the
 * error ({@link io.saestreams.stream.anomaly.AlertExplainer}).
 */
package io.saestreams.stream.anomaly;
