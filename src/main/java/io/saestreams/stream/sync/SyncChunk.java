package io.saestreams.stream.sync;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One chunk of a replica's contribution to a synchronisation round, on the internal {@code sync}
 * topic: the replica's parameters at the end of round {@code round} as a serialised model (format
 * SAEM), split like a model version.
 *
 * @param round the round, from 0; its average is published as model version {@code round + 1}
 * @param partition the contributing replica (its input partition)
 * @param partitions replicas in the group: the aggregator waits for this many contributions
 * @param samples samples the replica trained on in the round: its weight in the average (0 for
 *     an idle replica)
 * @param steps the replica's training steps so far
 * @param chunkIndex position of this chunk in [0, chunkCount)
 * @param chunkCount chunks of this contribution
 * @param totalBytes length of the whole serialised model
 * @param checksum CRC-32 of the whole serialised model
 * @param payload this chunk's bytes
 */
public record SyncChunk(long round, int partition, int partitions, long samples, long steps, int chunkIndex,
    int chunkCount, int totalBytes, long checksum, byte[] payload) {
  static final byte FORMAT = 1;
  private static final int HEADER = 1 + Long.BYTES + 2 * Integer.BYTES + 2 * Long.BYTES + 3 * Integer.BYTES
      + Long.BYTES + Integer.BYTES;

  byte[] toBytes() {
    return ByteBuffer.allocate(HEADER + payload.length)
        .put(FORMAT).putLong(round).putInt(partition).putInt(partitions).putLong(samples).putLong(steps)
        .putInt(chunkIndex).putInt(chunkCount).putInt(totalBytes).putLong(checksum)
        .putInt(payload.length).put(payload)
        .array();
  }

  static SyncChunk fromBytes(byte[] bytes) {
    return parse(bytes, true);
  }

  /** The chunk's fields with an empty payload (not copied): for reading headers of stored chunks. */
  static SyncChunk headerOf(byte[] bytes) {
    return parse(bytes, false);
  }

  private static SyncChunk parse(byte[] bytes, boolean withPayload) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT) {
        throw new SerializationException("sync chunk of format " + format + "; expected " + FORMAT);
      }
      long round = b.getLong();
      int partition = b.getInt();
      int partitions = b.getInt();
      long samples = b.getLong();
      long steps = b.getLong();
      int index = b.getInt();
      int count = b.getInt();
      int total = b.getInt();
      long checksum = b.getLong();
      int n = b.getInt();
      if (n < 0 || n != b.remaining()) {
        throw new SerializationException("sync chunk payload of " + n + " bytes with " + b.remaining() + " left");
      }
      byte[] payload = new byte[withPayload ? n : 0];
      b.get(payload);
      return new SyncChunk(round, partition, partitions, samples, steps, index, count, total, checksum, payload);
    } catch (BufferUnderflowException e) {
      throw new SerializationException("truncated sync chunk of " + bytes.length + " bytes", e);
    }
  }

  /** The internal topic's serde. */
  public static Serde<SyncChunk> serde() {
    Serializer<SyncChunk> ser = (topic, c) -> c == null ? null : c.toBytes();
    Deserializer<SyncChunk> de = (topic, b) -> b == null ? null : fromBytes(b);
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(ser, de);
  }
}
