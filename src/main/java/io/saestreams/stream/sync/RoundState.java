package io.saestreams.stream.sync;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Where a replica stands in the rounds, saved beside its checkpoint.
 *
 * @param round the current round
 * @param awaiting whether the replica has contributed to {@code round} and waits for its average
 *     (then the checkpoint holds its state at the end of the round, and the samples after it in
 *     the replay store belong to the next round)
 * @param samples samples of {@code round} the checkpoint covers (while not awaiting)
 */
record RoundState(long round, boolean awaiting, long samples) {
  static final RoundState START = new RoundState(0, false, 0);
  private static final byte FORMAT = 1;
  private static final int SIZE = 1 + Long.BYTES + 1 + Long.BYTES;

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).put(FORMAT).putLong(round).put((byte) (awaiting ? 1 : 0)).putLong(samples)
        .array();
  }

  static RoundState fromBytes(byte[] b) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(b);
      byte format = buf.get();
      if (format != FORMAT || b.length != SIZE) {
        throw new IllegalStateException("the replica's round state is of format " + format + " with " + b.length
            + " bytes; expected format " + FORMAT + " with " + SIZE);
      }
      return new RoundState(buf.getLong(), buf.get() != 0, buf.getLong());
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("the replica's round state is truncated (" + b.length + " bytes)", e);
    }
  }
}
