package io.saestreams.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole application against a real in-JVM KRaft broker and the embedded registry. */
class EndToEndIntegrationTest {
  @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();

  /** See {@link EndToEndScenario} for what this proves. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyValidInputGetsOneCodeAndOneScoreAndTheModelTrainsAndReachesTheScorers(@TempDir Path stateDir) {
    EndToEndScenario.run(EMBEDDED.cluster(), stateDir);
  }
}
