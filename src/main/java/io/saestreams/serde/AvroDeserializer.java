package io.saestreams.serde;

import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.registry.SchemaRegistryException;
import io.saestreams.registry.UnknownSchemaIdException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes Confluent-framed Avro payloads. The writer schema is fetched from the registry by
 * the id in the header (cached by the client), and the Avro body is decoded with writer-to-reader
 * resolution into the reader schema: the schema of a SpecificRecord class, a given reader schema
 * for GenericRecords, or else the writer schema itself. One DatumReader is cached per writer id.
 * A null payload gives null (a tombstone). Every failure is an {@link AvroDecodeException} with a
 * {@link DecodeFailure}: poison payloads ({@link DecodeFailure#isPoisonPayload()}) are meant for a
 * dead-letter topic; the others are registry faults — the registry was unreachable, failing, or
 * did not know the schema id without confirming it bogus, for the client's whole retry budget —
 * and must stop processing without the record being dead-lettered or its offset committed.
 * Thread-safe.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(AvroDeserializer.class);

  private volatile SchemaRegistryClient client;
  private volatile boolean ownsClient;
  private volatile Class<?> specificClass;
  private volatile Schema readerSchema;
  private final ConcurrentMap<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
  private volatile Predicate<Schema> directWriters;
  private volatile Supplier<? extends DatumReader<T>> directReader;

  /**
   * For reflective creation; {@link #configure} must be called before use. Produces
   * GenericRecords unless {@link AvroSerdeConfig#READER_CLASS} names a SpecificRecord class.
   */
  public AvroDeserializer() {}

  private AvroDeserializer(SchemaRegistryClient client, Class<?> specificClass, Schema readerSchema) {
    this.client = Objects.requireNonNull(client, "client");
    this.specificClass = specificClass;
    this.readerSchema = readerSchema;
  }

  /** Decodes into instances of a generated SpecificRecord class (the reader schema is its SCHEMA$). */
  public static <R extends SpecificRecord> AvroDeserializer<R> specific(
      SchemaRegistryClient client, Class<R> recordClass) {
    Objects.requireNonNull(recordClass, "recordClass");
    return new AvroDeserializer<>(client, recordClass, readerSchemaOf(recordClass));
  }

  /** Decodes into GenericRecords in the writer's schema. */
  public static AvroDeserializer<GenericRecord> generic(SchemaRegistryClient client) {
    return new AvroDeserializer<>(client, null, null);
  }

  /** Decodes into GenericRecords in the given reader schema, resolving from each writer schema. */
  public static AvroDeserializer<GenericRecord> generic(SchemaRegistryClient client, Schema readerSchema) {
    return new AvroDeserializer<>(client, null, Objects.requireNonNull(readerSchema, "readerSchema"));
  }

  /**
   * Uses {@code reader} instead of Avro's resolving reader for the writer schemas {@code writers}
   * accepts — a hand-written fast path for a schema whose layout it knows exactly. Returns this.
   */
  public AvroDeserializer<T> withDirectReader(Predicate<Schema> writers, Supplier<? extends DatumReader<T>> reader) {
    this.directWriters = Objects.requireNonNull(writers, "writers");
    this.directReader = Objects.requireNonNull(reader, "reader");
    readers.clear();
    return this;
  }

  /**
   * Reads {@link AvroSerdeConfig#READER_CLASS}; when no client was given, creates one from the
   * registry properties (owned and closed by this deserializer).
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object readerClass = configs.get(AvroSerdeConfig.READER_CLASS);
    if (readerClass != null && specificClass == null && readerSchema == null) {
      Class<?> cls;
      if (readerClass instanceof Class<?> c) {
        cls = c;
      } else {
        try {
          cls = Class.forName(readerClass.toString(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IllegalArgumentException(
              AvroSerdeConfig.READER_CLASS + " names a class that cannot be loaded: " + readerClass, e);
        }
      }
      if (!SpecificRecord.class.isAssignableFrom(cls)) {
        throw new IllegalArgumentException(
            AvroSerdeConfig.READER_CLASS + " must name a SpecificRecord class, found " + cls.getName());
      }
      specificClass = cls;
      readerSchema = readerSchemaOf(cls);
    }
    if (client == null) {
      client = new SchemaRegistryClient(RegistryClientConfig.fromSerdeConfigs(configs));
      ownsClient = true;
    }
  }

  private static Schema readerSchemaOf(Class<?> cls) {
    try {
      return SpecificData.get().getSchema(cls);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot get the Avro schema of " + cls.getName() + " (expected a generated SpecificRecord class): " + e.getMessage(),
          e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new AvroDecodeException(DecodeFailure.EMPTY, -1, "empty payload (0 bytes)", null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new AvroDecodeException(
          DecodeFailure.BAD_MAGIC,
          -1,
          String.format("unknown magic byte 0x%02x, expected 0x00", data[0] & 0xff),
          null);
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new AvroDecodeException(
          DecodeFailure.TRUNCATED_HEADER,
          -1,
          "payload of " + data.length + " byte(s) is shorter than the 5-byte header (magic byte + schema id)",
          null);
    }
    int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    DatumReader<T> reader = reader(id);
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    T result;
    try {
      result = reader.read(null, decoder);
    } catch (EOFException e) {
      throw new AvroDecodeException(
          DecodeFailure.TRUNCATED_AVRO,
          id,
          "truncated Avro payload: " + (data.length - WireFormat.HEADER_SIZE)
              + " body byte(s) end before the record of schema id " + id + " does",
          e);
    } catch (IOException | RuntimeException e) {
      throw new AvroDecodeException(
          DecodeFailure.MALFORMED_AVRO,
          id,
          "malformed Avro payload for schema id " + id + ": " + e,
          e);
    }
    try {
      if (!decoder.isEnd()) {
        int left = decoder.inputStream().available();
        throw new AvroDecodeException(
            DecodeFailure.TRAILING_BYTES,
            id,
            left + " byte(s) left over after decoding the record of schema id " + id,
            null);
      }
    } catch (IOException e) {
      throw new AvroDecodeException(DecodeFailure.MALFORMED_AVRO, id, "cannot check for trailing bytes: " + e, e);
    }
    return result;
  }

  private DatumReader<T> reader(int id) {
    DatumReader<T> cached = readers.get(id);
    if (cached != null) {
      return cached;
    }
    SchemaRegistryClient registry = client;
    if (registry == null) {
      throw new IllegalStateException(
          "AvroDeserializer has no schema registry client: use a factory method or call configure()");
    }
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (UnknownSchemaIdException e) {
      DecodeFailure failure = e.confirmed() ? DecodeFailure.UNKNOWN_SCHEMA_ID : DecodeFailure.UNCONFIRMED_SCHEMA_ID;
      String what =
          e.confirmed()
              ? "unknown schema id " + id
              : "schema id " + id + " not known to the registry and not confirmed as bogus (a registry fault)";
      throw new AvroDecodeException(failure, id, what + ": " + e.getMessage(), e);
    } catch (SchemaRegistryException e) {
      DecodeFailure failure = e.isUnavailable() ? DecodeFailure.REGISTRY_UNAVAILABLE : DecodeFailure.REGISTRY_ERROR;
      throw new AvroDecodeException(failure, id, "cannot fetch schema id " + id + ": " + e.getMessage(), e);
    }
    Schema reader = readerSchema != null ? readerSchema : writer;
    if (reader != writer) {
      SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
        String details =
            compatibility.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
        throw new AvroDecodeException(
            DecodeFailure.INCOMPATIBLE_SCHEMA,
            id,
            "writer schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                + reader.getFullName() + ": " + details,
            null);
      }
    }
    DatumReader<T> created = newReader(writer, reader);
    DatumReader<T> raced = readers.putIfAbsent(id, created);
    LOG.debug("created Avro reader for writer schema id {} into {}", id, reader.getFullName());
    return raced != null ? raced : created;
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> newReader(Schema writer, Schema reader) {
    if (directReader != null && directWriters.test(writer)) {
      return directReader.get();
    }
    if (specificClass != null) {
      return new SpecificDatumReader<>(writer, reader, new ReaderClassData(specificClass, reader));
    }
    return new GenericDatumReader<>(writer, reader, GenericData.get());
  }

  /** Closes the registry client if this deserializer created it. */
  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
