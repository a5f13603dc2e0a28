package io.saestreams.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.saestreams.metrics.HealthCheck;
import io.saestreams.metrics.JvmMeters;
import io.saestreams.metrics.KafkaStreamsMeters;
import io.saestreams.metrics.MicrometerSaeMetrics;
import io.saestreams.metrics.PrometheusEndpoint;
import io.saestreams.metrics.SaeMetricsConfig;
import io.saestreams.registry.CompatibilityLevel;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.registry.TopicNameStrategy;
import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.query.LiveQueries;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: registry client, Micrometer metrics with a Prometheus endpoint, and
 * the Kafka Streams instance of {@link SaeTopology}. Used by {@code run} and {@code demo}.
 */
final class StreamsApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  final AppConfig config;
  final SchemaRegistryClient registry;
  final PrometheusMeterRegistry meters;
  final MicrometerSaeMetrics metrics;
  final PrometheusEndpoint endpoint;
  final KafkaStreams streams;
  /** POST /encode, GET /model, GET /latents/{j} on the metrics endpoint; null without one. */
  final LiveQueries queries;
  private final KafkaStreamsMeters streamsMeters;
  private final JvmMeters jvmMeters;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Counted down the first time the instance is RUNNING. */
  private final CountDownLatch running = new CountDownLatch(1);
  /** Counted down by a stop request (SIGTERM/SIGINT) or when the instance stops by itself. */
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile Throwable failure;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  StreamsApp(AppConfig configured) {
    AppConfig config = SyncPartitions.resolve(configured);
    this.config = config;
    config.keptModelsWarning(Runtime.getRuntime().maxMemory()).ifPresent(LOG::warn);
    this.registry = new SchemaRegistryClient(
        RegistryClientConfig.fromProperties(config.registryProperties()));
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new MicrometerSaeMetrics(
        SaeMetricsConfig.defaults().withMaxLatentsExported(config.metricsLatents())
            .withClock(Clock.systemUTC()));
    metrics.bindTo(meters);
    this.jvmMeters = JvmMeters.bind(meters);
    try {
      this.endpoint = config.metricsPort() < 0 ? null
          : PrometheusEndpoint.start(meters, config.metricsHost(), config.metricsPort(), health());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot start the metrics endpoint on "
          + config.metricsHost() + ":" + config.metricsPort() + ": " + e.getMessage(), e);
    }
    this.streams = new KafkaStreams(SaeTopology.build(config, metrics, registry),
        config.streamsProperties());
    this.queries = endpoint == null ? null
        : LiveQueries.attach(endpoint, config, streams, metrics::lastTrainerReport);
    this.streamsMeters = KafkaStreamsMeters.bind(streams, meters,
        config.dataParallel() ? config.syncTopic()
            : config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-"
                + SaeTopology.TRAINING_TOPIC + "-repartition");
    streams.setUncaughtExceptionHandler(e -> {
      if (closed.get()) {
        // a thread waiting for the registry gives up when asked to stop; its work is not committed
        LOG.info("stream thread stopped while the application was stopping: {}", e.toString());
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
      LOG.error("stream thread failed; shutting the application down", e);
      failure = e;
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        if (running.getCount() == 0 && before == KafkaStreams.State.REBALANCING) {
          LOG.info("running again after a rebalance");
        }
        running.countDown();
      }
      if (now == KafkaStreams.State.REBALANCING && before == KafkaStreams.State.RUNNING) {
        // an instance joined or left the group (or partitions changed): tasks may move
        LOG.info("rebalancing: the consumer group changed, tasks may move between instances");
      }
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
        stopRequested.countDown();
      }
    });
  }

  /**
   * Protects the input subject (read with a fixed reader schema) against schemas the application
   * could not read — FORWARD_TRANSITIVE unless the subject has a level of its own — then starts
   * Kafka Streams. Both happen on a thread of their own and this returns at once: each may wait
   * for the schema registry for up to its retry budget ({@code KafkaStreams.start()} blocks until
   * the global model store is restored, which decodes every chunk), and a stop request meanwhile
   * must not wait for that. A failure to start ends {@link #awaitStopRequest()} and is reported by
   * {@link #failure()}.
   */
  void start() {
    Thread starter = new Thread(() -> {
      try {
        registry.ensureCompatibility(TopicNameStrategy.valueSubject(config.inputTopic()),
            CompatibilityLevel.FORWARD_TRANSITIVE);
        streams.start();
      } catch (RuntimeException e) {
        if (closed.get()) {
          LOG.debug("start abandoned because the application is stopping: {}", e.toString());
        } else {
          failure = e;
        }
        stopRequested.countDown();
      }
    }, "sae-start");
    starter.setDaemon(true);
    starter.start();
  }

  /** Waits until the instance is RUNNING; throws if it fails or the deadline passes. */
  void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (failure != null || stopped.getCount() == 0) {
        throw new IllegalStateException("the application stopped while starting", failure);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the application was not RUNNING after " + timeout
            + " (state " + streams.state() + ")");
      }
      stopped.await(50, TimeUnit.MILLISECONDS);
    }
  }

  /** Blocks until the instance stops (closed, or failed). */
  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Asks the owner blocked in {@link #awaitStopRequest()} to stop the application. */
  void requestStop() {
    stopRequested.countDown();
  }

  /**
   * Blocks until the instance is RUNNING for the first time (true) or a stop is requested or the
   * instance stops first (false).
   */
  boolean awaitFirstRunningOrStopRequest() throws InterruptedException {
    while (!running.await(50, TimeUnit.MILLISECONDS)) {
      if (stopRequested.getCount() == 0) {
        return false;
      }
    }
    return true;
  }

  /** Blocks until {@link #requestStop()} is called or the instance stops by itself (a failure). */
  void awaitStopRequest() throws InterruptedException {
    stopRequested.await();
  }

  boolean isStopped() {
    return stopped.getCount() == 0;
  }

  Throwable failure() {
    return failure;
  }

  /** Current value of a gauge by Micrometer name (NaN when absent). */
  double gauge(String name) {
    var g = meters.find(name).gauge();
    return g == null ? Double.NaN : g.value();
  }

  /** Current count of a counter by Micrometer name (0 when absent). */
  double counter(String name) {
    var f = meters.find(name).functionCounter();
    if (f != null) {
      return f.count();
    }
    var c = meters.find(name).counter();
    return c == null ? 0 : c.count();
  }

  /** The model version the trainer last published (NaN before the first). */
  double trainerModelVersion() {
    var g = meters.find("sae.model.version").tag("role", "trainer").gauge();
    return g == null ? Double.NaN : g.value();
  }

  /**
   * Live: the client has not failed (state neither ERROR nor PENDING_ERROR, no stream thread
   * failure). Ready: live, RUNNING (not starting, not rebalancing, not stopping), and no call
   * waiting for the schema registry (a stream thread paused in an outage's retries).
   */
  private HealthCheck health() {
    return new HealthCheck() {
      @Override
      public Health live() {
        return live(state());
      }

      @Override
      public Health ready() {
        KafkaStreams.State state = state();
        Health live = live(state);
        if (!live.ok()) {
          return live;
        }
        // a stream thread may be paused in a registry retry, at start or in an outage once running
        String waiting = registry.waitingForRegistry().map(w -> "waiting for the schema registry: " + w)
            .orElse(null);
        if (state != KafkaStreams.State.RUNNING) {
          String why = state == null ? "starting" : "Kafka Streams client in state " + state;
          return Health.notOk(waiting == null ? why : why + "; " + waiting);
        }
        return waiting == null ? Health.OK : Health.notOk(waiting);
      }

      /** The client's state; null while the constructor has not created it yet. */
      private KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? null : s.state();
      }

      private Health live(KafkaStreams.State state) {
        Throwable f = failure;
        if (f != null) {
          return Health.notOk("a stream thread failed: " + f);
        }
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
          return Health.notOk("Kafka Streams client in state " + state);
        }
        return Health.OK;
      }
    };
  }

  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops the instance within {@code timeout}, leaving the consumer group so that its partitions
   * move at once. Returns whether Kafka Streams stopped in time; if not, its threads are left to
   * the JVM's exit, which under exactly_once_v2 is as safe as a crash (open transactions are
   * aborted, state is restored from the changelogs). A second call returns at once.
   */
  boolean close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return true;
    }
    streamsMeters.close();
    jvmMeters.close();
    // a thread blocked in a registry retry (an outage) would otherwise hold the close up
    registry.stopRetrying();
    boolean done = streams.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    if (!done) {
      LOG.warn("Kafka Streams did not stop within {} ms (state {}); exiting anyway: what was not"
          + " committed is aborted and processed again at the next start", timeout.toMillis(),
          streams.state());
    }
    if (endpoint != null) {
      endpoint.close();
      queries.close();
    }
    registry.close();
    meters.close();
    return done;
  }
}
