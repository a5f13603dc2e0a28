package io.saestreams.cli;

import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Resolves {@code train.sync.partitions=0} (data-parallel training) to the input topic's partition
 * count, which the topology needs before it is built: the aggregator waits for one contribution
 * per partition in every round. A value set by hand must be that count. It also creates the sync
 * topic, which the topology reads ({@link TopicSpecs#ensureSyncTopic}).
 */
final class SyncPartitions {
  private static final long TIMEOUT_MS = 30_000;

  private SyncPartitions() {}

  static AppConfig resolve(AppConfig config) {
    if (!config.dataParallel()) {
      return config;
    }
    Map<String, Object> admin = new StreamsConfig(config.streamsProperties()).getAdminConfigs("sae-streams-sync-partitions");
    String topic = config.inputTopic();
    try (Admin a = Admin.create(admin)) {
      TopicDescription d = a.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .get(topic);
      int actual = d.partitions().size();
      int configured = config.syncPartitions();
      if (configured > 0 && configured != actual) {
        throw new IllegalStateException(AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG + "=" + configured + " but the input"
            + " topic " + topic + " has " + actual + " partitions: the aggregator would wait for replicas that do not"
            + " exist, or replicas would have no place in a round; set it to " + actual + " or to 0 (look it up)");
      }
      TopicSpecs.ensureSyncTopic(a, config);
      return configured > 0 ? config : config.with(AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG, actual);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException("train.mode=data-parallel needs the input topic's partition count, but the"
            + " topic " + topic + " does not exist: create it first, or set " + AppConfig.TRAIN_SYNC_PARTITIONS_CONFIG);
      }
      throw new IllegalStateException("cannot look up the partition count of the input topic " + topic
          + " or create the sync topic " + config.syncTopic() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot look up the partition count of the input topic " + topic
          + " within " + TIMEOUT_MS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up the input topic's partition count", e);
    }
  }
}
