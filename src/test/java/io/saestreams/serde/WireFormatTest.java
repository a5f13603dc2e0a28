package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Serializer output against bytes written out by hand, and the reverse. */
class WireFormatTest {
  EmbeddedSchemaRegistry server;
  SchemaRegistryClient client;

  @BeforeEach
  void start() {
    server = new EmbeddedSchemaRegistry().start();
    client = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * User{id=300, name="abc"} under schema id 1:
   * magic 0x00; id 0x00000001 big-endian; id 300 -> zig-zag 600 -> varint 0xD8 0x04;
   * name: length 3 -> zig-zag 6 -> 0x06, then 'a' 'b' 'c'.
   */
  private static final byte[] USER_300_ABC = {
    0x00, 0x00, 0x00, 0x00, 0x01, (byte) 0xD8, 0x04, 0x06, 0x61, 0x62, 0x63
  };

  /** User{id=-3, name=""}: -3 -> zig-zag 5 -> 0x05; empty string -> length 0 -> 0x00. */
  private static final byte[] USER_MINUS3_EMPTY = {0x00, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00};

  private static GenericRecord user(long id, String name) {
    GenericRecord r = new GenericData.Record(TestSchemas.USER_V1);
    r.put("id", id);
    r.put("name", name);
    return r;
  }

  @Test
  void serializerWritesMagicByteBigEndianIdAndAvroBinary() {
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(client, false, true);
    assertThat(serializer.serialize("users", user(300, "abc"))).containsExactly(USER_300_ABC);
    assertThat(serializer.serialize("users", user(-3, ""))).containsExactly(USER_MINUS3_EMPTY);
    assertThat(client.subjects()).containsExactly("users-value");
  }

  @Test
  void deserializerReadsHandBuiltBytes() {
    client.register("users-value", TestSchemas.USER_V1);
    AvroDeserializer<GenericRecord> deserializer = AvroDeserializer.generic(client);
    GenericRecord r = deserializer.deserialize("users", USER_300_ABC);
    assertThat(r.get("id")).isEqualTo(300L);
    assertThat(r.get("name").toString()).isEqualTo("abc");
    GenericRecord r2 = deserializer.deserialize("users", USER_MINUS3_EMPTY);
    assertThat(r2.get("id")).isEqualTo(-3L);
    assertThat(r2.get("name").toString()).isEmpty();
  }

  @Test
  void idIsWrittenBigEndian() {
    // Register 299 throw-away schemas so that User gets id 300 = 0x0000012C.
    for (int i = 1; i < 300; i++) {
      client.register(
          "filler-" + i,
          new org.apache.avro.Schema.Parser()
              .parse("{\"type\":\"record\",\"name\":\"F" + i + "\",\"fields\":[]}"));
    }
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(client, true, true);
    byte[] bytes = serializer.serialize("users", user(300, "abc"));
    assertThat(java.util.Arrays.copyOf(bytes, 5)).containsExactly(0x00, 0x00, 0x00, 0x01, 0x2C);
    assertThat(client.subjects()).contains("users-key");
    GenericRecord back = AvroDeserializer.generic(client).deserialize("users", bytes);
    assertThat(back).isEqualTo(user(300, "abc"));
  }

  @Test
  void recordsOfOtherTopicsAndSchemasInterleavedCarryTheirOwnIds() {
    // the serializer remembers the last topic and schema: switching either must not reuse its id
    for (int i = 0; i < 5; i++) {
      client.register("filler-" + i, new org.apache.avro.Schema.Parser()
          .parse("{\"type\":\"record\",\"name\":\"G" + i + "\",\"fields\":[]}"));
    }
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(client, false, true);
    GenericRecord v2 = new GenericData.Record(TestSchemas.USER_V2);
    for (org.apache.avro.Schema.Field f : TestSchemas.USER_V2.getFields()) {
      v2.put(f.name(), f.name().equals("id") ? (Object) 7L : f.name().equals("name") ? "n" : GenericData.get().getDefaultValue(f));
    }
    java.util.Map<String, Integer> ids = new java.util.HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (String topic : new String[] {"users", "admins"}) {
        for (GenericRecord r : new GenericRecord[] {user(round, "x"), v2}) {
          byte[] bytes = serializer.serialize(topic, r);
          int id = java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt();
          String subject = topic + "-value";
          assertThat(id).as(subject + " " + r.getSchema()).isEqualTo(client.lookup(subject, r.getSchema()).id());
          ids.put(subject + "/" + r.getSchema().hashCode(), id);
          assertThat(AvroDeserializer.generic(client).deserialize(topic, bytes).get("id")).isEqualTo(r.get("id"));
        }
      }
    }
    assertThat(ids).hasSize(4);
  }

  @Test
  void nullIsATombstoneBothWays() {
    assertThat(new AvroSerializer<GenericRecord>(client, false, true).serialize("t", null)).isNull();
    assertThat(AvroDeserializer.generic(client).deserialize("t", null)).isNull();
  }

  @Test
  void serdeRoundTripsAndCachesTheIdAndTheReader() {
    AvroSerde<GenericRecord> serde = AvroSerde.generic(client, false);
    byte[] first = serde.serializer().serialize("users", user(1, "x"));
    long afterFirst = server.requestCount();
    for (int i = 0; i < 10; i++) {
      byte[] bytes = serde.serializer().serialize("users", user(i, "n" + i));
      assertThat(serde.deserializer().deserialize("users", bytes)).isEqualTo(user(i, "n" + i));
    }
    assertThat(serde.deserializer().deserialize("users", first)).isEqualTo(user(1, "x"));
    // The registration was the only call; the writer schema came from the client's cache.
    assertThat(server.requestCount()).isEqualTo(afterFirst);
  }
}
