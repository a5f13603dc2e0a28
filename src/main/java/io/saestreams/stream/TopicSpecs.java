package io.saestreams.stream;

import io.saestreams.stream.config.AppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The application's external topics and how they should be created: the model topic compacted
 * with one partition (so chunks of a version stay in order and compaction keeps the newest
 * version), the others with the input's partition count. Internal topics (the training
 * repartition topic, changelogs) are created by Kafka Streams itself; the sync topic of
 * data-parallel training, a source topic, by the application ({@link #ensureSyncTopic}).
 */
public final class TopicSpecs {
  private TopicSpecs() {}

  /**
   * The topics to create, with {@code partitions} partitions for input and outputs; in
   * data-parallel mode also the sync topic (which the application creates at start anyway).
   */
  public static List<NewTopic> of(AppConfig config, int partitions, short replication) {
    List<NewTopic> topics = new ArrayList<>();
    for (String t : List.of(config.inputTopic(), config.codesTopic(), config.scoresTopic(),
        config.alertsTopic(), config.dlqTopic())) {
      topics.add(new NewTopic(t, partitions, replication));
    }
    topics.add(new NewTopic(config.modelTopic(), 1, replication).configs(modelTopicConfigs()));
    if (config.dataParallel()) {
      topics.add(new NewTopic(config.syncTopic(), 1, replication).configs(syncTopicConfigs()));
    }
    return topics;
  }

  /**
   * Segment size of the model topic. Compaction never touches a topic's active segment, and every
   * instance reads the whole topic into its global store at start: with a broker's default of
   * 1 GiB, up to a gigabyte of superseded versions (150 of d784·n1024) would be read at every
   * start. 16 MiB segments keep that to the active segment's few versions.
   */
  static final int MODEL_SEGMENT_BYTES = 16 << 20;

  /**
   * Topic settings of the model topic: compacted, with a minute before compaction, in segments of
   * {@value #MODEL_SEGMENT_BYTES} bytes.
   */
  public static Map<String, String> modelTopicConfigs() {
    return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000",
        TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(MODEL_SEGMENT_BYTES));
  }

  /**
   * Segment size of the changelogs of the training state (checkpoints, contributions). Their live
   * data is a few checkpoints, but a data-parallel replica writes one every round (4.8 MB for
   * d784·n256 with Adam, about every second under load): with a broker's default of 1 GiB, a
   * restore (every start of an in-memory store, and under exactly-once every start after a crash)
   * would read up to a gigabyte per partition before the first segment could be compacted.
   */
  static final int TRAINING_STATE_SEGMENT_BYTES = 16 << 20;

  /**
   * Changelog settings of the training-state stores: segments of {@value
   * #TRAINING_STATE_SEGMENT_BYTES} bytes (over any {@code streams.topic.segment.bytes}).
   */
  public static Map<String, String> trainingStateChangelogConfigs() {
    return Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(TRAINING_STATE_SEGMENT_BYTES));
  }

  /**
   * How long a tombstone of an averaged round stays on the sync topic after compaction: a restore
   * reads every one still there, and a round every second leaves tens of thousands a day with the
   * broker's default of a day. A restore that reads a chunk but misses its tombstone keeps a stale
   * chunk of a round already averaged, which the aggregator drops at start.
   */
  static final long SYNC_DELETE_RETENTION_MS = 60_000;

  /**
   * Topic settings of the sync topic ({@link AppConfig#syncTopic()}): compacted (it is the
   * changelog of the aggregator's contributions, whose averaged rounds are deleted by tombstones),
   * in segments of {@value #TRAINING_STATE_SEGMENT_BYTES} bytes, tombstones kept {@value
   * #SYNC_DELETE_RETENTION_MS} ms.
   */
  public static Map<String, String> syncTopicConfigs() {
    return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(TRAINING_STATE_SEGMENT_BYTES),
        TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(SYNC_DELETE_RETENTION_MS));
  }

  /**
   * Data-parallel training: creates the sync topic ({@link AppConfig#syncTopic()}, one partition,
   * {@link #syncTopicConfigs()}, Kafka Streams' {@code replication.factor}) unless it exists, and
   * checks one that exists: it must have one partition (one aggregator sees every contribution
   * in order) and be compacted (it is a changelog). Kafka Streams creates only its internal
   * topics, so the application does this before it starts, as it does for its other topics.
   *
   * @return whether it created the topic (false also when another instance created it meanwhile)
   * @throws IllegalStateException naming the topic and what is wrong with it
   */
  public static boolean ensureSyncTopic(Admin admin, AppConfig config)
      throws ExecutionException, InterruptedException, TimeoutException {
    String topic = config.syncTopic();
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    if (existing.contains(topic)) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions().size();
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
          .get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
      boolean compacted = policy != null && policy.value() != null
          && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
      if (partitions != 1 || !compacted) {
        throw new IllegalStateException("the sync topic " + topic + " of data-parallel training has " + partitions
            + " partitions and cleanup.policy=" + (policy == null ? null : policy.value()) + "; it needs 1 partition"
            + " and cleanup.policy=compact: delete it (the application creates it) or fix it");
      }
      return false;
    }
    String replication = config.streamsProperties().getProperty(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
    short factor = Short.parseShort(replication.trim());
    NewTopic t = new NewTopic(topic, Optional.of(1), factor < 1 ? Optional.empty() : Optional.of(factor))
        .configs(syncTopicConfigs());
    return create(admin, List.of(t));
  }

  /** Creates the topics that do not exist yet; returns the names it created. */
  public static List<String> createMissing(Admin admin, AppConfig config, int partitions,
      short replication) throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    List<NewTopic> missing = of(config, partitions, replication).stream()
        .filter(t -> !existing.contains(t.name())).toList();
    if (!missing.isEmpty()) {
      create(admin, missing);
    }
    return missing.stream().map(NewTopic::name).toList();
  }

  /**
   * Creates the topics and waits for their leaders. Another client creating one of them in the
   * meantime is what was wanted, not an error.
   *
   * @return whether this call created every one of them
   */
  private static boolean create(Admin admin, List<NewTopic> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    boolean all = true;
    try {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
      all = false;
    }
    awaitLeaders(admin, topics.stream().map(NewTopic::name).toList(), 30_000);
    return all;
  }

  /**
   * Waits until every partition of the topics has a leader: an idempotent producer writing to a
   * partition in the moments before can have its first batch refused (KAFKA-15591).
   */
  static void awaitLeaders(Admin admin, List<String> topics, long timeoutMs)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      boolean ready;
      try {
        ready = admin.describeTopics(topics).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS)
            .values().stream().allMatch(d -> d.partitions().stream()
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      } catch (ExecutionException e) {
        ready = false; // metadata not propagated yet
      }
      if (ready) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new TimeoutException("partitions of " + topics + " have no leader after "
            + timeoutMs + " ms");
      }
      Thread.sleep(50);
    }
  }
}
