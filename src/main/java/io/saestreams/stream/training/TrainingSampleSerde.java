package io.saestreams.stream.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The internal binary form of a {@link TrainingSample} (big-endian): format byte 2, id length and
 * UTF-8 bytes, timestamp, source partition (-1 when unknown) and offset, value count and float32
 * values. Format 1, written before samples carried their source, is the same without the
 * partition and offset, and is still read. Used by the {@code training} repartition topic;
 * never seen outside the application.
 */
public final class TrainingSampleSerde implements Serde<TrainingSample> {
  static final byte FORMAT = 2;
  static final byte FORMAT_WITHOUT_SOURCE = 1;

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
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + id.length + 8 + 4 + 8 + 4 + 4 * s.values().length);
    b.put(FORMAT).putInt(id.length).put(id).putLong(s.timestamp());
    InputRef source = s.source();
    b.putInt(source == null ? -1 : source.partition()).putLong(source == null ? -1 : source.offset());
    b.putInt(s.values().length);
    // one bulk copy, not a putFloat call per value
    b.asFloatBuffer().put(s.values());
    return b.array();
  }

  public static TrainingSample decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT && format != FORMAT_WITHOUT_SOURCE) {
        throw new SerializationException("training sample of format " + format + "; expected "
            + FORMAT + " (or " + FORMAT_WITHOUT_SOURCE + ")");
      }
      byte[] id = new byte[length(b)];
      b.get(id);
      long timestamp = b.getLong();
      InputRef source = null;
      if (format == FORMAT) {
        int partition = b.getInt();
        long offset = b.getLong();
        if (partition >= 0) {
          if (offset < 0) {
            throw new SerializationException("corrupt training sample: source partition " + partition
                + " with offset " + offset);
          }
          source = new InputRef(partition, offset);
        }
      }
      float[] values = new float[length(b)];
      b.asFloatBuffer().get(values);
      if (b.remaining() != 4 * values.length) {
        throw new SerializationException(
            "training sample has " + (b.remaining() - 4 * values.length) + " trailing bytes");
      }
      return new TrainingSample(new String(id, StandardCharsets.UTF_8), timestamp, values, source);
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
