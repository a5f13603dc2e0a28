package io.saestreams.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import io.saestreams.serde.AvroSerializer;
import io.saestreams.serde.FloatList;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaeSerdesTest {
  @Test
  void inputVectorsOfOurSchemaAreDecodedIntoAPrimitiveArray() {
    try (EmbeddedSchemaRegistry server = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient client = new SchemaRegistryClient(RegistryClientConfig.of(server.url()))) {
      InputVector v = new InputVector("a", Instant.ofEpochMilli(1), List.of(0.5f, -2f), null);
      byte[] bytes = new AvroSerializer<InputVector>(client, false, true).serialize("in", v);
      InputVector read = new SaeSerdes(client).inputVector().deserialize("in", bytes);
      assertThat(read).isEqualTo(v);
      assertThat(read.getValues()).isInstanceOfSatisfying(FloatList.class,
          f -> assertThat(f.toFloatArray()).containsExactly(0.5f, -2f));
    }
  }
}
