package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.VectorSource;
import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * End-to-end records/s of the full pipeline next to a pass-through topology with the same serdes,
 * on the same embedded broker, over the same pre-produced input, in one run.
 */
final class PipelineBenchmark {
  /** One measured topology. */
  record Result(String name, long records, double seconds) {
    double recordsPerSecond() {
      return records / seconds;
    }
  }

  private final long records;
  private final int dim;
  private final int latents;
  private final int partitions;

  PipelineBenchmark(long records, int dim, int latents, int partitions) {
    this.records = records;
    this.dim = dim;
    this.latents = latents;
    this.partitions = partitions;
  }

  List<Result> run() throws Exception {
    Path state = Files.createTempDirectory("sae-bench-state-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedSchemaRegistry registryServer = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient registry = SchemaRegistryClient.create(registryServer.url())) {
      AppConfig pass = config(broker, registryServer, "bench-pass", state, "pass");
      AppConfig full = config(broker, registryServer, "bench-full", state, "full");
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.bootstrapServers()))) {
        TopicSpecs.createMissing(admin, pass, partitions, (short) 1);
        TopicSpecs.createMissing(admin, full, partitions, (short) 1);
      }
      DatasetSpec data = DatasetSpec.parse("synthetic:dimension=" + dim);
      try (VectorSource source = data.open(records, 1);
          DatasetProducer producer = new DatasetProducer(broker.bootstrapServers(), registry,
              pass.inputTopic(), Map.of())) {
        producer.send(source, n -> { });
      }
      SaeSerdes serdes = new SaeSerdes(registry);
      Result p = measure("pass-through", broker, pass,
          cfg -> PassThroughTopology.build(cfg, serdes));
      Result f = measure("full pipeline", broker, full,
          cfg -> SaeTopology.build(cfg, SaeMetricsSink.NOOP, serdes));
      return List.of(p, f);
    } finally {
      try (var walk = Files.walk(state)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private AppConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
      String appId, Path state, String outputPrefix) {
    Map<String, Object> m = new HashMap<>();
    m.put(AppConfig.APPLICATION_ID_CONFIG, appId);
    m.put(AppConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    m.put(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    m.put(AppConfig.INPUT_TOPIC_CONFIG, "bench-input");
    m.put(AppConfig.CODES_TOPIC_CONFIG, outputPrefix + "-codes");
    m.put(AppConfig.SCORES_TOPIC_CONFIG, outputPrefix + "-scores");
    m.put(AppConfig.ALERTS_TOPIC_CONFIG, outputPrefix + "-alerts");
    m.put(AppConfig.DLQ_TOPIC_CONFIG, outputPrefix + "-dlq");
    m.put(AppConfig.MODEL_TOPIC_CONFIG, outputPrefix + "-model");
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, Integer.toString(dim));
    m.put(AppConfig.SAE_LATENT_DIM_CONFIG, Integer.toString(latents));
    m.put(AppConfig.SAE_ACTIVATION_CONFIG, "relu");
    m.put(AppConfig.SAE_SPARSITY_CONFIG, "l1");
    m.put(AppConfig.TRAIN_SAMPLE_RATE_CONFIG, "1.0");
    m.put(AppConfig.METRICS_PORT_CONFIG, "-1");
    m.put("streams.state.dir", state.resolve(appId).toString());
    m.put("streams.auto.offset.reset", "earliest");
    return AppConfig.of(m);
  }

  private Result measure(String name, EmbeddedKafkaBroker broker, AppConfig cfg,
      Function<AppConfig, Topology> topology) throws Exception {
    try (KafkaStreams streams = new KafkaStreams(topology.apply(cfg), cfg.streamsProperties())) {
      long start = System.nanoTime();
      streams.start();
      awaitCount(broker, cfg.scoresTopic(), records, Duration.ofSeconds(60 + records / 200));
      double seconds = (System.nanoTime() - start) / 1e9;
      streams.close(Duration.ofSeconds(30));
      return new Result(name, records, seconds);
    }
  }

  /** Polls (read_committed) until the topic holds {@code expected} records. */
  private static void awaitCount(EmbeddedKafkaBroker broker, String topic, long expected,
      Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-count-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long seen = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      while (seen < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + ": only " + seen + " of " + expected
              + " records after " + timeout);
        }
        seen += c.poll(Duration.ofMillis(100)).count();
      }
    }
  }
}
