package io.saestreams.cli;

import io.saestreams.avro.InputVector;
import io.saestreams.data.LabelledVector;
import io.saestreams.data.VectorSource;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a data set into a topic as {@link InputVector} records (Avro, Confluent wire format),
 * keyed by the record id, with the ground-truth anomaly flag and label (when known) as
 * attributes.
 */
final class DatasetProducer implements AutoCloseable {
  private final KafkaProducer<String, InputVector> producer;
  private final String topic;

  DatasetProducer(String bootstrapServers, SchemaRegistryClient registry, String topic,
      Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putAll(extra);
    this.producer = new KafkaProducer<>(p, new StringSerializer(),
        new AvroSerializer<InputVector>(registry, false, true));
    this.topic = topic;
  }

  /** Converts one vector to its Avro record. */
  static InputVector toRecord(LabelledVector v, long timestamp) {
    List<Float> values = new ArrayList<>(v.values().length);
    for (float f : v.values()) {
      values.add(f);
    }
    Map<String, String> attributes = new HashMap<>();
    if (v.anomaly()) {
      attributes.put("anomaly", "true");
    }
    if (v.label() >= 0) {
      attributes.put("label", Integer.toString(v.label()));
    }
    return InputVector.newBuilder().setId(v.id()).setTimestamp(java.time.Instant.ofEpochMilli(
        timestamp)).setValues(values).setAttributes(attributes.isEmpty() ? null : attributes)
        .build();
  }

  /**
   * Sends every vector of {@code source} (asynchronously; flushed at the end).
   *
   * @param progress called with the number of records acknowledged so far
   * @return the number of records sent
   */
  long send(VectorSource source, LongConsumer progress) {
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    while (source.hasNext()) {
      Exception e = failure.get();
      if (e != null) {
        throw new IllegalStateException("producing to " + topic + " failed: " + e.getMessage(), e);
      }
      LabelledVector v = source.next();
      producer.send(new ProducerRecord<>(topic, v.id(), toRecord(v, System.currentTimeMillis())),
          (md, ex) -> {
            if (ex != null) {
              failure.compareAndSet(null, ex);
            } else {
              progress.accept(acked.incrementAndGet());
            }
          });
      sent++;
    }
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("producing to " + topic + " failed: " + e.getMessage(), e);
    }
    return sent;
  }

  @Override
  public void close() {
    producer.close();
  }
}
