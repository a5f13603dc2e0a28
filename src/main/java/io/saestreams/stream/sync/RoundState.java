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
 * @param late with overlapped rounds: whether the replica has still to take the average of the
 *     round before {@code round} (it trains on meanwhile; what it contributed to that round is
 *     the state of the checkpoint, taken at that round's end)
 */
record RoundState(long round, boolean awaiting, long samples, boolean late) {
  static final RoundState START = new RoundState(0, false, 0, false);
  private static final byte FORMAT = 2;
  /** Format 1, written before overlapped rounds: no {@code late} flag. */
  private static final byte FORMAT_1 = 1;
  private static final int SIZE_1 = 1 + Long.BYTES + 1 + Long.BYTES;
  private static final int SIZE = SIZE_1 + 1;

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).put(FORMAT).putLong(round).put((byte) (awaiting ? 1 : 0)).putLong(samples)
        .put((byte) (late ? 1 : 0)).array();
  }

  static RoundState fromBytes(byte[] b) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(b);
      byte format = buf.get();
      if (!(format == FORMAT && b.length == SIZE) && !(format == FORMAT_1 && b.length == SIZE_1)) {
        throw new IllegalStateException("the replica's round state is of format " + format + " with " + b.length
            + " bytes; expected format " + FORMAT + " with " + SIZE + " or " + FORMAT_1 + " with " + SIZE_1);
      }
      long round = buf.getLong();
      boolean awaiting = buf.get() != 0;
      long samples = buf.getLong();
      boolean late = format == FORMAT && buf.get() != 0;
      return new RoundState(round, awaiting, samples, late);
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("the replica's round state is truncated (" + b.length + " bytes)", e);
    }
  }
}
