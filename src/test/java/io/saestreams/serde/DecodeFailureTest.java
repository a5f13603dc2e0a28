package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every {@link DecodeFailure} produced by real bad bytes or a real registry condition. */
class DecodeFailureTest {
  static EmbeddedSchemaRegistry server;
  static SchemaRegistryClient client;
  static int userId;
  static int metricId;
  static final Set<DecodeFailure> seen = EnumSet.noneOf(DecodeFailure.class);

  @BeforeAll
  static void start() {
    server = new EmbeddedSchemaRegistry().start();
    client = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
    userId = client.register("users-value", TestSchemas.USER_V1);
    metricId = client.register("metrics-value", TestSchemas.METRIC);
  }

  @AfterAll
  static void stop() {
    server.close();
    assertThat(seen).as("every DecodeFailure is exercised").isEqualTo(EnumSet.allOf(DecodeFailure.class));
  }

  private static byte[] validUser() {
    GenericRecord r = new GenericData.Record(TestSchemas.USER_V1);
    r.put("id", 300L);
    r.put("name", "abc");
    return new AvroSerializer<GenericRecord>(client, false, true).serialize("users", r);
  }

  private static AvroDecodeException fail(AvroDeserializer<GenericRecord> d, byte[] bytes, DecodeFailure expected) {
    AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class, () -> d.deserialize("users", bytes));
    assertThat(e).as("decoding %s", Arrays.toString(bytes)).isNotNull();
    assertThat(e.failure()).isEqualTo(expected);
    assertThat(e.code()).isEqualTo(expected.name());
    assertThat(e).isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    assertThat(e.getMessage()).startsWith(expected.name() + ": ");
    seen.add(expected);
    return e;
  }

  private static AvroDeserializer<GenericRecord> reader() {
    return AvroDeserializer.generic(client, TestSchemas.USER_V1);
  }

  @Test
  void empty() {
    assertThat(fail(reader(), new byte[0], DecodeFailure.EMPTY).getMessage()).contains("empty payload");
  }

  @Test
  void badMagic() {
    byte[] bytes = validUser();
    bytes[0] = 0x7b; // e.g. a JSON '{' sent to an Avro topic
    AvroDecodeException e = fail(reader(), bytes, DecodeFailure.BAD_MAGIC);
    assertThat(e.getMessage()).contains("unknown magic byte 0x7b");
    assertThat(e.schemaId()).isEqualTo(-1);
  }

  @Test
  void truncatedHeader() {
    assertThat(fail(reader(), new byte[] {0, 0, 0}, DecodeFailure.TRUNCATED_HEADER).getMessage())
        .contains("3 byte(s)");
  }

  @Test
  void unknownSchemaId() {
    // id 0: below the ids the (healthy) registry has handed out, and not among them
    byte[] bytes = validUser();
    bytes[1] = 0;
    bytes[2] = 0;
    bytes[3] = 0;
    bytes[4] = 0;
    AvroDecodeException e = fail(reader(), bytes, DecodeFailure.UNKNOWN_SCHEMA_ID);
    assertThat(e.failure().isPoisonPayload()).isTrue();
    assertThat(e.schemaId()).isZero();
    assertThat(e.getMessage()).contains("unknown schema id 0").contains("knows ids up to " + metricId);
  }

  @Test
  void unconfirmedSchemaId() {
    // an id above every id the registry knows: it may be the wrong or a reset registry
    byte[] bytes = validUser();
    bytes[1] = 0x01;
    bytes[2] = 0x02;
    bytes[3] = 0x03;
    bytes[4] = 0x04;
    SchemaRegistryClient brief =
        new SchemaRegistryClient(
            RegistryClientConfig.builder(server.url())
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .retryBudget(Duration.ofMillis(100))
                .build());
    AvroDecodeException e = fail(AvroDeserializer.generic(brief, TestSchemas.USER_V1), bytes, DecodeFailure.UNCONFIRMED_SCHEMA_ID);
    assertThat(e.failure().isPoisonPayload()).isFalse();
    assertThat(e.schemaId()).isEqualTo(0x01020304);
    assertThat(e.getMessage()).contains("schema id 16909060").contains("registry fault");
  }

  @Test
  void incompatibleWriterSchema() {
    GenericRecord m = new GenericData.Record(TestSchemas.METRIC);
    m.put("value", 2.5);
    byte[] bytes = new AvroSerializer<GenericRecord>(client, false, true).serialize("metrics", m);
    AvroDecodeException e = fail(reader(), bytes, DecodeFailure.INCOMPATIBLE_SCHEMA);
    assertThat(e.schemaId()).isEqualTo(metricId);
    assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void truncatedAvro() {
    byte[] bytes = validUser();
    AvroDecodeException e = fail(reader(), Arrays.copyOf(bytes, bytes.length - 1), DecodeFailure.TRUNCATED_AVRO);
    assertThat(e.getMessage()).contains("truncated Avro payload");
    assertThat(e.schemaId()).isEqualTo(userId);
  }

  @Test
  void malformedAvro() {
    // id 1 (varint 0x02), then string length -1 (zig-zag 0x01): a negative length.
    byte[] bytes = {0, 0, 0, 0, (byte) userId, 0x02, 0x01, 0x61};
    assertThat(fail(reader(), bytes, DecodeFailure.MALFORMED_AVRO).getMessage()).contains("negative");
  }

  @Test
  void trailingBytes() {
    byte[] bytes = validUser();
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
    assertThat(fail(reader(), longer, DecodeFailure.TRAILING_BYTES).getMessage()).contains("2 byte(s) left over");
  }

  @Test
  void registryUnavailable() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      deadPort = socket.getLocalPort();
    }
    SchemaRegistryClient dead =
        new SchemaRegistryClient(RegistryClientConfig.builder("http://127.0.0.1:" + deadPort).maxRetries(0).build());
    AvroDecodeException e = fail(AvroDeserializer.generic(dead), validUser(), DecodeFailure.REGISTRY_UNAVAILABLE);
    assertThat(e.failure().isPoisonPayload()).isFalse();
  }

  @Test
  void registryError() {
    try (EmbeddedSchemaRegistry guarded = new EmbeddedSchemaRegistry().requireBasicAuth("u:p").start()) {
      SchemaRegistryClient noCredentials = new SchemaRegistryClient(RegistryClientConfig.of(guarded.url()));
      AvroDecodeException e = fail(AvroDeserializer.generic(noCredentials), validUser(), DecodeFailure.REGISTRY_ERROR);
      assertThat(e.getMessage()).contains("401");
    }
  }

  @Test
  void aGoodPayloadStillDecodesAfterFailures() {
    AvroDeserializer<GenericRecord> d = reader();
    fail(d, new byte[] {0, 0, 0, 0, (byte) userId, 0x02}, DecodeFailure.TRUNCATED_AVRO);
    assertThat(d.deserialize("users", validUser()).get("id")).isEqualTo(300L);
  }
}
