package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM that exits without {@code close()} still stops its embedded broker and deletes the
 * temporary folder, through the shutdown hook. Runs the broker in a child JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerShutdownHookIntegrationTest {

  @Test
  void shutdownHookDeletesDataDirectoryWhenJvmExitsWithoutClose() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ExitWithoutCloseMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Process child = pb.start();
    Map<String, String> printed = new HashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.matches("[A-Z_]+=.*")) {
          printed.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      child.destroyForcibly();
      throw e;
    }
    if (!child.waitFor(90, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError("child JVM did not exit");
    }

    assertThat(child.exitValue()).isZero();
    assertThat(printed).containsKeys("DATA_DIR", "BROKER_PORT", "CONTROLLER_PORT");
    Path dataDir = Paths.get(printed.get("DATA_DIR"));
    assertThat(dataDir.getFileName().toString()).startsWith("sae-kafka-");
    assertThat(Files.exists(dataDir)).as("%s after the JVM exited", dataDir).isFalse();
    int brokerPort = Integer.parseInt(printed.get("BROKER_PORT"));
    int controllerPort = Integer.parseInt(printed.get("CONTROLLER_PORT"));
    Await.until(
        Duration.ofSeconds(20),
        "ports of the exited broker to be free",
        () -> LoopbackPorts.isFree(brokerPort) && LoopbackPorts.isFree(controllerPort));
  }
}
