package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application, as a process of its own, started against a broker that is not there:
 * it must not hang without a word, but say which {@code bootstrap.servers} it could not reach
 * within {@code startup.timeout.ms} and exit non-zero.
 */
class StartupIntegrationTest {
  private static Path config(Path dir, String bootstrap) throws Exception {
    return Files.writeString(dir.resolve("app.properties"), String.join("\n",
        "application.id=startup-check",
        "bootstrap.servers=" + bootstrap,
        "schema.registry.url=http://127.0.0.1:1",
        "sae.input.dim=16",
        "metrics.port=-1",
        "startup.timeout.ms=3000",
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
}
