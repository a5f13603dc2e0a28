/**
 * The Kafka Streams application: {@link io.saestreams.stream.SaeTopology#build} wires validation
 * and dead-lettering, the single trainer task, the global store of model versions, per-partition
 * scoring and anomaly detection, and the output topics. Subpackages hold the configuration
 * ({@code config}), each path's processors ({@code validate}, {@code train}, {@code modelstore},
 * {@code score}) and the Kafka-free anomaly logic ({@code anomaly}).
 */
package io.saestreams.stream;
