package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.stream.config.AppConfig;
import java.util.ArrayList;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the schema registry that must neither stop the stream nor drain valid records into
 * the dead-letter topic.
 */
class RegistryFaultsIntegrationTest {
  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long HUGE = 400L * 1024 * 1024;

  /**
   * A 400 MB POST to the embedded registry (which, in the demo, shares its JVM with the broker and
   * the application) is refused with 413 without being read into memory; the application, which
   * registers and looks schemas up on the same registry, goes on: every valid input scored, none
   * dead-lettered.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void anOversizedRegistryRequestIsRefusedAndTheStreamGoesOn(@TempDir Path stateDir) throws Exception {
    try (AppUnderTest app = AppUnderTest.create(EMBEDDED.cluster(), "registry-oversized", 2, Map.of());
        InputProducer producer = new InputProducer(EMBEDDED.cluster(), app.config().inputTopic());
        Outputs out = new Outputs(EMBEDDED.cluster(), app.config())) {
      KafkaStreams streams = app.start(stateDir);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 13L, "huge");
      List<InputVector> first = source.next(150);
      producer.sendAll(first);

      assertThat(postZeros(URI.create(EMBEDDED.cluster().registryUrl()), HUGE)).startsWith("HTTP/1.1 413");

      List<InputVector> second = source.next(150);
      producer.sendAll(second);
      List<InputVector> all = new ArrayList<>(first);
      all.addAll(second);
      out.awaitCodesAndScores(OutputChecks.ids(all), WAIT);
      out.settle(EMBEDDED.cluster(), app, WAIT);
      OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());
      assertThat(out.dlq.records()).isEmpty();
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }

  /**
   * The application is restarted while its registry address answers with an empty registry (a
   * wrong or reset registry): the input's schema id is unknown there, and the registry cannot
   * confirm it bogus (it knows no higher id), so it is a registry fault, retried, not a reason to
   * dead-letter. Once the right registry answers again, every input gets its code and score.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anEmptyRegistrySwappedInDrainsNothingIntoTheDlq(@TempDir Path stateDir) throws Exception {
    faultScenario(stateDir, "registry-swapped", true, Duration.ofSeconds(8));
  }

  /**
   * The registry is down for 30 s across a restart of the application: nothing is dead-lettered
   * or lost, the stream waits and goes on when the registry is back.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aRegistryDownForThirtySecondsAcrossARestartLosesNothing(@TempDir Path stateDir) throws Exception {
    faultScenario(stateDir, "registry-down", false, Duration.ofSeconds(30));
  }

  /**
   * The packaged application, a process of its own, is RUNNING and ready when its registry goes
   * down; nothing changes while every schema it needs is cached. Then records of a schema id it
   * has not seen yet arrive: the stream thread waits in the registry's retries, the instance stays
   * live but reports not ready (naming the registry) until the registry is back, and then every
   * input is scored, none dead-lettered, and it is ready again.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aRegistryOutageWhileRunningMakesTheInstanceNotReadyUntilItIsBack(@TempDir Path work) throws Exception {
    ItCluster cluster = EMBEDDED.cluster();
    int metricsPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    try (EmbeddedSchemaRegistry right = new EmbeddedSchemaRegistry().start();
        SwitchableProxy proxy = new SwitchableProxy(right.port());
        SchemaRegistryClient direct = SchemaRegistryClient.create(right.url());
        AppUnderTest app = AppUnderTest.create(cluster, "registry-outage-ready", 2, Map.of(
            AppConfig.SCHEMA_REGISTRY_URL_CONFIG, proxy.url(),
            "registry." + RegistryClientConfig.RETRY_BUDGET_MS, 120_000));
        InputProducer producer = new InputProducer(cluster, app.config().inputTopic(), direct);
        Outputs out = new Outputs(cluster, app.config(), direct);
        AppProcess process = AppProcess.start(app.writeProperties(work.resolve("app.properties"),
            work.resolve("state"), Map.of(AppConfig.METRICS_HOST_CONFIG, "127.0.0.1",
                AppConfig.METRICS_PORT_CONFIG, metricsPort)), work, "registry-outage-ready")) {
      HealthProbe health = new HealthProbe(metricsPort);
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 19L, "outage");
      List<InputVector> first = source.next(100);
      producer.sendAll(first);
      out.awaitCodesAndScores(OutputChecks.ids(first), WAIT);
      Poll.until(WAIT, "ready before the outage", () -> health.ready().statusCode() == 200);

      proxy.switchTo(-1);
      // the schemas it uses are cached: a registry it does not need stops nothing
      List<InputVector> cached = source.next(50);
      producer.sendAll(cached);
      out.awaitCodesAndScores(OutputChecks.ids(cached), WAIT);
      assertThat(health.ready().statusCode()).as("ready while nothing needs the registry").isEqualTo(200);

      org.apache.avro.Schema evolved = SchemaEvolutionIntegrationTest.evolvedInputVector();
      List<InputVector> newer = source.next(50);
      for (InputVector v : newer) {
        producer.send(v.getId(), v.getTimestamp().toEpochMilli(), SchemaEvolutionIntegrationTest.evolved(evolved, v));
      }
      producer.flush();
      Poll.until(WAIT, "not ready while a new schema id waits for the registry",
          () -> health.ready().statusCode() == 503);
      HttpResponse<String> notReady = health.ready();
      assertThat(notReady.body()).startsWith("not ready: waiting for the schema registry: ")
          .contains("retrying").contains("/schemas/ids/");
      assertThat(health.live().statusCode()).as("live during the outage: %s", health.live().body()).isEqualTo(200);
      process.assertAlive();

      proxy.switchTo(right.port());
      List<InputVector> all = new ArrayList<>(first);
      all.addAll(cached);
      all.addAll(newer);
      out.awaitCodesAndScores(OutputChecks.ids(all), WAIT);
      Poll.until(WAIT, "ready again once the registry is back", () -> health.ready().statusCode() == 200);
      out.settle(cluster, app, WAIT);
      OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());
      assertThat(out.dlq.records()).as("valid inputs dead-lettered").isEmpty();
      assertThat(process.terminate(Duration.ofSeconds(20))).as("exit after SIGTERM\n%s", process.output()).isZero();
    }
  }

  /** GET /health/live and /health/ready of a process's metrics endpoint. */
  private record HealthProbe(HttpClient http, URI base) {
    HealthProbe(int port) {
      this(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port));
    }

    HttpResponse<String> ready() {
      return get("/health/ready");
    }

    HttpResponse<String> live() {
      return get("/health/live");
    }

    private HttpResponse<String> get(String path) {
      try {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("GET " + base.resolve(path), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static void faultScenario(Path stateDir, String name, boolean swapToEmpty, Duration faultFor)
      throws Exception {
    ItCluster cluster = EMBEDDED.cluster();
    try (EmbeddedSchemaRegistry right = new EmbeddedSchemaRegistry().start();
        EmbeddedSchemaRegistry empty = new EmbeddedSchemaRegistry().start();
        SwitchableProxy proxy = new SwitchableProxy(right.port());
        SchemaRegistryClient direct = SchemaRegistryClient.create(right.url());
        AppUnderTest app = AppUnderTest.create(cluster, name, 2, Map.of(
            AppConfig.SCHEMA_REGISTRY_URL_CONFIG, proxy.url(),
            "registry." + RegistryClientConfig.RETRY_BUDGET_MS, 120_000));
        InputProducer producer = new InputProducer(cluster, app.config().inputTopic(), direct);
        Outputs out = new Outputs(cluster, app.config(), direct)) {
      Inputs source = new Inputs(AppUnderTest.INPUT_DIM, 17L, name);
      List<InputVector> first = source.next(200);
      producer.sendAll(first);
      KafkaStreams before = app.start(stateDir);
      out.awaitCodesAndScores(OutputChecks.ids(first), WAIT);
      AppUnderTest.stop(before);

      List<InputVector> second = source.next(200);
      producer.sendAll(second);
      proxy.switchTo(swapToEmpty ? empty.port() : -1);
      KafkaStreams after = app.startWithoutWaiting(stateDir, io.saestreams.metrics.SaeMetricsSink.NOOP);
      long deadline = Poll.deadline(faultFor);
      while (!Poll.passed(deadline)) {
        out.dlq.readToEnd(Duration.ofSeconds(5));
        assertThat(out.dlq.records()).as("dead letters while the registry is %s", swapToEmpty ? "swapped" : "down")
            .isEmpty();
        assertThat(after.state()).as("state while the registry is away").isNotIn(KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.NOT_RUNNING);
      }
      proxy.switchTo(right.port());

      List<InputVector> all = new ArrayList<>(first);
      all.addAll(second);
      out.awaitCodesAndScores(OutputChecks.ids(all), WAIT);
      out.settle(cluster, app, WAIT);
      OutputChecks.assertOneCodeAndScorePerInput(all, out.codes.records(), out.scores.records());
      assertThat(out.dlq.records()).as("valid inputs dead-lettered").isEmpty();
      app.awaitRunning(after);
      assertThat(app.uncaughtExceptions()).isEmpty();
    }
  }

  /** Streams {@code bytes} zeros as the body of a schema registration; returns the status line. */
  private static String postZeros(URI registry, long bytes) throws Exception {
    try (Socket s = new Socket(registry.getHost(), registry.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /subjects/huge-value/versions HTTP/1.1\r\nHost: " + registry.getHost()
          + "\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: " + bytes
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] zeros = new byte[65_536];
      try {
        for (long sent = 0; sent < bytes; sent += zeros.length) {
          out.write(zeros);
          if (s.getInputStream().available() > 0) {
            break; // answered before the upload ended
          }
        }
      } catch (java.io.IOException closedEarly) {
        // the server answered and closed the connection: read what it said
      }
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
