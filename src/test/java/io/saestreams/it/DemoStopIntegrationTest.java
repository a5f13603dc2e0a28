package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    try (AppProcess demo = AppProcess.launch(work, "demo", List.of("demo", "--records", "2000", "--keep-running",
        "--out", work.resolve("out").toString(), "--set", "sae.latent.dim=64"))) {
      demo.awaitOutput("serving until Ctrl-C", Duration.ofSeconds(180));
      assertThat(tempEntries(demo.tmpDir())).as("the broker's and the application's state while serving")
          .anyMatch(n -> n.startsWith("sae-kafka-"))
          .anyMatch(n -> n.startsWith("sae-demo-state-"));
      int exit = demo.terminate(Duration.ofSeconds(30));
      assertThat(exit).as("exit code within 30 s of SIGTERM (-1: still running):\n%s", demo.output()).isZero();
      assertThat(demo.output()).contains("SIGTERM received").contains("stopping")
          .doesNotContain("Exception in thread");
      assertThat(tempEntries(demo.tmpDir())).as("state left in the demo's temporary directory")
          .noneMatch(n -> n.startsWith("sae-kafka-") || n.startsWith("sae-demo-state-"));
    }
  }

  private static List<String> tempEntries(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
