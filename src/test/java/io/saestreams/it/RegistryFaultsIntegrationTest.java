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
