package io.saestreams.it;

import io.saestreams.avro.InputVector;
import io.saestreams.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records to the input topic the way a user's producer would: Avro records (specific or
 * generic) through the project's {@link AvroSerializer}, which registers their schema under
 * {@code <topic>-value}, keyed by the input's id and stamped with its event time; or raw bytes.
 */
final class InputProducer implements AutoCloseable {
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AvroSerializer<GenericContainer> avro;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  InputProducer(ItCluster cluster, String topic) {
    this(cluster, topic, cluster.registry());
  }

  /** A producer that registers and looks its schemas up on {@code registry}. */
  InputProducer(ItCluster cluster, String topic, io.saestreams.registry.SchemaRegistryClient registry) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            // one request at a time: a retried batch can never be overtaken by a later one
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
            // fail within the test's time rather than retry for the default two minutes
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
        new ByteArraySerializer(), new ByteArraySerializer());
    this.avro = new AvroSerializer<>(registry, false, true);
  }

  static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** The Confluent-framed bytes of an Avro record for the input topic (registers its schema). */
  byte[] encode(GenericContainer record) {
    return avro.serialize(topic, record);
  }

  /** Sends a vector asynchronously; {@link #flush()} waits for it. */
  void send(InputVector v) {
    sendAsync(key(v.getId()), encode(v), v.getTimestamp().toEpochMilli(), List.of());
  }

  /** Sends a vector to one partition of the topic, asynchronously. */
  void send(InputVector v, int partition) {
    pending.add(producer.send(new ProducerRecord<>(topic, partition, v.getTimestamp().toEpochMilli(), key(v.getId()),
        encode(v))));
  }

  void sendAll(List<InputVector> vectors) {
    vectors.forEach(this::send);
    flush();
  }

  /** Sends a record of any Avro type with the given id and event time, asynchronously. */
  void send(String id, long timestamp, GenericContainer record) {
    sendAsync(key(id), encode(record), timestamp, List.of());
  }

  /** Sends raw bytes and waits for the broker's acknowledgement. */
  RecordMetadata sendRaw(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, null, timestamp, key, value, headers));
    return await(f);
  }

  private void sendAsync(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    pending.add(producer.send(new ProducerRecord<>(topic, null, timestamp, key, value, headers)));
  }

  /** Waits until every record sent so far is acknowledged; fails if one was not. */
  void flush() {
    producer.flush();
    pending.forEach(InputProducer::await);
    pending.clear();
  }

  private static RecordMetadata await(Future<RecordMetadata> f) {
    try {
      return f.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("send failed: " + e, e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
