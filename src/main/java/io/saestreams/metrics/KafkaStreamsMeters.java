package io.saestreams.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Kafka Streams' own client metrics (stream threads, tasks, state stores and the embedded consumers
 * and producers) in a Micrometer registry, through Micrometer's {@link KafkaStreamsMetrics}. The
 * binder re-reads the client's metric set periodically on a thread of its own; {@link #close()}
 * stops that thread and removes the meters it registered. Close this before closing the {@link
 * KafkaStreams} instance.
 */
public final class KafkaStreamsMeters implements AutoCloseable {
  private final KafkaStreamsMetrics binder;

  private KafkaStreamsMeters(KafkaStreamsMetrics binder) {
    this.binder = binder;
  }

  /** Binds {@code streams}' metrics to {@code registry}, each meter carrying {@code tags}. */
  public static KafkaStreamsMeters bind(
      KafkaStreams streams, MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, tags);
    try {
      binder.bindTo(registry);
    } catch (RuntimeException e) {
      binder.close();
      throw e;
    }
    return new KafkaStreamsMeters(binder);
  }

  public static KafkaStreamsMeters bind(KafkaStreams streams, MeterRegistry registry) {
    return bind(streams, registry, List.of());
  }

  @Override
  public void close() {
    binder.close();
  }
}
