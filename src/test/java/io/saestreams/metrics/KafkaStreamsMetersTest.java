package io.saestreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
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
          KafkaStreamsMeters.bind(streams, registry, List.of(Tag.of("app", "sae")))) {
        List<Meter> kafka = kafkaMeters(registry);
        assertThat(kafka).isNotEmpty();
        assertThat(kafka).allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("sae"));
        assertThat(kafka)
            .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("kafka.stream"));
      }
      assertThat(kafkaMeters(registry)).isEmpty();
      streams.close(Duration.ofSeconds(30));
    }
  }

  private static List<Meter> kafkaMeters(SimpleMeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("kafka."))
        .toList();
  }
}
