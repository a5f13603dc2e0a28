package io.saestreams.stream.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The internal binary form of a {@link TrainingSample} (big-endian): format byte 1, id length and
 * UTF-8 bytes, timestamp, value count and float32 values. Used by the {@code training}
 * repartition topic and the replay store; never seen outside the application.
 */
public final class TrainingSampleSerde implements Serde<TrainingSample> {
  static final byte FORMAT = 1;

  @Override
  public Serializer<TrainingSample> serializer() {
    return (topic, s) -> s == null ? null : encode(s);
  }

  @Override
  public Deserializer<TrainingSample> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  public static byte[] encode(TrainingSample s) {
    byte[] id = s.id().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + id.length + 8 + 4 + 4 * s.values().length);
    b.put(FORMAT).putInt(id.length).put(id).putLong(s.timestamp()).putInt(s.values().length);
    // one bulk copy, not a putFloat call per value
    b.asFloatBuffer().put(s.values());
    return b.array();
  }

  public static TrainingSample decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT) {
        throw new SerializationException("training sample of format " + format + "; expected " + FORMAT);
      }
      byte[] id = new byte[length(b)];
      b.get(id);
      long timestamp = b.getLong();
      float[] values = new float[length(b)];
      b.asFloatBuffer().get(values);
      if (b.remaining() != 4 * values.length) {
        throw new SerializationException(
            "training sample has " + (b.remaining() - 4 * values.length) + " trailing bytes");
      }
      return new TrainingSample(new String(id, StandardCharsets.UTF_8), timestamp, values);
    } catch (BufferUnderflowException e) {
      throw new SerializationException("truncated training sample of " + bytes.length + " bytes", e);
    }
  }

  private static int length(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new SerializationException("corrupt training sample: length " + n + " with " + b.remaining() + " bytes left");
    }
    return n;
  }
}
