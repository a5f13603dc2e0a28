package io.saestreams.stream.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The {@code meta} entry of the checkpoint store.
 *
 * @param slot which of the two chunk slots holds the checkpoint (the other is overwritten next)
 * @param chunkCount chunks in that slot
 * @param totalBytes checkpoint length
 * @param checksum CRC-32 of the checkpoint
 * @param steps the trainer's step count at the checkpoint
 * @param replayFrom the first replay block the checkpoint does not cover (see {@link ReplayLog})
 */
record CheckpointMeta(int slot, int chunkCount, int totalBytes, long checksum, long steps, long replayFrom) {
  private static final byte FORMAT = 1;
  private static final int SIZE = 1 + 3 * Integer.BYTES + 3 * Long.BYTES;

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE)
        .put(FORMAT)
        .putInt(slot)
        .putInt(chunkCount)
        .putInt(totalBytes)
        .putLong(checksum)
        .putLong(steps)
        .putLong(replayFrom)
        .array();
  }

  static CheckpointMeta fromBytes(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT || bytes.length != SIZE) {
        throw new IllegalStateException(
            "checkpoint meta of format " + format + " and " + bytes.length + " bytes; expected format "
                + FORMAT + " and " + SIZE + " bytes");
      }
      return new CheckpointMeta(b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong());
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("truncated checkpoint meta", e);
    }
  }
}
