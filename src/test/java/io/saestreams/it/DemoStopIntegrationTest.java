package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --keep-running} as the README describes it: it serves until Ctrl-C. A SIGTERM (what
 * Ctrl-C's SIGINT does, sent the way {@link Process#destroy()} sends it) must end it with exit code
 * 0 after the demo closed its application, registry and broker and deleted their state; the JVM's
 * default for the signal was exit code 143 with the clean-up left to shutdown hooks.
 */
class DemoStopIntegrationTest {
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aSigtermEndsAKeptRunningDemoWithExitCodeZeroAndNoStateLeft(@TempDir Path work) throws Exception {
    Path tmp = Files.createDirectories(work.resolve("tmp"));
    Path output = work.resolve("demo.out");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
        "-jar", AppProcess.JAR.toAbsolutePath().toString(), "demo", "--records", "2000", "--keep-running",
        "--out", work.resolve("out").toString(), "--set", "sae.latent.dim=64")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SAE_"));
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process demo = pb.start();
    try {
      Poll.until(Duration.ofSeconds(180), "the demo to serve until Ctrl-C", () -> {
        if (!demo.isAlive()) {
          throw new AssertionError("the demo exited with " + demo.exitValue() + ":\n" + read(output));
        }
        return read(output).contains("serving until Ctrl-C");
      });
      assertThat(tempEntries(tmp)).as("the broker's and the application's state while serving")
          .anyMatch(n -> n.startsWith("sae-kafka-"))
          .anyMatch(n -> n.startsWith("sae-demo-state-"));
      demo.destroy();
      assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM:\n%s", read(output)).isTrue();
      assertThat(demo.exitValue()).as(read(output)).isZero();
      assertThat(read(output)).contains("SIGTERM received").contains("stopping")
          .doesNotContain("Exception in thread");
      assertThat(tempEntries(tmp)).as("state left in the demo's temporary directory")
          .noneMatch(n -> n.startsWith("sae-kafka-") || n.startsWith("sae-demo-state-"));
    } finally {
      demo.destroyForcibly();
    }
  }

  private static List<String> tempEntries(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
