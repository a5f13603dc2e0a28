package io.saestreams.serde;

import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.registry.SchemaRegistryException;
import io.saestreams.registry.TopicNameStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes Avro records ({@link org.apache.avro.generic.GenericRecord} or
 * {@link SpecificRecord}) in the Confluent wire format. The writer schema is the record's own
 * schema; its id is obtained on first use per (subject, schema) by registering it under the
 * topic's subject ({@link TopicNameStrategy}) or, with auto-registration off, by looking it up,
 * and is cached afterwards. A null record serializes to null (a tombstone). Thread-safe.
 */
public class AvroSerializer<T> implements Serializer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(AvroSerializer.class);

  private volatile SchemaRegistryClient client;
  private volatile boolean ownsClient;
  private volatile boolean isKey;
  private volatile boolean autoRegister;
  private final ConcurrentMap<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final ConcurrentMap<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, Schema schema) {}

  /**
   * The schema id and writer of the last record serialised, for the next record of the same topic,
   * schema and class: a sink's records all are, and this skips building the subject name and two
   * map look-ups per record. A record of anything else takes the maps (and becomes the last).
   */
  private record Last(String topic, Schema schema, Class<?> recordClass, int id, DatumWriter<Object> writer) {}

  private volatile Last last;

  /** A writer per schema and record class (null class: generic records). */
  private record WriterKey(Schema schema, Class<?> specificClass) {}

  /** For reflective creation; {@link #configure} must be called before use. */
  public AvroSerializer() {
    this.autoRegister = true;
  }

  /**
   * @param client the registry client (not closed by this serializer)
   * @param isKey whether this serializes record keys ({@code <topic>-key} subjects)
   * @param autoRegister register unknown schemas (true) or only look them up (false)
   */
  public AvroSerializer(SchemaRegistryClient client, boolean isKey, boolean autoRegister) {
    this.client = java.util.Objects.requireNonNull(client, "client");
    this.isKey = isKey;
    this.autoRegister = autoRegister;
  }

  /**
   * Sets key/value mode and reads {@link AvroSerdeConfig#AUTO_REGISTER_SCHEMAS}; when no client
   * was given to the constructor, creates one from the registry properties (owned and closed by
   * this serializer).
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    this.last = null;
    Object auto = configs.get(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
    if (auto != null) {
      this.autoRegister = Boolean.parseBoolean(auto.toString());
    }
    if (client == null) {
      client = new SchemaRegistryClient(RegistryClientConfig.fromSerdeConfigs(configs));
      ownsClient = true;
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    SchemaRegistryClient registry = client;
    if (registry == null) {
      throw new IllegalStateException(
          "AvroSerializer has no schema registry client: pass one to the constructor or call configure()");
    }
    if (!(data instanceof GenericContainer container)) {
      throw new AvroEncodeException(
          EncodeFailure.NOT_AVRO,
          "expected an Avro GenericRecord, SpecificRecord, enum or fixed, found " + data.getClass().getName(),
          null);
    }
    Schema schema = container.getSchema();
    Last l = last;
    int id;
    DatumWriter<Object> datumWriter;
    if (l != null && l.schema() == schema && l.recordClass() == data.getClass() && l.topic().equals(topic)) {
      id = l.id();
      datumWriter = l.writer();
    } else {
      id = schemaId(registry, TopicNameStrategy.subject(topic, isKey), schema);
      datumWriter = writer(schema, data instanceof SpecificRecord ? data.getClass() : null);
      last = new Last(topic, schema, data.getClass(), id, datumWriter);
    }
    Buffers buffers = BUFFERS.get();
    ByteArrayOutputStream out = buffers.out;
    out.reset();
    out.write(WireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      // a buffered encoder: a direct one makes one synchronized stream write per value
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, buffers.encoder);
      buffers.encoder = encoder;
      datumWriter.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new AvroEncodeException(
          EncodeFailure.INVALID_RECORD,
          "record does not conform to its schema " + schema.getFullName() + ": " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  /** Per-thread output stream and encoder, reused across records. */
  private static final class Buffers {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    BinaryEncoder encoder;
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private int schemaId(SchemaRegistryClient registry, String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    int id;
    try {
      id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
    } catch (SchemaRegistryException e) {
      EncodeFailure failure;
      if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
        failure = EncodeFailure.INCOMPATIBLE_SCHEMA;
      } else if (!autoRegister && e.isNotFound()) {
        failure = EncodeFailure.SCHEMA_NOT_REGISTERED;
      } else if (e.isUnavailable()) {
        failure = EncodeFailure.REGISTRY_UNAVAILABLE;
      } else {
        failure = EncodeFailure.REGISTRY_ERROR;
      }
      throw new AvroEncodeException(
          failure,
          (autoRegister ? "cannot register" : "cannot find")
              + " schema "
              + schema.getFullName()
              + " under subject '"
              + subject
              + "': "
              + e.getMessage(),
          e);
    }
    ids.putIfAbsent(key, id);
    LOG.debug("subject '{}' uses schema id {} for {}", subject, id, schema.getFullName());
    return id;
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<Object> writer(Schema schema, Class<?> specificClass) {
    // the record's own class gives its SpecificData: no look-up by name (which Avro 1.12's class
    // security would refuse for classes it has not been told to trust)
    return writers.computeIfAbsent(
        new WriterKey(schema, specificClass),
        k ->
            k.specificClass() != null
                ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(k.schema(), SpecificData.getForClass(k.specificClass()))
                : new GenericDatumWriter<>(k.schema(), GenericData.get()));
  }

  /** Closes the registry client if this serializer created it. */
  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
