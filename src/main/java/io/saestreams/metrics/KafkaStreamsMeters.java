package io.saestreams.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Kafka Streams' own client metrics (stream threads, tasks, state stores and the embedded consumers
 * and producers) in a Micrometer registry, through Micrometer's {@link KafkaStreamsMetrics}, and
 * two of the application's own read from the client:
 *
 * <ul>
 *   <li>{@code sae_streams_client_state{state}}: 1 for the client's current state, 0 for every
 *       other (one series per {@link KafkaStreams.State}, so that "not RUNNING" is a plain
 *       comparison);
 *   <li>{@code sae_train_lag_records}: records of the training topic not yet read by this
 *       instance's trainer (the sum of the consumer's {@code records-lag} over the training topic's
 *       partitions it holds), NaN on an instance that holds none.
 * </ul>
 *
 * <p>The binder re-reads the client's metric set periodically on a thread of its own; {@link
 * #close()} stops that thread and removes the meters registered here. Close this before closing
 * the {@link KafkaStreams} instance.
 */
public final class KafkaStreamsMeters implements AutoCloseable {
  static final String LAG_GROUP = "consumer-fetch-manager-metrics";
  static final String LAG_NAME = "records-lag";

  private final KafkaStreamsMetrics binder;
  private final MeterRegistry registry;
  private final List<Meter> own;

  private KafkaStreamsMeters(KafkaStreamsMetrics binder, MeterRegistry registry, List<Meter> own) {
    this.binder = binder;
    this.registry = registry;
    this.own = own;
  }

  /**
   * Binds {@code streams}' metrics to {@code registry}, each meter carrying {@code tags}, and the
   * training lag of {@code trainingTopic} (its full name, application id prefix included).
   */
  public static KafkaStreamsMeters bind(
      KafkaStreams streams, MeterRegistry registry, Iterable<Tag> tags, String trainingTopic) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(trainingTopic, "trainingTopic");
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, tags);
    List<Meter> own = new ArrayList<>();
    try {
      binder.bindTo(registry);
      for (KafkaStreams.State s : KafkaStreams.State.values()) {
        own.add(Gauge.builder("sae.streams.client.state", streams, k -> k.state() == s ? 1 : 0)
            .description("1 for the Kafka Streams client's current state, 0 for the others")
            .tags(tags)
            .tag("state", s.name())
            .register(registry));
      }
      own.add(Gauge.builder("sae.train.lag", streams, k -> trainingLag(k.metrics(), trainingTopic))
          .description("Records of the training topic not yet read by this instance's trainer"
              + " (NaN where no trainer runs)")
          .baseUnit("records")
          .tags(tags)
          .register(registry));
    } catch (RuntimeException e) {
      own.forEach(registry::remove);
      binder.close();
      throw e;
    }
    return new KafkaStreamsMeters(binder, registry, own);
  }

  public static KafkaStreamsMeters bind(
      KafkaStreams streams, MeterRegistry registry, String trainingTopic) {
    return bind(streams, registry, List.of(), trainingTopic);
  }

  /**
   * The sum of the consumers' {@code records-lag} over the partitions of {@code topic} in {@code
   * metrics}; NaN when none is there (no partition of it assigned here, or no fetch yet).
   */
  static double trainingLag(Map<MetricName, ? extends Metric> metrics, String topic) {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      if (LAG_NAME.equals(n.name()) && LAG_GROUP.equals(n.group())
          && topic.equals(n.tags().get("topic"))
          && e.getValue().metricValue() instanceof Number v && Double.isFinite(v.doubleValue())) {
        sum += v.doubleValue();
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }

  @Override
  public void close() {
    own.forEach(registry::remove);
    binder.close();
  }
}
