package io.saestreams.stream.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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

  /**
   * Bytes a consumer fetches from one partition per request, and in all per request, unless
   * configured (for every consumer of the application: main, restore and global). A Kafka 4.3
   * consumer sends no fetch to a broker while it still holds fetched data of any partition led by
   * that broker, so a stream thread reads its next records of every partition only once it has
   * worked off what the last fetch brought of its inputs. In data-parallel training the
   * aggregator's stream thread reads the round's contributions (P × the model's size, on the one
   * sync partition) behind its share of the inputs: debug logs of {@code bench --pipeline} (4
   * replicas, d784·n256, 2 stream threads) showed the contributions committed and then not
   * fetched for 0.3–1 s while 16 MiB per input partition was processed, and no fetch at all in
   * between. Per round the replicas waited 634–688 ms for the average at 16 MiB per partition,
   * 236–412 ms at 4 MiB, and 251–279 ms with the total capped at 4 MiB too, which bounds the
   * inputs buffered however many partitions a thread has. A record larger than the cap is still
   * fetched whole (Kafka returns a partition's first batch regardless).
   */
  static final int FETCH_BYTES = 4 * 1024 * 1024;

  private static final String PARTITION_FETCH = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;
  private static final String FETCH_MAX = ConsumerConfig.FETCH_MAX_BYTES_CONFIG;

  /**
   * {@code max.task.idle.ms} unless configured: disabled. Every task of the topology reads one
   * partition (each sub-topology has one source topic), so there are no partitions of one task to
   * wait for each other and nothing to reorder. Kafka's default (0) makes a task whose partition
   * has no buffered data check its fetch lag on every loop of the stream thread, and Kafka Streams
   * 4.3 formats its trace messages there whether traced or not: 2.7 % of the data-parallel
   * pipeline's stream-thread samples in a profile of {@code bench --pipeline}.
   */
  static final long MAX_TASK_IDLE_MS = StreamsConfig.MAX_TASK_IDLE_MS_DISABLED;

  private static final String GLOBAL_HANDLER =
      StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;

  private StreamsSettings() {}

  /**
   * The Kafka Streams properties.
   *
   * @throws ConfigException if a {@code streams.*} key shadows a top-level key
   */
  static Properties of(AppConfig config) {
    return build(config, UnaryOperator.identity());
  }

  /**
   * Checks the Kafka Streams properties as a whole, the way {@code new KafkaStreams} will: each
   * key and value was checked on its own before ({@link StreamsKeys}); this adds the shadowing
   * rule and Kafka Streams' own checks of combinations (e.g. exactly-once and the transaction
   * timeout).
   *
   * @param sources how the user wrote each key, for the error
   * @throws ConfigException naming the key as written, or the {@code streams.*} settings
   */
  static void check(AppConfig config, ConfigSources.Merged sources) {
    Properties p = build(config, sources::writtenAs);
    try {
      new QuietStreamsConfig(p);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new ConfigException(
          "Invalid combination of Kafka Streams settings (" + AppConfig.STREAMS_PREFIX
              + "* and processing.guarantee; Kafka names them without the prefix): "
              + e.getMessage());
    }
  }

  /** A StreamsConfig that does not log its values (the application logs them when it starts). */
  private static final class QuietStreamsConfig extends StreamsConfig {
    QuietStreamsConfig(Map<?, ?> props) {
      super(props, false);
    }
  }

  /** Whether a {@code streams.*} key sets the consumer key {@code key}, plain or with any consumer prefix. */
  private static boolean anyConsumerSets(Map<String, Object> streams, String key) {
    return streams.containsKey(key)
        || streams.containsKey(StreamsConfig.consumerPrefix(key))
        || streams.containsKey(StreamsConfig.mainConsumerPrefix(key))
        || streams.containsKey(StreamsConfig.restoreConsumerPrefix(key))
        || streams.containsKey(StreamsConfig.globalConsumerPrefix(key));
  }

  private static Properties build(AppConfig config, UnaryOperator<String> writtenAs) {
    Properties p = new Properties();
    // defaults a streams.* key may override
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    // a record that fails (e.g. the registry is down) must stop processing, never be skipped
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class.getName());
    // the same handler for the global (model store) thread, as Kafka 5.0 will do by default
    p.put(GLOBAL_HANDLER, "true");
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE_MS);
    Map<String, Object> streams = config.originalsWithPrefix(AppConfig.STREAMS_PREFIX);
    if (!streams.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)
        && !streams.containsKey(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG))) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    }
    for (String fetchKey : new String[] {PARTITION_FETCH, FETCH_MAX}) {
      if (!anyConsumerSets(streams, fetchKey)) {
        p.put(StreamsConfig.consumerPrefix(fetchKey), FETCH_BYTES);
      }
    }
    for (Map.Entry<String, Object> e : streams.entrySet()) {
      if (TOP_LEVEL.contains(e.getKey())) {
        throw new ConfigException(
            writtenAs.apply(AppConfig.STREAMS_PREFIX + e.getKey()), e.getValue(),
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
    // Kafka Streams 4.3 builds a second StreamsConfig, for the partition assignor, from the main
    // consumer's settings only, and warns that the global thread's handler is off when they lack
    // this key; give the assignor the value the application runs with
    String assignorCopy = StreamsConfig.mainConsumerPrefix(GLOBAL_HANDLER);
    if (!p.containsKey(assignorCopy)) {
      p.put(assignorCopy, p.get(GLOBAL_HANDLER));
    }
    return p;
  }
}
