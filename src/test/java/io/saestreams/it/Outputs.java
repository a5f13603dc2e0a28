package io.saestreams.it;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.ModelChunk;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.serde.AvroDeserializer;
import io.saestreams.stream.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Readers of every output topic of one application, decoding with the test's registry client. */
final class Outputs implements AutoCloseable {
  final TopicReader<byte[], SparseCode> codes;
  final TopicReader<byte[], ReconstructionScore> scores;
  final TopicReader<byte[], AnomalyAlert> alerts;
  final TopicReader<byte[], byte[]> dlq;
  final TopicReader<String, ModelChunk> model;

  Outputs(ItCluster cluster, AppConfig config) {
    this(cluster, config, cluster.registry());
  }

  /** Readers that decode with {@code registry} (the one the application writes its schemas to). */
  Outputs(ItCluster cluster, AppConfig config, io.saestreams.registry.SchemaRegistryClient registry) {
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    codes = new TopicReader<>(cluster, config.codesTopic(), bytes,
        AvroDeserializer.specific(registry, SparseCode.class));
    scores = new TopicReader<>(cluster, config.scoresTopic(), bytes,
        AvroDeserializer.specific(registry, ReconstructionScore.class));
    alerts = new TopicReader<>(cluster, config.alertsTopic(), bytes,
        AvroDeserializer.specific(registry, AnomalyAlert.class));
    dlq = new TopicReader<>(cluster, config.dlqTopic(), bytes, bytes);
    model = new TopicReader<>(cluster, config.modelTopic(), new StringDeserializer(),
        AvroDeserializer.specific(registry, ModelChunk.class));
  }

  /** Reads codes and scores until each of {@code ids} has at least one of both. */
  void awaitCodesAndScores(Collection<String> ids, Duration timeout) {
    Set<String> wanted = Set.copyOf(ids);
    codes.readUntil(timeout, "a code for each of " + wanted.size() + " ids",
        r -> idsOf(r, SparseCode::getId).containsAll(wanted));
    scores.readUntil(timeout, "a score for each of " + wanted.size() + " ids",
        r -> idsOf(r, ReconstructionScore::getId).containsAll(wanted));
  }

  /**
   * Waits until the application has consumed and committed its whole input, then reads every
   * output topic to its end: afterwards the readers hold everything the application will write
   * for the input produced so far.
   */
  void settle(ItCluster cluster, AppUnderTest app, Duration timeout) {
    cluster.awaitCaughtUp(app.applicationId(), List.of(app.config().inputTopic()), timeout);
    codes.readToEnd(timeout);
    scores.readToEnd(timeout);
    alerts.readToEnd(timeout);
    dlq.readToEnd(timeout);
    model.readToEnd(timeout);
  }

  static <V> Set<String> idsOf(List<ConsumerRecord<byte[], V>> records, java.util.function.Function<V, String> id) {
    Set<String> out = new HashSet<>();
    records.forEach(r -> out.add(id.apply(r.value())));
    return out;
  }

  static String keyText(ConsumerRecord<byte[], ?> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    codes.close();
    scores.close();
    alerts.close();
    dlq.close();
    model.close();
  }
}
