package io.saestreams.cli;

import io.saestreams.avro.ModelChunk;
import io.saestreams.model.SaeModel;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroDeserializer;
import io.saestreams.stream.modelstore.Chunks;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the model topic from the start and returns the newest complete, intact model version. */
final class ModelTopicReader {
  private ModelTopicReader() {}

  static Optional<SaeModel> newest(String bootstrap, SchemaRegistryClient registry, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<Long, TreeMap<Integer, ModelChunk>> versions = new HashMap<>();
    try (KafkaConsumer<String, ModelChunk> consumer = new KafkaConsumer<>(p,
        new StringDeserializer(), AvroDeserializer.specific(registry, ModelChunk.class))) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ModelChunk> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            versions.computeIfAbsent(r.value().getModelVersion(), v -> new TreeMap<>())
                .put(r.value().getChunkIndex(), r.value());
          }
        }
      }
    }
    return versions.keySet().stream().sorted((a, b) -> Long.compare(b, a))
        .map(v -> assemble(versions.get(v))).filter(Optional::isPresent).map(Optional::get)
        .findFirst();
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Optional<SaeModel> assemble(TreeMap<Integer, ModelChunk> chunks) {
    ModelChunk first = chunks.firstEntry().getValue();
    if (chunks.size() != first.getChunkCount()) {
      return Optional.empty();
    }
    List<byte[]> parts = new ArrayList<>();
    for (ModelChunk c : chunks.values()) {
      ByteBuffer b = c.getPayload().duplicate();
      byte[] a = new byte[b.remaining()];
      b.get(a);
      parts.add(a);
    }
    byte[] all = Chunks.join(parts);
    if (all.length != first.getTotalBytes() || Chunks.crc32(all) != first.getChecksum()) {
      return Optional.empty();
    }
    return Optional.of(SaeModel.fromBytes(all));
  }
}
