package io.saestreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binds to a KafkaStreams instance that is created but never started (no broker needed). */
class KafkaStreamsMetersTest {
  @TempDir Path stateDir;

  @Test
  void bindsTheClientMetricsAndRemovesThemOnClose() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sae-metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      try (KafkaStreamsMeters meters =
          KafkaStreamsMeters.bind(
              streams, registry, List.of(Tag.of("app", "sae")), "sae-metrics-test-training-repartition")) {
        List<Meter> kafka = kafkaMeters(registry);
        assertThat(kafka).isNotEmpty();
        assertThat(kafka).allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("sae"));
        assertThat(kafka)
            .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("kafka.stream"));
        // one state series per client state, 1 for the current one (CREATED: never started)
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
          assertThat(registry.get("sae.streams.client.state").tag("state", s.name()).gauge().value())
              .isEqualTo(s == KafkaStreams.State.CREATED ? 1.0 : 0.0);
        }
        // no trainer has fetched anything here
        assertThat(registry.get("sae.train.lag").gauge().value()).isNaN();
      }
      assertThat(kafkaMeters(registry)).isEmpty();
      assertThat(registry.find("sae.streams.client.state").meters()).isEmpty();
      assertThat(registry.find("sae.train.lag").meters()).isEmpty();
      streams.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void theTrainingLagSumsTheConsumersRecordsLagOverTheTrainingTopicsPartitionsOnly() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "records-lag", KafkaStreamsMeters.LAG_GROUP, "app-training-repartition", "0", 1200.0);
    put(metrics, "records-lag", KafkaStreamsMeters.LAG_GROUP, "app-training-repartition", "1", 30.0);
    put(metrics, "records-lag", KafkaStreamsMeters.LAG_GROUP, "sae-input", "0", 99_999.0);
    put(metrics, "records-lag-max", KafkaStreamsMeters.LAG_GROUP, "app-training-repartition", "0", 5_000.0);
    put(metrics, "records-lag", KafkaStreamsMeters.LAG_GROUP, "app-training-repartition", "2", Double.NaN);
    assertThat(KafkaStreamsMeters.trainingLag(metrics, "app-training-repartition")).isEqualTo(1230.0);
    assertThat(KafkaStreamsMeters.trainingLag(metrics, "other-training-repartition")).isNaN();
  }

  private static void put(Map<MetricName, Metric> metrics, String name, String group, String topic,
      String partition, double value) {
    MetricName n = new MetricName(name, group, "", Map.of("topic", topic, "partition", partition,
        "client-id", "c-" + metrics.size()));
    metrics.put(n, new Metric() {
      @Override
      public MetricName metricName() {
        return n;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }

  private static List<Meter> kafkaMeters(SimpleMeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("kafka."))
        .toList();
  }
}
