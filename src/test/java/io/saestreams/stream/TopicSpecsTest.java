package io.saestreams.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.stream.config.AppConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicSpecsTest {
  private static final AppConfig CONFIG = AppConfig.of(Map.of("bootstrap.servers", "broker:9092",
      "schema.registry.url", "http://registry:8081", "sae.input.dim", "16", AppConfig.MODEL_TOPIC_CONFIG, "models"));

  @Test
  void outputsTakeTheInputsPartitionsAndTheModelTopicOneCompactedPartitionInSmallSegments() {
    List<NewTopic> topics = TopicSpecs.of(CONFIG, 6, (short) 3);
    assertThat(topics).extracting(NewTopic::name).containsExactly(CONFIG.inputTopic(), CONFIG.codesTopic(),
        CONFIG.scoresTopic(), CONFIG.alertsTopic(), CONFIG.dlqTopic(), "models");
    assertThat(topics).allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) 3));
    assertThat(topics.subList(0, 5)).allSatisfy(t -> {
      assertThat(t.numPartitions()).isEqualTo(6);
      assertThat(t.configs()).isNullOrEmpty();
    });
    NewTopic model = topics.get(5);
    assertThat(model.numPartitions()).isEqualTo(1);
    // compaction never cleans the active segment, and every instance reads the whole topic at
    // start: a broker's 1 GiB default would keep a gigabyte of old versions there
    assertThat(model.configs()).containsEntry("cleanup.policy", "compact")
        .containsEntry("min.compaction.lag.ms", "60000")
        .containsEntry("segment.bytes", Integer.toString(16 << 20));
  }

  @Test
  void inDataParallelModeTheSyncTopicIsOneCompactedPartitionInSmallSegments() {
    AppConfig dp = CONFIG.with(AppConfig.TRAIN_MODE_CONFIG, "data-parallel").with(AppConfig.APPLICATION_ID_CONFIG, "app");
    List<NewTopic> topics = TopicSpecs.of(dp, 6, (short) 3);
    assertThat(topics).hasSize(7);
    NewTopic sync = topics.get(6);
    assertThat(sync.name()).isEqualTo("app-sync").isEqualTo(dp.syncTopic());
    assertThat(sync.numPartitions()).isEqualTo(1);
    assertThat(sync.replicationFactor()).isEqualTo((short) 3);
    // it is the changelog of the aggregator's contributions: compacted, and a restore reads the
    // tombstones of averaged rounds only for a minute after compaction
    assertThat(sync.configs()).containsEntry("cleanup.policy", "compact")
        .containsEntry("segment.bytes", Integer.toString(16 << 20))
        .containsEntry("delete.retention.ms", "60000");
    assertThat(TopicSpecs.of(CONFIG, 6, (short) 3)).extracting(NewTopic::name).doesNotContain(CONFIG.syncTopic());
  }
}

