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
  void dropsTheRetriedConcurrentTransactionsWarningOnly() {
    String logger = "org.apache.kafka.clients.producer.internals.Sender";
    assertThat(decide(logger, Level.WARN, "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1]"
        + " Got error produce response with correlation id 119 on topic-partition sae-scores-1, retrying"
        + " (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS")).isEqualTo(FilterReply.DENY);
    assertThat(decide(logger, Level.WARN, "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1]"
        + " Got error produce response with correlation id 120 on topic-partition sae-scores-1, retrying"
        + " (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER")).isEqualTo(FilterReply.NEUTRAL);
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

  private static final String STREAMS_CONSUMER =
      "[Consumer clientId=sae-demo-397d1077-915b-41e9-99ca-1a7dd9a982aa-StreamThread-1-consumer,"
          + " groupId=sae-demo] ";

  private FilterReply metadataWarning(String prefix, String topics) {
    return decide(
        "org.apache.kafka.clients.NetworkClient",
        Level.WARN,
        prefix + "The metadata response from the cluster reported a recoverable issue with"
            + " correlation id {} : {}",
        2,
        topics);
  }

  @Test
  void dropsTheFirstStartMetadataWarningForTheGroupsOwnInternalTopics() {
    assertThat(metadataWarning(STREAMS_CONSUMER, "{sae-demo-training-repartition=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.DENY);
    assertThat(
            metadataWarning(
                STREAMS_CONSUMER,
                "{sae-demo-training-repartition=UNKNOWN_TOPIC_OR_PARTITION,"
                    + " sae-demo-replay-changelog=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void keepsMetadataWarningsAboutOtherTopicsErrorsOrGroups() {
    // a user topic that does not exist is worth a warning
    assertThat(metadataWarning(STREAMS_CONSUMER, "{sae-input=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            metadataWarning(
                STREAMS_CONSUMER,
                "{sae-demo-training-repartition=UNKNOWN_TOPIC_OR_PARTITION,"
                    + " sae-input=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(metadataWarning(STREAMS_CONSUMER, "{sae-demo-training-repartition=TOPIC_AUTHORIZATION_FAILED}"))
        .isEqualTo(FilterReply.NEUTRAL);
    // another application's internal topic
    assertThat(metadataWarning(STREAMS_CONSUMER, "{other-app-training-repartition=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.NEUTRAL);
    // no group to tie the topic to
    assertThat(
            metadataWarning(
                "[Producer clientId=p1] ", "{sae-demo-training-repartition=UNKNOWN_TOPIC_OR_PARTITION}"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(metadataWarning(STREAMS_CONSUMER, "{}")).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void dropsTheGlobalConsumersStartUpOffsetWarningOnly() {
    String format = "[Consumer clientId={}, groupId=null] Not updating last stable offset for partition {}"
        + " as it is no longer assigned";
    String logger = "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils";
    assertThat(decide(logger, Level.WARN, format, "sae-demo-397d1077-global-consumer", "sae-model-0"))
        .isEqualTo(FilterReply.DENY);
    assertThat(decide(logger, Level.WARN, format, "sae-demo-397d1077-StreamThread-1-consumer", "sae-input-0"))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(logger, Level.WARN, "[Consumer clientId=x-global-consumer, groupId=null] other"))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void dropsTheTempStateDirWarningForTheDemosOwnDirectoryOnly() {
    String logger = "org.apache.kafka.streams.processor.internals.StateDirectory";
    String format = "Using an OS temp directory in the state.dir property can cause failures with writing"
        + " the checkpoint file due to the fact that this directory can be cleared by the OS."
        + " Resolved state.dir: [{}]";
    assertThat(decide(logger, Level.WARN, format, "/tmp/" + KnownKafkaNoiseFilter.DEMO_STATE_DIR_PREFIX + "123"))
        .isEqualTo(FilterReply.DENY);
    assertThat(decide(logger, Level.WARN, format, "/tmp/kafka-streams")).isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            decide(logger, Level.WARN, format,
                "/tmp/" + KnownKafkaNoiseFilter.DEMO_STATE_DIR_PREFIX + "1/nested"))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
