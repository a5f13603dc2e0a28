package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TrainingSampleSerdeTest {
  @Test
  void roundTripsIdTimestampAndValuesExactly() {
    TrainingSample s = new TrainingSample("ïd-ü", 1_700_000_000_123L, new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f},
        new InputRef(7, 123_456_789_012L));
    TrainingSample back = TrainingSampleSerde.decode(TrainingSampleSerde.encode(s));
    assertThat(back.id()).isEqualTo(s.id());
    assertThat(back.source()).isEqualTo(s.source());
    assertThat(back.timestamp()).isEqualTo(s.timestamp());
    assertThat(back.values()).containsExactly(s.values());
    assertThat(Float.floatToRawIntBits(back.values()[1])).isEqualTo(Float.floatToRawIntBits(-0f));
    TrainingSampleSerde serde = new TrainingSampleSerde();
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", s)).id()).isEqualTo(s.id());
  }

  @Test
  void valuesAreBigEndianFloat32AfterTheHeader() {
    float[] v = {1.5f, -0f, Float.MIN_VALUE, -3e38f};
    byte[] b = TrainingSampleSerde.encode(new TrainingSample("ab", 7, v, new InputRef(3, 9)));
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
    int header = 1 + 4 + 2 + 8 + 4 + 8 + 4;
    assertThat(b).hasSize(header + 4 * v.length);
    assertThat(b[0]).isEqualTo((byte) 2);
    assertThat(buf.getInt(1 + 4 + 2 + 8)).isEqualTo(3);
    assertThat(buf.getLong(1 + 4 + 2 + 8 + 4)).isEqualTo(9);
    assertThat(buf.getInt(header - 4)).isEqualTo(v.length);
    for (int i = 0; i < v.length; i++) {
      assertThat(buf.getInt(header + 4 * i)).isEqualTo(Float.floatToRawIntBits(v[i]));
    }
  }

  @Test
  void rejectsTruncatedTrailingAndForeignBytes() {
    byte[] b = TrainingSampleSerde.encode(new TrainingSample("a", 1, new float[] {1, 2}, null));
    assertThatThrownBy(() -> TrainingSampleSerde.decode(Arrays.copyOf(b, b.length - 1)))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> TrainingSampleSerde.decode(Arrays.copyOf(b, b.length + 4)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("trailing");
    byte[] other = b.clone();
    other[0] = 5;
    assertThatThrownBy(() -> TrainingSampleSerde.decode(other)).hasMessageContaining("format 5");
  }

  @Test
  void aSampleWithoutSourceRoundTripsAsNone() {
    TrainingSample back = TrainingSampleSerde.decode(
        TrainingSampleSerde.encode(new TrainingSample("a", 1, new float[] {1, 2}, null)));
    assertThat(back.source()).isNull();
    assertThat(back.values()).containsExactly(1, 2);
  }

  @Test
  void readsTheFormerFormatWithoutSource() {
    // format 1: format byte, id length and bytes, timestamp, value count, values
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 4 + 1 + 8 + 4 + 8);
    b.put((byte) 1).putInt(1).put((byte) 'z').putLong(42).putInt(2).putFloat(0.25f).putFloat(-4f);
    TrainingSample s = TrainingSampleSerde.decode(b.array());
    assertThat(s.id()).isEqualTo("z");
    assertThat(s.timestamp()).isEqualTo(42);
    assertThat(s.values()).containsExactly(0.25f, -4f);
    assertThat(s.source()).isNull();
  }
}
