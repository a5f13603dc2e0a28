package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KafkaExitGuardTest {

  @Test
  void kafkaExitAndHaltReturnWhileHeldAndGuardIsCounted() {
    // the guard logs every refused exit at ERROR; keep this test's expected ones off the console
    Logger log = (Logger) LoggerFactory.getLogger(KafkaExitGuard.class);
    Level level = log.getLevel();
    log.setLevel(Level.OFF);
    try {
      exitAndHaltReturnWhileHeld();
    } finally {
      log.setLevel(level);
    }
  }

  private static void exitAndHaltReturnWhileHeld() {
    assertThat(KafkaExitGuard.isHeld()).isFalse();
    KafkaExitGuard.acquire();
    KafkaExitGuard.acquire();
    try {
      // would end this test JVM without the guard
      Exit.halt(1);
      Exit.exit(2, "test");
      KafkaExitGuard.release();
      assertThat(KafkaExitGuard.isHeld()).isTrue();
      Exit.halt(3);
    } finally {
      KafkaExitGuard.release();
    }
    assertThat(KafkaExitGuard.isHeld()).isFalse();
    KafkaExitGuard.release(); // an extra release does not go negative
    assertThat(KafkaExitGuard.isHeld()).isFalse();
  }
}
