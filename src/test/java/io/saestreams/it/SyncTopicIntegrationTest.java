package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sync topic of data-parallel training on a real broker: the application creates it (one
 * partition, compacted, small segments, short tombstone retention) and accepts it at the next
 * start, and refuses one that cannot be its contributions' changelog, naming what is wrong.
 */
class SyncTopicIntegrationTest {
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

  private static AppConfig config(String applicationId) {
    return AppConfig.of(Map.of(AppConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        AppConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:1", AppConfig.SAE_INPUT_DIM_CONFIG, 8,
        AppConfig.TRAIN_MODE_CONFIG, "data-parallel", AppConfig.APPLICATION_ID_CONFIG, applicationId));
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void theApplicationCreatesItOnceAndTakesItAgain() throws Exception {
    AppConfig config = config("sync-create");
    assertThat(TopicSpecs.ensureSyncTopic(cluster.admin(), config)).as("created").isTrue();
    assertThat(TopicSpecs.ensureSyncTopic(cluster.admin(), config)).as("there already").isFalse();
    String topic = config.syncTopic();
    assertThat(topic).isEqualTo("sync-create-sync");
    TopicDescription d = ItCluster.get(cluster.admin().describeTopics(List.of(topic)).allTopicNames()).get(topic);
    assertThat(d.partitions()).hasSize(1);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config configs = ItCluster.get(cluster.admin().describeConfigs(List.of(resource)).all()).get(resource);
    assertThat(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
    assertThat(configs.get(TopicConfig.SEGMENT_BYTES_CONFIG).value()).isEqualTo(Integer.toString(16 << 20));
    assertThat(configs.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value()).isEqualTo("60000");
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aTopicWithTwoPartitionsOrThatIsNotCompactedIsRefused() {
    AppConfig twoPartitions = config("sync-two");
    AppConfig deleted = config("sync-delete");
    ItCluster.get(cluster.admin().createTopics(List.of(
        new NewTopic(twoPartitions.syncTopic(), 2, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(deleted.syncTopic(), 1, (short) 1))).all());
    cluster.awaitLeaders(List.of(twoPartitions.syncTopic(), deleted.syncTopic()), Duration.ofSeconds(30));
    assertThatThrownBy(() -> TopicSpecs.ensureSyncTopic(cluster.admin(), twoPartitions))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sync-two-sync").hasMessageContaining("2 partitions").hasMessageContaining("needs 1 partition");
    assertThatThrownBy(() -> TopicSpecs.ensureSyncTopic(cluster.admin(), deleted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sync-delete-sync").hasMessageContaining("cleanup.policy=delete")
        .hasMessageContaining("cleanup.policy=compact");
  }
}
