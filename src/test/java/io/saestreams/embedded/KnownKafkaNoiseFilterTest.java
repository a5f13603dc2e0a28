package io.saestreams.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KnownKafkaNoiseFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final KnownKafkaNoiseFilter filter = new KnownKafkaNoiseFilter();

  private FilterReply decide(String logger, Level level, String format, Object... args) {
    LoggingEvent event =
        new LoggingEvent(
            "fqcn", context.getLogger(logger), level, format, null, args.length == 0 ? null : args);
    return filter.decide(event);
  }

  @Test
  void dropsTheFreshMetadataLogWarning() {
    assertThat(
            decide(
                "org.apache.kafka.controller.QuorumController",
                Level.WARN,
                "[QuorumController id=1] Performing controller activation. The metadata log appears"
                    + " to be empty. Appending {} bootstrap record(s)",
                6))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void dropsTheDoubleCloseWarning() {
    assertThat(
            decide(
                "org.apache.kafka.clients.NetworkClient",
                Level.WARN,
                "[NodeToControllerChannelManager id=1 name=registration] Attempting to close"
                    + " NetworkClient that has already been closed."))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void keepsEverythingElse() {
    assertThat(
            decide(
                "org.apache.kafka.controller.QuorumController",
                Level.WARN,
                "[QuorumController id=1] something real"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            decide(
                "org.apache.kafka.controller.QuorumController",
                Level.ERROR,
                "The metadata log appears to be empty"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            decide(
                "org.apache.kafka.clients.producer.KafkaProducer",
                Level.WARN,
                "Attempting to close NetworkClient that has already been closed"))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
