package io.saestreams.serde;

import io.saestreams.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka {@link Serde} pairing an {@link AvroSerializer} with an {@link AvroDeserializer}. */
public class AvroSerde<T> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /**
   * For reflective creation (for example as Kafka Streams' default serde); {@link #configure}
   * must be called before use and creates the registry client from the properties.
   */
  public AvroSerde() {
    this(new AvroSerializer<>(), new AvroDeserializer<>());
  }

  public AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
  }

  /** A serde for a generated SpecificRecord class, registering schemas automatically. */
  public static <R extends SpecificRecord> AvroSerde<R> specific(
      SchemaRegistryClient client, Class<R> recordClass, boolean isKey) {
    return specific(client, recordClass, isKey, true);
  }

  /** A serde for a generated SpecificRecord class. */
  public static <R extends SpecificRecord> AvroSerde<R> specific(
      SchemaRegistryClient client, Class<R> recordClass, boolean isKey, boolean autoRegister) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, isKey, autoRegister), AvroDeserializer.specific(client, recordClass));
  }

  /** A serde for GenericRecords read in the writer's schema, registering schemas automatically. */
  public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client, boolean isKey) {
    return new AvroSerde<>(new AvroSerializer<>(client, isKey, true), AvroDeserializer.generic(client));
  }

  /** A serde for GenericRecords read in the given reader schema. */
  public static AvroSerde<GenericRecord> generic(
      SchemaRegistryClient client, Schema readerSchema, boolean isKey, boolean autoRegister) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, isKey, autoRegister), AvroDeserializer.generic(client, readerSchema));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
