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

class SchemaEvolutionTest {
  EmbeddedSchemaRegistry server;
  SchemaRegistryClient producerClient;
  SchemaRegistryClient consumerClient;

  @BeforeEach
  void start() {
    server = new EmbeddedSchemaRegistry().start();
    producerClient = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
    consumerClient = new SchemaRegistryClient(RegistryClientConfig.of(server.url()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void v2WrittenIsReadWithV1ReaderDroppingTheNewField() {
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerClient, false, true);
    GenericRecord v1 = new GenericData.Record(TestSchemas.USER_V1);
    v1.put("id", 1L);
    v1.put("name", "old");
    serializer.serialize("users", v1); // v1 registered first, then v2 evolves it
    GenericRecord v2 = new GenericData.Record(TestSchemas.USER_V2);
    v2.put("id", 2L);
    v2.put("name", "new");
    v2.put("email", "a@b.c");
    byte[] bytes = serializer.serialize("users", v2);
    assertThat(producerClient.versions("users-value")).containsExactly(1, 2);

    GenericRecord read = AvroDeserializer.generic(consumerClient, TestSchemas.USER_V1).deserialize("users", bytes);
    assertThat(read.getSchema()).isEqualTo(TestSchemas.USER_V1);
    assertThat(read.get("id")).isEqualTo(2L);
    assertThat(read.get("name").toString()).isEqualTo("new");
    assertThat(read.hasField("email")).isFalse();
  }

  @Test
  void v1WrittenIsReadWithV2ReaderFillingTheDefault() {
    GenericRecord v1 = new GenericData.Record(TestSchemas.USER_V1);
    v1.put("id", 7L);
    v1.put("name", "seven");
    byte[] bytes = new AvroSerializer<GenericRecord>(producerClient, false, true).serialize("users", v1);

    GenericRecord read = AvroDeserializer.generic(consumerClient, TestSchemas.USER_V2).deserialize("users", bytes);
    assertThat(read.getSchema()).isEqualTo(TestSchemas.USER_V2);
    assertThat(read.get("id")).isEqualTo(7L);
    assertThat(read.get("name").toString()).isEqualTo("seven");
    assertThat(read.get("email").toString()).isEqualTo("none");
  }

  @Test
  void withoutAutoRegisterTheSerializerLooksUpAndFailsClearlyWhenAbsent() {
    GenericRecord v1 = new GenericData.Record(TestSchemas.USER_V1);
    v1.put("id", 1L);
    v1.put("name", "x");
    AvroSerializer<GenericRecord> lookupOnly = new AvroSerializer<>(producerClient, false, false);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> lookupOnly.serialize("users", v1))
        .isInstanceOfSatisfying(
            AvroEncodeException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(EncodeFailure.SCHEMA_NOT_REGISTERED);
              assertThat(e.getMessage()).contains("users-value").contains("40401");
            });
    int id = consumerClient.register("users-value", TestSchemas.USER_V1);
    byte[] bytes = lookupOnly.serialize("users", v1);
    assertThat(bytes[4]).isEqualTo((byte) id);
    assertThat(server.requestCount("POST /subjects/users-value/versions")).isEqualTo(1); // only the explicit one
  }

  @Test
  void incompatibleWriterSchemaIsRejectedAtRegistration() {
    GenericRecord v1 = new GenericData.Record(TestSchemas.USER_V1);
    v1.put("id", 1L);
    v1.put("name", "x");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(producerClient, false, true);
    serializer.serialize("users", v1);
    GenericRecord other = new GenericData.Record(TestSchemas.METRIC);
    other.put("value", 1.5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> serializer.serialize("users", other))
        .isInstanceOfSatisfying(
            AvroEncodeException.class, e -> assertThat(e.failure()).isEqualTo(EncodeFailure.INCOMPATIBLE_SCHEMA));
  }
}
