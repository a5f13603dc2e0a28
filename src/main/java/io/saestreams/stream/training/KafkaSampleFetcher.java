package io.saestreams.stream.training;

import io.saestreams.stream.validate.InputValidator;
import io.saestreams.stream.validate.Validated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads replayed samples again from the input topic with a consumer of its own, configured as
 * Kafka Streams configures its restore consumer (same cluster, security and isolation level; no
 * group). For each partition it seeks to the first wanted offset and reads forward, keeping the
 * wanted records; records that are gone (below the log start, compacted away, aborted) come back
 * as {@code null}. Inputs are decoded and checked by the same {@link InputValidator} as the
 * stream.
 */
public final class KafkaSampleFetcher implements SampleFetcher {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final InputValidator validator;
  private final Duration timeout;

  KafkaSampleFetcher(Consumer<byte[], byte[]> consumer, String topic, InputValidator validator, Duration timeout) {
    this.consumer = consumer;
    this.topic = topic;
    this.validator = validator;
    this.timeout = timeout;
  }

  /**
   * Fetchers over {@code topic} for a task with the given Streams configuration.
   *
   * @param timeout how long one {@link #fetch} may take before it fails
   */
  public static Factory factory(String topic, InputValidator validator, Duration timeout) {
    return appConfigs -> {
      StreamsConfig streams = new StreamsConfig(appConfigs);
      String clientId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-trainer-replay";
      Map<String, Object> configs = streams.getRestoreConsumerConfigs(clientId);
      return new KafkaSampleFetcher(
          new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
          topic, validator, timeout);
    };
  }

  @Override
  public List<float[]> fetch(List<InputRef> refs) {
    Map<InputRef, byte[]> found = new HashMap<>();
    Map<TopicPartition, NavigableSet<Long>> wanted = new HashMap<>();
    for (InputRef r : refs) {
      wanted.computeIfAbsent(new TopicPartition(topic, r.partition()), tp -> new TreeSet<>()).add(r.offset());
    }
    try {
      read(wanted, found);
    } finally {
      consumer.assign(List.of());
    }
    List<float[]> out = new ArrayList<>(refs.size());
    for (InputRef r : refs) {
      byte[] value = found.get(r);
      Validated v = value == null ? null : validator.validate(topic, value);
      out.add(v != null && v.isValid() ? v.input().values() : null);
    }
    return out;
  }

  private void read(Map<TopicPartition, NavigableSet<Long>> wanted, Map<InputRef, byte[]> found) {
    consumer.assign(wanted.keySet());
    Map<TopicPartition, Long> ends = consumer.endOffsets(wanted.keySet(), timeout);
    for (Map.Entry<TopicPartition, NavigableSet<Long>> e : wanted.entrySet()) {
      // offsets at or past the end do not exist (yet)
      e.getValue().tailSet(ends.getOrDefault(e.getKey(), 0L), true).clear();
    }
    wanted.values().removeIf(NavigableSet::isEmpty);
    wanted.forEach((tp, offsets) -> consumer.seek(tp, offsets.first()));
    consumer.pause(consumer.assignment().stream().filter(tp -> !wanted.containsKey(tp)).toList());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!wanted.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + wanted.values().stream().mapToInt(NavigableSet::size).sum()
            + " replayed samples back from " + wanted.keySet() + " within " + timeout);
      }
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(POLL);
      } catch (OffsetOutOfRangeException e) {
        skipDeleted(e.offsetOutOfRangePartitions().keySet(), wanted);
        continue;
      }
      for (TopicPartition tp : records.partitions()) {
        NavigableSet<Long> offsets = wanted.get(tp);
        if (offsets == null) {
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          // wanted offsets below this record's were skipped by the log: gone
          offsets.headSet(r.offset(), false).clear();
          if (offsets.remove(r.offset())) {
            found.put(new InputRef(tp.partition(), r.offset()), r.value());
          }
        }
      }
      for (TopicPartition tp : List.copyOf(wanted.keySet())) {
        NavigableSet<Long> offsets = wanted.get(tp);
        offsets.headSet(consumer.position(tp, timeout), false).clear();
        if (offsets.isEmpty()) {
          wanted.remove(tp);
          consumer.pause(List.of(tp));
        }
      }
    }
  }

  /** Partitions whose wanted records fell below the log start: skip to what is left. */
  private void skipDeleted(Iterable<TopicPartition> partitions, Map<TopicPartition, NavigableSet<Long>> wanted) {
    List<TopicPartition> tps = new ArrayList<>();
    partitions.forEach(tps::add);
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(tps, timeout);
    for (TopicPartition tp : tps) {
      NavigableSet<Long> offsets = wanted.get(tp);
      if (offsets == null) {
        continue;
      }
      offsets.headSet(starts.getOrDefault(tp, 0L), false).clear();
      if (offsets.isEmpty()) {
        wanted.remove(tp);
        consumer.pause(List.of(tp));
      } else {
        consumer.seek(tp, offsets.first());
      }
    }
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(timeout));
  }
}
