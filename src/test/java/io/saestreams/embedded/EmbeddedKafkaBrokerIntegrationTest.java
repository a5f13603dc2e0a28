package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one real embedded broker for the whole class: plain produce/consume, transactions, a Kafka
 * Streams app with exactly-once, and finally {@code close()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(OrderAnnotation.class)
class EmbeddedKafkaBrokerIntegrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerIntegrationTest.class);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static EmbeddedKafkaBroker kafka;

  @BeforeAll
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  static void startBroker() {
    long t0 = System.nanoTime();
    kafka = EmbeddedKafkaBroker.start();
    LOG.info(
        "embedded broker start() returned after {} ms (its own measure: {} ms)",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
        kafka.startupTime().toMillis());
  }

  @AfterAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void brokerIsReadyAfterStart() throws Exception {
    assertThat(kafka.isRunning()).isTrue();
    assertThat(BrokerThreads.live()).isNotEmpty();
    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.brokerPort());
    assertThat(kafka.dataDirectory()).isDirectory();
    assertThat(kafka.dataDirectory().getFileName().toString()).startsWith("sae-kafka-");
    assertThat(LoopbackPorts.isFree(kafka.brokerPort())).isFalse();
    assertThat(LoopbackPorts.isFree(kafka.controllerPort())).isFalse();

    try (Admin admin = admin()) {
      DescribeClusterResult cluster = admin.describeCluster();
      assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(kafka.clusterId());
      // the readiness probe topic was removed again
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .noneMatch(name -> name.startsWith("__sae-embedded-probe-"));
    }
  }

  @Test
  @Order(2)
  void producesAndConsumesHundredRecordsOnThreePartitions() throws Exception {
    kafka.createTopic("plain", 3, Map.of("retention.ms", "3600000"));
    assertThatThrownBy(() -> kafka.createTopic("plain", 3, Map.of()))
        .isInstanceOf(TopicExistsException.class);

    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>("plain", "key-" + i, "value-" + i));
      }
      producer.flush();
    }

    // a topic created without settings takes the broker's 64 MiB segments, not 1 MiB ones that
    // roll every few hundred inputs
    try (Admin admin = admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "plain");
      Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
      assertThat(config.get("segment.bytes").value()).isEqualTo(Integer.toString(64 << 20));
    }

    List<ConsumerRecord<String, String>> records = readAll("plain", 3, 100, "read_uncommitted");
    assertThat(records).extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList());
    assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  @Order(3)
  void transactionsCommitAndAbortOnOneNode() {
    kafka.createTopics(Map.of("tx", 1));

    try (KafkaProducer<String, String> producer =
        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-" + UUID.randomUUID()))) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>("tx", "k", "committed-" + i));
      }
      producer.commitTransaction();

      producer.beginTransaction();
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("tx", "k", "aborted-" + i));
      }
      producer.flush();
      producer.abortTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", "k", "last"));
      producer.commitTransaction();
    }

    List<String> committed = values(readAll("tx", 1, 11, "read_committed"));
    assertThat(committed)
        .containsExactlyElementsOf(
            concat(IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList(), "last"));

    // the aborted records were really written: an uncommitted reader sees them
    List<String> everything = values(readAll("tx", 1, 16, "read_uncommitted"));
    assertThat(everything).contains("aborted-0", "aborted-4").hasSize(16);
  }

  @Test
  @Order(4)
  void kafkaStreamsExactlyOnceV2UppercasesEndToEnd(@TempDir Path stateDir) {
    kafka.createTopics(Map.of("words-in", 3, "words-out", 3));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sae-embedded-it-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    builder.stream("words-in", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> v.toUpperCase(java.util.Locale.ROOT))
        .to("words-out", Produced.with(Serdes.String(), Serdes.String()));

    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      Await.until(WAIT, "Kafka Streams RUNNING", () -> streams.state() == KafkaStreams.State.RUNNING);

      try (KafkaProducer<String, String> producer = producer(Map.of())) {
        for (int i = 0; i < 30; i++) {
          producer.send(new ProducerRecord<>("words-in", "k" + i, "word-" + i));
        }
        producer.flush();
      }

      List<String> out = values(readAll("words-out", 3, 30, "read_committed"));
      assertThat(out)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 30).mapToObj(i -> "WORD-" + i).toList());
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      streams.close(Duration.ofSeconds(30));
    }
  }

  @Test
  @Order(5)
  void closeStopsBrokerDeletesDataAndFreesPorts() {
    Path dir = kafka.dataDirectory();
    int brokerPort = kafka.brokerPort();
    int controllerPort = kafka.controllerPort();
    assertThat(dir).isDirectory();

    kafka.close();

    assertThat(kafka.isRunning()).isFalse();
    assertThat(Files.exists(dir)).as("data directory %s after close", dir).isFalse();
    Await.until(
        Duration.ofSeconds(20),
        "ports " + brokerPort + " and " + controllerPort + " to be free",
        () -> LoopbackPorts.isFree(brokerPort) && LoopbackPorts.isFree(controllerPort));
    Await.until(
        Duration.ofSeconds(20),
        "the embedded server's threads to end",
        () -> BrokerThreads.live().isEmpty());
    assertThatThrownBy(() -> kafka.createTopics(Map.of("late", 1)))
        .isInstanceOf(IllegalStateException.class);
    kafka.close(); // a second close does nothing
  }

  // helpers

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.putAll(extra);
    return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
  }

  /**
   * Reads a topic from the beginning with an assigned (group-less) consumer until {@code expected}
   * records have arrived and nothing more comes within a short quiet period, or fails at the
   * deadline.
   */
  private static List<ConsumerRecord<String, String>> readAll(
      String topic, int partitions, int expected, String isolation) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      Collection<TopicPartition> tps =
          IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (records.size() < expected) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError(
              "read " + records.size() + " of " + expected + " records from " + topic);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // anything beyond the expected count would be a duplicate or a leaked aborted record
      consumer.poll(Duration.ofMillis(300)).forEach(records::add);
    }
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.partition() + "@" + r.offset()));
    assertThat(ids).hasSize(records.size());
    return records;
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  private static List<String> concat(List<String> list, String last) {
    List<String> all = new ArrayList<>(list);
    all.add(last);
    return all;
  }
}
