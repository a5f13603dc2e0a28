package io.saestreams.cli;

import io.saestreams.avro.ModelChunk;
import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.model.Activation;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.InitialModel;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import io.saestreams.stream.training.ModelPublisher;
import io.saestreams.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code bench --model-store}: how long an instance takes to start when the model topic holds
 * several versions of a large model, for the two ways of keeping the global model store that
 * survive a crash, and for the one that does not:
 *
 * <ul>
 *   <li>in memory (what the application does): every start reads the model topic from the
 *       beginning and reassembles the versions;
 *   <li>persistent, wiped (what a wipe-and-rebuild after an unclean stop would do): an empty
 *       state directory, the same reading, written into RocksDB;
 *   <li>persistent after a clean stop: the store and its checkpoint are there, nothing to read
 *       (an unclean stop cannot have this: under exactly_once_v2 it leaves the store corrupt).
 * </ul>
 *
 * A start is timed from {@code KafkaStreams.start()} until the newest version can be read from
 * the store; each kind is started {@code rounds} times under exactly_once_v2, and the median is
 * reported with the fastest and slowest.
 */
final class ModelStoreBenchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  /** The application's default {@code model.chunk.bytes}. */
  private static final int CHUNK_BYTES =
      (Integer) AppConfig.configDef().defaultValues().get(AppConfig.MODEL_CHUNK_BYTES_CONFIG);

  record Result(String kind, List<Long> millis) {
    long median() {
      List<Long> s = millis.stream().sorted().toList();
      return s.get(s.size() / 2);
    }

    long min() {
      return millis.stream().min(Comparator.naturalOrder()).orElseThrow();
    }

    long max() {
      return millis.stream().max(Comparator.naturalOrder()).orElseThrow();
    }
  }

  private final int inputDim;
  private final int latentDim;
  private final int versions;
  private final int rounds;

  ModelStoreBenchmark(int inputDim, int latentDim, int versions, int rounds) {
    if (inputDim < 1 || latentDim < 1 || versions < 1 || rounds < 1) {
      throw new IllegalArgumentException("--model-store needs d, n, versions and rounds >= 1, got d="
          + inputDim + " n=" + latentDim + " versions=" + versions + " rounds=" + rounds);
    }
    this.inputDim = inputDim;
    this.latentDim = latentDim;
    this.versions = versions;
    this.rounds = rounds;
  }

  List<Result> run(PrintWriter log) throws InterruptedException {
    Path work;
    try {
      work = Files.createTempDirectory("sae-bench-model-store");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedSchemaRegistry registryServer = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient registry = SchemaRegistryClient.create(registryServer.url())) {
      SaeSerdes serdes = new SaeSerdes(registry);
      String topic = "bench-model";
      broker.createTopic(topic, 1, TopicSpecs.modelTopicConfigs());
      long bytes = publish(broker.bootstrapServers(), serdes, topic);
      log.printf(Locale.ROOT, "model topic: %d versions of d%d·n%d, %.1f MB in %d-byte chunks%n", versions,
          inputDim, latentDim, bytes / 1e6, CHUNK_BYTES);
      log.flush();
      List<Result> results = new ArrayList<>();
      results.add(new Result("in-memory", time(broker, serdes, topic, true, work, false, log)));
      results.add(new Result("persistent, wiped", time(broker, serdes, topic, false, work, false, log)));
      results.add(new Result("persistent, clean stop", time(broker, serdes, topic, false, work, true, log)));
      return results;
    } finally {
      try {
        Utils.delete(work.toFile());
      } catch (IOException e) {
        log.println("could not delete " + work + ": " + e.getMessage());
      }
    }
  }

  private long publish(String bootstrap, SaeSerdes serdes, String topic) {
    TrainerConfig cfg = TrainerConfig.defaults(SaeConfig.builder(inputDim, latentDim)
        .activation(Activation.TOPK).k(32).build());
    SaeModel initial = InitialModel.of(cfg);
    long bytes = 0;
    try (KafkaProducer<String, ModelChunk> p = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serdes.modelChunk().serializer())) {
      for (int v = 1; v <= versions; v++) {
        SaeModel m = SaeModel.of(initial.config(), initial.parameters(), v);
        for (ModelChunk c : ModelPublisher.chunks(m, CHUNK_BYTES, System.currentTimeMillis(), v)) {
          bytes += c.getPayload().remaining();
          p.send(new ProducerRecord<>(topic, Integer.toString(c.getChunkIndex()), c));
        }
      }
      p.flush();
    }
    return bytes;
  }

  private List<Long> time(EmbeddedKafkaBroker broker, SaeSerdes serdes, String topic, boolean inMemory,
      Path work, boolean warm, PrintWriter log) throws InterruptedException {
    List<Long> out = new ArrayList<>();
    String appId = "bench-model-store-" + UUID.randomUUID().toString().substring(0, 8);
    Path stateDir = work.resolve(appId);
    if (warm) {
      start(broker, serdes, topic, inMemory, appId, stateDir).close(Duration.ofSeconds(30)); // leaves a checkpoint
    }
    for (int r = 0; r < rounds; r++) {
      if (!warm) {
        try {
          Utils.delete(stateDir.toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      long t0 = System.nanoTime();
      try (KafkaStreams s = start(broker, serdes, topic, inMemory, appId, stateDir)) {
        awaitVersion(s, versions);
        out.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        s.close(Duration.ofSeconds(30));
      }
      log.printf(Locale.ROOT, "  %-24s start %d: %,d ms%n", inMemory ? "in-memory" : warm ? "persistent, clean stop"
          : "persistent, wiped", r + 1, out.get(out.size() - 1));
      log.flush();
    }
    return out;
  }

  private static KafkaStreams start(EmbeddedKafkaBroker broker, SaeSerdes serdes, String topic, boolean inMemory,
      String appId, Path stateDir) {
    StreamsBuilder b = new StreamsBuilder();
    SaeTopology.addModelStore(b, topic, serdes, inMemory, 1);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    KafkaStreams s = new KafkaStreams(b.build(p), p);
    s.start();
    return s;
  }

  private static void awaitVersion(KafkaStreams s, long version) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        ReadOnlyKeyValueStore<String, byte[]> store = s.store(StoreQueryParameters.fromNameAndType(
            SaeTopology.MODEL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        if (ModelStoreLayout.latestVersion(store) >= version) {
          return;
        }
      } catch (InvalidStateStoreException e) {
        // not ready yet
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("model version " + version + " not in the store after " + TIMEOUT);
  }

  static void print(List<Result> results, PrintWriter out) {
    out.printf(Locale.ROOT, "%-24s %10s %10s %10s%n", "global model store", "median ms", "min ms", "max ms");
    for (Result r : results) {
      out.printf(Locale.ROOT, "%-24s %,10d %,10d %,10d%n", r.kind(), r.median(), r.min(), r.max());
    }
    out.flush();
  }
}
