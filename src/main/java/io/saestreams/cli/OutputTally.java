package io.saestreams.cli;

import io.saestreams.avro.AnomalyAlert;
import io.saestreams.avro.ReconstructionScore;
import io.saestreams.avro.SparseCode;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output topics (read_committed) in a background thread and counts: codes, scores,
 * DLQ records, alerts, scores flagged as anomalous (and, for the ids {@link #anomalyIds} holds,
 * how many of them are ground-truth anomalies, and how many of those were judged with a threshold
 * in force), active latents, and a series of reconstruction errors in arrival order.
 */
final class OutputTally implements AutoCloseable {
  final AtomicLong codes = new AtomicLong();
  final AtomicLong scores = new AtomicLong();
  final AtomicLong dlq = new AtomicLong();
  final AtomicLong alerts = new AtomicLong();
  final AtomicLong truePositives = new AtomicLong();
  /** Scores with anomaly=true. */
  final AtomicLong flagged = new AtomicLong();
  /** Ground-truth anomalies with a threshold in force when scored. */
  final AtomicLong judgedAnomalies = new AtomicLong();
  /** Ids of the ground-truth anomalies; the producer adds each before sending it. */
  final java.util.Set<String> anomalyIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  final AtomicLong activeLatents = new AtomicLong();
  final AtomicLong lastModelVersion = new AtomicLong();
  private final List<Double> errors = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile Exception failure;

  OutputTally(String bootstrap, SchemaRegistryClient registry, String codesTopic,
      String scoresTopic, String alertsTopic, String dlqTopic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sae-demo-tally");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    AvroDeserializer<SparseCode> codeDe = AvroDeserializer.specific(registry, SparseCode.class);
    AvroDeserializer<ReconstructionScore> scoreDe =
        AvroDeserializer.specific(registry, ReconstructionScore.class);
    AvroDeserializer<AnomalyAlert> alertDe = AvroDeserializer.specific(registry, AnomalyAlert.class);
    thread = new Thread(() -> {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        c.subscribe(List.of(codesTopic, scoresTopic, alertsTopic, dlqTopic));
        while (running.get()) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
            String t = r.topic();
            if (t.equals(codesTopic)) {
              SparseCode sc = codeDe.deserialize(t, r.value());
              codes.incrementAndGet();
              activeLatents.addAndGet(sc.getIndices().size());
            } else if (t.equals(scoresTopic)) {
              ReconstructionScore s = scoreDe.deserialize(t, r.value());
              scores.incrementAndGet();
              lastModelVersion.accumulateAndGet(s.getModelVersion(), Math::max);
              boolean truth = anomalyIds.contains(s.getId());
              if (s.getAnomaly()) {
                flagged.incrementAndGet();
                if (truth) {
                  truePositives.incrementAndGet();
                }
              }
              if (truth && s.getThreshold() != null) {
                judgedAnomalies.incrementAndGet();
              }
              synchronized (errors) {
                errors.add(s.getError());
              }
            } else if (t.equals(alertsTopic)) {
              alertDe.deserialize(t, r.value());
              alerts.incrementAndGet();
            } else {
              dlq.incrementAndGet();
            }
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }, "sae-demo-tally");
    thread.setDaemon(true);
    thread.start();
  }

  double[] errors() {
    synchronized (errors) {
      return errors.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  void checkHealthy() {
    if (failure != null) {
      throw new IllegalStateException("reading the output topics failed: " + failure, failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
