package io.saestreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.avro.InputVector;
import io.saestreams.registry.EmbeddedSchemaRegistry;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputVectorReaderTest {
  private static InputVector random(Random rnd) {
    // now and then longer than one bulk read (1,024 floats), so that reads span chunks
    int d = rnd.nextInt(5) == 0 ? 1_000 + rnd.nextInt(2_500) : rnd.nextInt(40);
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      values.add(switch (rnd.nextInt(6)) {
        case 0 -> Float.NaN;
        case 1 -> -0.0f;
        default -> (float) rnd.nextGaussian() * 1e3f;
      });
    }
    Map<String, String> attributes = null;
    if (rnd.nextBoolean()) {
      attributes = new TreeMap<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        attributes.put("k" + rnd.nextInt(1000), "v\u00e9" + rnd.nextInt());
      }
    }
    return new InputVector("id-" + rnd.nextLong(), Instant.ofEpochMilli(rnd.nextLong() >> 20), values, attributes);
  }

  private static byte[] encode(InputVector v, boolean blocking) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // the blocking encoder writes arrays in sized blocks (negative counts), as streaming writers may
    BinaryEncoder e = blocking
        ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
        : EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(InputVector.class).write(v, e);
    e.flush();
    return out.toByteArray();
  }

  private static InputVector direct(byte[] body) throws IOException {
    return new InputVectorReader().read(null, DecoderFactory.get().binaryDecoder(body, null));
  }

  private static InputVector resolving(byte[] body) throws IOException {
    Schema s = InputVector.getClassSchema();
    return new SpecificDatumReader<InputVector>(s, s, new ReaderClassData(InputVector.class, s)).read(null, DecoderFactory.get().binaryDecoder(body, null));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void readsWhatAvrosOwnReaderReads(long seed) throws IOException {
    Random rnd = new Random(seed);
    for (int i = 0; i < 50; i++) {
      InputVector v = random(rnd);
      for (boolean blocking : new boolean[] {false, true}) {
        byte[] body = encode(v, blocking);
        InputVector fast = direct(body);
        assertThat(fast).isEqualTo(resolving(body)).isEqualTo(v);
        assertThat(fast.getValues()).isInstanceOf(FloatList.class);
        float[] array = ((FloatList) fast.getValues()).toFloatArray();
        assertThat(array).hasSize(v.getValues().size());
        for (int j = 0; j < array.length; j++) {
          assertThat(Float.floatToRawIntBits(array[j])).isEqualTo(Float.floatToRawIntBits(v.getValues().get(j)));
        }
      }
    }
  }

  @Test
  void aCorruptBlockCountFailsOnTheMissingBytesWithoutAllocatingIt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    e.writeString("x");
    e.writeLong(0);
    e.writeArrayStart();
    e.setItemCount(1L << 30); // 4 GiB of floats if it were believed
    e.startItem();
    e.writeFloat(1f);
    e.flush();
    assertThatThrownBy(() -> direct(out.toByteArray())).isInstanceOf(EOFException.class);
  }

  @Test
  void anOutOfRangeUnionBranchIsAnError() throws IOException {
    byte[] body = encode(new InputVector("x", Instant.EPOCH, List.of(1f), null), false);
    body[body.length - 1] = 4; // zig-zag 2: a third branch the union does not have
    assertThatThrownBy(() -> direct(body)).isInstanceOf(AvroRuntimeException.class).hasMessageContaining("union index 2");
  }

  @Test
  void readsOnlyTheInputVectorLayout() {
    assertThat(InputVectorReader.reads(InputVector.getClassSchema())).isTrue();
    Schema evolved = SchemaBuilder.record("InputVector").namespace("io.saestreams.avro").fields()
        .requiredString("id").requiredLong("timestamp").name("values").type().array().items().floatType().noDefault()
        .optionalString("source").endRecord();
    assertThat(InputVectorReader.reads(evolved)).isFalse();
    assertThatThrownBy(() -> new InputVectorReader().setSchema(evolved)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDeserializerUsesItForTheSameSchemaAndResolvesOtherWriters() throws IOException {
    try (EmbeddedSchemaRegistry server = new EmbeddedSchemaRegistry().start();
        SchemaRegistryClient client = new SchemaRegistryClient(RegistryClientConfig.of(server.url()))) {
      AvroDeserializer<InputVector> deserializer = AvroDeserializer.specific(client, InputVector.class)
          .withDirectReader(InputVectorReader::reads, InputVectorReader::new);
      InputVector v = new InputVector("a", Instant.ofEpochMilli(5), List.of(1f, 2f, 3f), Map.of("k", "v"));
      byte[] same = new AvroSerializer<InputVector>(client, false, true).serialize("in", v);
      InputVector read = deserializer.deserialize("in", same);
      assertThat(read).isEqualTo(v);
      assertThat(read.getValues()).isInstanceOf(FloatList.class);

      // a newer producer schema with an extra field: read through Avro's resolution, field dropped
      Schema v2 = new Schema.Parser().parse(InputVector.getClassSchema().toString()
          .replace("\"fields\":[", "\"fields\":[{\"name\":\"source\",\"type\":\"string\",\"default\":\"\"},"));
      GenericRecord r = new GenericData.Record(v2);
      r.put("source", "s");
      r.put("id", "b");
      r.put("timestamp", 6L);
      r.put("values", List.of(4f, 5f));
      r.put("attributes", null);
      byte[] evolved = new AvroSerializer<GenericRecord>(client, false, true).serialize("in", r);
      InputVector old = deserializer.deserialize("in", evolved);
      assertThat(old.getId()).isEqualTo("b");
      assertThat(old.getValues()).containsExactly(4f, 5f).isNotInstanceOf(FloatList.class);
      assertThatThrownBy(() -> deserializer.deserialize("in", java.util.Arrays.copyOf(same, same.length - 3)))
          .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.failure()).isEqualTo(DecodeFailure.TRUNCATED_AVRO));
    }
  }
}
