package io.saestreams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one topic from the beginning, {@code read_committed} (only what transactions committed:
 * an aborted write of a crashed instance is never seen), assigned to all of its partitions, and
 * keeps every record read so far in partition-then-offset order of arrival.
 */
final class TopicReader<K, V> implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final ItCluster cluster;
  private final String topic;
  private final KafkaConsumer<K, V> consumer;
  private final List<TopicPartition> partitions;
  private final List<ConsumerRecord<K, V>> records = new ArrayList<>();

  TopicReader(ItCluster cluster, String topic, Deserializer<K> keys, Deserializer<V> values) {
    this.cluster = cluster;
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        keys, values);
    this.partitions = cluster.partitions(List.of(topic));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Every record read so far. */
  List<ConsumerRecord<K, V>> records() {
    return List.copyOf(records);
  }

  /** Reads until {@code done} holds for the records read so far; returns them. */
  List<ConsumerRecord<K, V>> readUntil(Duration timeout, String what, Predicate<List<ConsumerRecord<K, V>>> done) {
    long deadline = Poll.deadline(timeout);
    while (!done.test(records)) {
      if (Poll.passed(deadline)) {
        throw new AssertionError("timed out after " + timeout + " reading " + topic + " until " + what
            + "; read " + records.size() + " records");
      }
      pollOnce();
    }
    return records();
  }

  /** Reads until at least {@code n} records have been read. */
  List<ConsumerRecord<K, V>> readAtLeast(int n, Duration timeout) {
    return readUntil(timeout, n + " records", r -> r.size() >= n);
  }

  /** Reads everything committed to the topic up to now (its read_committed end offsets). */
  List<ConsumerRecord<K, V>> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> ends = cluster.endOffsets(partitions);
    return readUntil(timeout, "the end offsets " + ends,
        r -> ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()));
  }

  private void pollOnce() {
    consumer.poll(POLL).forEach(records::add);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
