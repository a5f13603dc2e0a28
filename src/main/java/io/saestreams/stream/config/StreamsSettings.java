package io.saestreams.stream.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/** Builds the Kafka Streams properties from the top-level keys and the {@code streams.*} ones. */
final class StreamsSettings {
  /** Settings with a top-level key of their own, which {@code streams.*} must not shadow. */
  private static final Set<String> TOP_LEVEL =
      Set.of(
          StreamsConfig.APPLICATION_ID_CONFIG,
          StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
          StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
          StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG);

  /**
   * Producer batch size unless configured: inputs are kilobytes (d float32 values), and the
   * training path writes each sampled one twice (repartition topic, replay changelog); Kafka's
   * 16 KiB default fits only a few of them per batch and costs the broker and the producer a
   * request per handful of records.
   */
  static final int PRODUCER_BATCH_BYTES = 512 * 1024;

  private StreamsSettings() {}

  static Properties of(AppConfig config) {
    Properties p = new Properties();
    // defaults a streams.* key may override
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    // a record that fails (e.g. the registry is down) must stop processing, never be skipped
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class.getName());
    // the same handler for the global (model store) thread, as Kafka 5.0 will do by default
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    Map<String, Object> streams = config.originalsWithPrefix(AppConfig.STREAMS_PREFIX);
    if (!streams.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)
        && !streams.containsKey(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG))) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    }
    for (Map.Entry<String, Object> e : streams.entrySet()) {
      if (TOP_LEVEL.contains(e.getKey())) {
        throw new ConfigException(
            AppConfig.STREAMS_PREFIX + e.getKey(), e.getValue(),
            "set '" + e.getKey() + "' as a top-level key instead"
                + (e.getKey().equals(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)
                    ? " (it is always true: the topology names every internal resource)"
                    : ""));
      }
      p.put(e.getKey(), e.getValue());
    }
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(AppConfig.APPLICATION_ID_CONFIG));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(AppConfig.BOOTSTRAP_SERVERS_CONFIG));
    p.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.getString(AppConfig.PROCESSING_GUARANTEE_CONFIG));
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    return p;
  }
}
