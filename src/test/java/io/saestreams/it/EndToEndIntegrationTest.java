package io.saestreams.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole application against a real in-JVM KRaft broker and the embedded registry. */
class EndToEndIntegrationTest {
  private static ItCluster cluster;

  @BeforeAll
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  static void startCluster() {
    cluster = ItCluster.embedded();
  }

  @AfterAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** See {@link EndToEndScenario} for what this proves. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyValidInputGetsOneCodeAndOneScoreAndTheModelTrainsAndReachesTheScorers(@TempDir Path stateDir) {
    EndToEndScenario.run(cluster, stateDir);
  }
}
