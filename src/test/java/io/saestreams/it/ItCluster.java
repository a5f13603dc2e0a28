package io.saestreams.it;

import io.saestreams.embedded.EmbeddedKafkaBroker;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster and a Confluent-API schema registry that a test class runs the application
 * against: either started here, in this JVM ({@link #embedded()}: a real KRaft broker and the
 * project's embedded registry), or given ({@link #external}: e.g. containers). Holds one admin
 * client and one registry client for the test's own use.
 */
final class ItCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ItCluster.class);
  private static final long ADMIN_TIMEOUT_SECONDS = 30;

  private final String bootstrapServers;
  private final String registryUrl;
  private final List<AutoCloseable> owned;
  private final Admin admin;
  private final SchemaRegistryClient registry;

  private ItCluster(String bootstrapServers, String registryUrl, List<AutoCloseable> owned) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.owned = owned;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    this.registry = SchemaRegistryClient.create(registryUrl);
  }

  /** Starts an embedded KRaft broker and an embedded schema registry; {@link #close()} stops both. */
  static ItCluster embedded() {
    long t0 = System.nanoTime();
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
    EmbeddedSchemaRegistry schemas;
    try {
      schemas = new EmbeddedSchemaRegistry().start();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    List<AutoCloseable> owned = new ArrayList<>();
    owned.add(schemas);
    owned.add(kafka);
    LOG.info("embedded broker {} and registry {} up in {} ms", kafka.bootstrapServers(), schemas.url(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    return new ItCluster(kafka.bootstrapServers(), schemas.url(), owned);
  }

  /** A cluster and registry run by someone else; {@link #close()} only closes the clients. */
  static ItCluster external(String bootstrapServers, String registryUrl) {
    return new ItCluster(bootstrapServers, registryUrl, List.of());
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String registryUrl() {
    return registryUrl;
  }

  Admin admin() {
    return admin;
  }

  /** The test's own registry client (the application under test gets its own). */
  SchemaRegistryClient registry() {
    return registry;
  }

  /** Every partition of {@code topics}. */
  List<TopicPartition> partitions(Collection<String> topics) {
    Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames());
    List<TopicPartition> out = new ArrayList<>();
    described.values().forEach(d -> d.partitions().forEach(p -> out.add(new TopicPartition(d.name(), p.partition()))));
    return out;
  }

  /**
   * Waits until every partition of {@code topics} has a leader. Topics just created may not have
   * one yet; an idempotent producer whose first batch is refused with NOT_LEADER_OR_FOLLOWER while
   * a later in-flight batch is accepted can be left retrying an out-of-order sequence until its
   * delivery timeout.
   */
  void awaitLeaders(Collection<String> topics, Duration timeout) {
    Poll.until(timeout, "leaders for every partition of " + topics, () -> {
      try {
        return admin.describeTopics(topics).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      } catch (ExecutionException e) {
        return false; // e.g. UnknownTopicOrPartitionException while the creation propagates
      } catch (InterruptedException | TimeoutException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The read_committed end offset (last stable offset) of each partition. */
  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    return get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
        .entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The offsets consumer group {@code groupId} has committed (absent partitions: none). */
  Map<TopicPartition, Long> committedOffsets(String groupId) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> out = new HashMap<>();
    committed.forEach((tp, om) -> {
      if (om != null) {
        out.put(tp, om.offset());
      }
    });
    return out;
  }

  /**
   * Waits until group {@code groupId} has committed, on every partition of {@code topics}, the
   * offset at which the partition ends: it has consumed and committed everything written so far.
   * Under exactly-once that means everything it will ever write for those records is committed.
   */
  void awaitCaughtUp(String groupId, Collection<String> topics, Duration timeout) {
    List<TopicPartition> partitions = partitions(topics);
    Map<TopicPartition, Long> ends = endOffsets(partitions);
    Poll.until(timeout, "group " + groupId + " to commit the end offsets " + ends, () -> {
      Map<TopicPartition, Long> committed = committedOffsets(groupId);
      return ends.entrySet().stream()
          .allMatch(e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
    });
  }

  static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("admin request failed: " + e, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
    registry.close();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c, e.toString());
      }
    }
  }
}
