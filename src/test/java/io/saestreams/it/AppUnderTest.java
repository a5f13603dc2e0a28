package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The application under test: a configuration with an application id and topic names of its own
 * (so tests sharing a broker never see each other's records or groups), its topics, and the
 * {@link KafkaStreams} instances started from it. Each instance gets its own registry client, as
 * a separate process would. {@link #close()} closes whatever is still open.
 */
final class AppUnderTest implements AutoCloseable {
  static final int INPUT_DIM = 16;
  static final int LATENT_DIM = 32;
  static final int K = 4;
  static final int BATCH = 32;
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final ItCluster cluster;
  private final Map<String, Object> settings;
  private final AppConfig config;
  private final List<KafkaStreams> instances = new ArrayList<>();
  private final List<SchemaRegistryClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

  private AppUnderTest(ItCluster cluster, Map<String, Object> settings) {
    this.cluster = cluster;
    this.settings = settings;
    this.config = AppConfig.of(settings);
  }

  /**
   * A small model (d = 16, n = 32, topk k = 4, batches of 32, checkpoint and publish every 5
   * steps, models in 1 KiB chunks) with a unique application id and topics derived from {@code
   * name}; creates the topics, input and outputs with {@code partitions} partitions.
   *
   * @param overrides replace or add settings (AppConfig keys, {@code streams.*})
   */
  static AppUnderTest create(ItCluster cluster, String name, int partitions, Map<String, ?> overrides) {
    String id = "it-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> s = new HashMap<>();
    s.put(AppConfig.APPLICATION_ID_CONFIG, id);
    s.put(AppConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    s.put(AppConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.registryUrl());
    s.put(AppConfig.INPUT_TOPIC_CONFIG, id + ".input");
    s.put(AppConfig.CODES_TOPIC_CONFIG, id + ".codes");
    s.put(AppConfig.SCORES_TOPIC_CONFIG, id + ".scores");
    s.put(AppConfig.ALERTS_TOPIC_CONFIG, id + ".alerts");
    s.put(AppConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    s.put(AppConfig.MODEL_TOPIC_CONFIG, id + ".model");
    s.put(AppConfig.SAE_INPUT_DIM_CONFIG, INPUT_DIM);
    s.put(AppConfig.SAE_LATENT_DIM_CONFIG, LATENT_DIM);
    s.put(AppConfig.SAE_ACTIVATION_CONFIG, "topk");
    s.put(AppConfig.SAE_K_CONFIG, K);
    s.put(AppConfig.TRAIN_BATCH_SIZE_CONFIG, BATCH);
    s.put(AppConfig.TRAIN_CHECKPOINT_INTERVAL_STEPS_CONFIG, 5);
    s.put(AppConfig.MODEL_PUBLISH_INTERVAL_STEPS_CONFIG, 5);
    s.put(AppConfig.TRAIN_BATCH_MAX_WAIT_MS_CONFIG, 1_000L);
    s.put(AppConfig.MODEL_CHUNK_BYTES_CONFIG, 1024);
    s.put(AppConfig.GEMM_BACKEND_CONFIG, "java");
    s.put(AppConfig.ANOMALY_WARMUP_RECORDS_CONFIG, 50L);
    s.put("streams.commit.interval.ms", 100);
    // a member that vanished without leaving the group (a crash) is noticed within seconds
    s.put("streams.consumer.session.timeout.ms", 6_000);
    s.put("streams.consumer.heartbeat.interval.ms", 1_000);
    s.put("streams.state.dir", "unset-until-start");
    s.putAll(overrides);
    AppUnderTest app = new AppUnderTest(cluster, s);
    try {
      List<String> created = TopicSpecs.createMissing(cluster.admin(), app.config, partitions, (short) 1);
      cluster.awaitLeaders(created, START_TIMEOUT);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the topics of " + id + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return app;
  }

  AppConfig config() {
    return config;
  }

  /**
   * The settings as a properties file for {@code run --config}, with {@code streams.state.dir}
   * set to {@code stateDir} and {@code extra} added (e.g. {@code metrics.port}).
   */
  Path writeProperties(Path file, Path stateDir, Map<String, ?> extra) throws java.io.IOException {
    java.util.Properties p = new java.util.Properties();
    settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    extra.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    p.setProperty("streams.state.dir", stateDir.toString());
    try (var w = java.nio.file.Files.newBufferedWriter(file)) {
      p.store(w, "written by " + AppUnderTest.class.getSimpleName() + " for " + applicationId());
    }
    return file;
  }

  String applicationId() {
    return config.getString(AppConfig.APPLICATION_ID_CONFIG);
  }

  /** Changelog topic of one of the topology's state stores. */
  String changelog(String store) {
    return applicationId() + "-" + store + "-changelog";
  }

  /** Internal topic feeding the trainer. */
  String trainingTopic() {
    return applicationId() + "-" + SaeTopology.TRAINING_TOPIC + "-repartition";
  }

  /**
   * Starts a new instance of the application on {@code stateDir} and waits until it is RUNNING. A
   * stream thread that dies shuts the instance down (state ERROR); the cause is kept.
   */
  KafkaStreams start(Path stateDir, SaeMetricsSink metrics) {
    KafkaStreams streams = startWithoutWaiting(stateDir, metrics);
    awaitRunning(streams);
    return streams;
  }

  /** Waits until {@code streams} is RUNNING; fails at once if it fails. */
  void awaitRunning(KafkaStreams streams) {
    Poll.until(START_TIMEOUT, applicationId() + " to be RUNNING", () -> {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
        throw new AssertionError(applicationId() + " failed to start: " + uncaught);
      }
      return state == KafkaStreams.State.RUNNING;
    });
  }

  /**
   * Starts a new instance without waiting for RUNNING (a stream thread that waits for the
   * registry inside its first records does not report RUNNING until it is through, and the
   * global thread's restore waits for it before any stream thread starts).
   */
  KafkaStreams startWithoutWaiting(Path stateDir, SaeMetricsSink metrics) {
    Map<String, Object> s = new HashMap<>(settings);
    s.put("streams.state.dir", stateDir.toString());
    AppConfig c = AppConfig.of(s);
    // the configured registry and client settings, as the application itself builds its client
    SchemaRegistryClient client = new SchemaRegistryClient(
        io.saestreams.registry.RegistryClientConfig.fromProperties(c.registryProperties()));
    clients.add(client);
    KafkaStreams streams = new KafkaStreams(SaeTopology.build(c, metrics, client), c.streamsProperties());
    streams.setUncaughtExceptionHandler(e -> {
      uncaught.add(e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    instances.add(streams);
    // KafkaStreams.start() blocks until the global model store is restored, which needs the
    // registry: started on a thread of its own, as the application does (StreamsApp.start)
    Thread starter = new Thread(() -> {
      try {
        streams.start();
      } catch (RuntimeException e) {
        uncaught.add(e);
      }
    }, "it-start");
    starter.setDaemon(true);
    starter.start();
    return streams;
  }

  KafkaStreams start(Path stateDir) {
    return start(stateDir, SaeMetricsSink.NOOP);
  }

  /** Closes an instance, leaving the group, and checks that it shut down within the timeout. */
  static void stop(KafkaStreams streams) {
    boolean closed = streams.close(
        CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    assertThat(closed).as("KafkaStreams closed within " + CLOSE_TIMEOUT).isTrue();
    assertThat(streams.state()).isIn(KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.ERROR);
  }

  /** Exceptions that killed stream threads of any instance so far. */
  List<Throwable> uncaughtExceptions() {
    return List.copyOf(uncaught);
  }

  /**
   * The newest complete model version in an instance's global model store (what its scorers
   * switch to), or -1 while the store cannot be queried.
   */
  static long latestModelVersion(KafkaStreams streams) {
    try {
      ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
          StoreQueryParameters.fromNameAndType(SaeTopology.MODEL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
      return ModelStoreLayout.latestVersion(store);
    } catch (InvalidStateStoreException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    for (KafkaStreams s : instances) {
      s.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
    clients.forEach(SchemaRegistryClient::close);
  }
}
