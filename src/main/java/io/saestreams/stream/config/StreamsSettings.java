package io.saestreams.stream.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
    for (Map.Entry<String, Object> e : config.originalsWithPrefix(AppConfig.STREAMS_PREFIX).entrySet()) {
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
