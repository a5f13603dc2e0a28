package io.saestreams.stream.training;

import io.saestreams.stream.modelstore.Chunks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trainer's checkpoint in a changelogged key-value store, split into chunks small enough for
 * Kafka records: {@code chunk-<slot>-<i>} for i in [0, count) and a {@code meta} entry ({@link
 * CheckpointMeta}). A new checkpoint goes into the slot the current one does not use and becomes
 * current only when {@code meta} is written, so an interrupted save leaves the previous
 * checkpoint intact. A {@code published} entry holds the last model version forwarded.
 */
public final class CheckpointStore {
  static final String META = "meta";
  /** The last model version forwarded (8 bytes, big-endian). */
  static final String PUBLISHED = "published";

  /** A loaded checkpoint. */
  public record Checkpoint(byte[] bytes, long steps, long replayFrom) {}

  private final KeyValueStore<String, byte[]> store;
  private final int chunkBytes;

  public CheckpointStore(KeyValueStore<String, byte[]> store, int chunkBytes) {
    this.store = store;
    this.chunkBytes = chunkBytes;
  }

  static String chunkKey(int slot, int index) {
    return "chunk-" + slot + "-" + index;
  }

  /**
   * The current checkpoint, or empty when none was saved.
   *
   * @throws IllegalStateException when chunks are missing or the CRC-32 does not match
   */
  public Optional<Checkpoint> load() {
    byte[] m = store.get(META);
    if (m == null) {
      return Optional.empty();
    }
    CheckpointMeta meta = CheckpointMeta.fromBytes(m);
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < meta.chunkCount(); i++) {
      byte[] part = store.get(chunkKey(meta.slot(), i));
      if (part == null) {
        throw new IllegalStateException("trainer checkpoint is missing chunk " + i + " of "
            + meta.chunkCount() + " in slot " + meta.slot());
      }
      parts.add(part);
    }
    byte[] bytes = Chunks.join(parts);
    if (bytes.length != meta.totalBytes() || Chunks.crc32(bytes) != meta.checksum()) {
      throw new IllegalStateException("trainer checkpoint is corrupt: " + bytes.length + " bytes with CRC-32 "
          + Chunks.crc32(bytes) + ", expected " + meta.totalBytes() + " bytes with CRC-32 " + meta.checksum());
    }
    return Optional.of(new Checkpoint(bytes, meta.steps(), meta.replayFrom()));
  }

  /** Saves a checkpoint taken at {@code steps} that covers the replay blocks below {@code replayFrom}. */
  public void save(byte[] checkpoint, long steps, long replayFrom) {
    byte[] m = store.get(META);
    int slot = m == null ? 0 : 1 - CheckpointMeta.fromBytes(m).slot();
    List<byte[]> parts = Chunks.split(checkpoint, chunkBytes);
    for (int i = 0; i < parts.size(); i++) {
      store.put(chunkKey(slot, i), parts.get(i));
    }
    for (int i = parts.size(); store.get(chunkKey(slot, i)) != null; i++) {
      store.delete(chunkKey(slot, i));
    }
    store.put(
        META,
        new CheckpointMeta(slot, parts.size(), checkpoint.length, Chunks.crc32(checkpoint), steps, replayFrom)
            .toBytes());
  }

  /** The last model version forwarded, if one was recorded. */
  public OptionalLong lastPublished() {
    byte[] b = store.get(PUBLISHED);
    if (b == null) {
      return OptionalLong.empty();
    }
    if (b.length != Long.BYTES) {
      throw new IllegalStateException("the trainer's last published version has " + b.length + " bytes; expected "
          + Long.BYTES);
    }
    return OptionalLong.of(ByteBuffer.wrap(b).getLong());
  }

  /** Records that model version {@code version} was forwarded. */
  public void published(long version) {
    store.put(PUBLISHED, ByteBuffer.allocate(Long.BYTES).putLong(version).array());
  }
}
