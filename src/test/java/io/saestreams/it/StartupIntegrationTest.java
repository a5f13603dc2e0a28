package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application, as a process of its own, started against a broker that is not there:
 * it must not hang without a word, but say which {@code bootstrap.servers} it could not reach
 * within {@code startup.timeout.ms} and exit non-zero. Against a registry that is not there it
 * waits, says so, and still stops cleanly on SIGTERM.
 */
class StartupIntegrationTest {
  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();
  private static Path config(Path dir, String bootstrap) throws Exception {
    return config(dir, bootstrap, 3_000);
  }

  private static Path config(Path dir, String bootstrap, long startupTimeoutMs) throws Exception {
    return Files.writeString(dir.resolve("app.properties"), String.join("\n",
        "application.id=startup-check",
        "bootstrap.servers=" + bootstrap,
        "schema.registry.url=http://127.0.0.1:1",
        "sae.input.dim=16",
        "metrics.port=-1",
        "startup.timeout.ms=" + startupTimeoutMs,
        "streams.state.dir=" + dir.resolve("state"),
        ""));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anUnreachableBrokerFailsTheStartNamingBootstrapServers(@TempDir Path dir) throws Exception {
    String bootstrap = "127.0.0.1:" + closedPort();
    try (AppProcess p = AppProcess.start(config(dir, bootstrap), dir, "unreachable")) {
      long t0 = System.nanoTime();
      int exit = p.waitForExit(Duration.ofSeconds(30));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(exit).as("exit code\n%s", p.output()).isEqualTo(1);
      assertThat(ms).as("took %s ms", ms).isLessThan(20_000);
      assertThat(p.output()).contains("bootstrap.servers=" + bootstrap, "startup.timeout.ms=3000")
          .doesNotContain("error: null");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anUnresolvableBrokerFailsTheStartAtOnceNamingBootstrapServers(@TempDir Path dir) throws Exception {
    try (AppProcess p = AppProcess.start(config(dir, "no-such-host.invalid:9092"), dir, "unresolvable")) {
      int exit = p.waitForExit(Duration.ofSeconds(30));
      assertThat(exit).as("exit code\n%s", p.output()).isEqualTo(1);
      assertThat(p.output()).contains("bootstrap.servers=no-such-host.invalid:9092")
          .doesNotContain("Failed to create new KafkaAdminClient\n");
    }
  }

  /**
   * A SIGTERM while the start still waits for the broker is a clean stop as well: exit 0 at once,
   * not the JVM's default 143 (the signal handlers used to be installed only once the application
   * existed, and an instance stopped early in its start ended with 143).
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aSigtermWhileTheStartWaitsForTheBrokerExitsZero(@TempDir Path dir) throws Exception {
    String bootstrap = "127.0.0.1:" + closedPort();
    try (AppProcess p = AppProcess.start(config(dir, bootstrap, 60_000), dir, "broker-down")) {
      p.awaitOutput("waiting for the Kafka cluster at bootstrap.servers=" + bootstrap, Duration.ofSeconds(60));
      long t0 = System.nanoTime();
      int exit = p.terminate(Duration.ofSeconds(20));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(exit).as("exit code after SIGTERM\n%s", p.output()).isZero();
      assertThat(ms).as("stopped in %s ms", ms).isLessThan(10_000);
      assertThat(p.output()).doesNotContain("\tat ", "error:");
    }
  }

  /**
   * The broker is up, the registry is not: the start waits for the registry (saying so), and a
   * SIGTERM meanwhile stops the process within 10 s with exit 0 — the waiting start does not hold
   * the stop up for the rest of the registry retry budget.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aSigtermWhileTheStartWaitsForTheRegistryExitsZeroWithinTenSeconds(@TempDir Path dir) throws Exception {
    int metricsPort = closedPort();
    Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n",
        "application.id=startup-registry-down",
        "bootstrap.servers=" + EMBEDDED.cluster().bootstrapServers(),
        "schema.registry.url=http://127.0.0.1:" + closedPort(),
        "sae.input.dim=16",
        "metrics.host=127.0.0.1",
        "metrics.port=" + metricsPort,
        "streams.state.dir=" + dir.resolve("state"),
        ""));
    try (AppProcess p = AppProcess.start(config, dir, "registry-down")) {
      p.awaitOutput("retrying with backoff", Duration.ofSeconds(60));
      // alive, but not ready while the start waits for the registry
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + metricsPort);
      HttpResponse<String> live = http.send(HttpRequest.newBuilder(base.resolve("/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("not ready: ");
      long t0 = System.nanoTime();
      int exit = p.terminate(Duration.ofSeconds(20));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(exit).as("exit code after SIGTERM\n%s", p.output()).isZero();
      assertThat(ms).as("stopped in %s ms", ms).isLessThan(10_000);
      assertThat(p.output()).contains("retry.budget.ms").doesNotContain("\tat ", "error:");
    }
  }
}
