/**
 * How the application reports on itself. The topology's processors call a {@link
 * io.saestreams.metrics.SaeMetricsSink} from stream threads; {@link
 * io.saestreams.metrics.MicrometerSaeMetrics} keeps what they report in lock-free holders and, as a
 * Micrometer {@code MeterBinder}, exposes those holders as counters, gauges, a distribution summary
 * and a timer (every meter name is lower-case and dotted, carries a description, a base unit where
 * the quantity has one, and only tags of bounded cardinality). {@link
 * io.saestreams.metrics.KafkaStreamsMeters} adds Kafka Streams' own client metrics, and {@link
 * io.saestreams.metrics.PrometheusEndpoint} serves a Prometheus registry's scrape over HTTP. This
 * package may import Micrometer, Kafka and {@code io.saestreams.train}.
 */
package io.saestreams.metrics;
