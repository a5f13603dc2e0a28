package io.saestreams.stream.sync;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a replica stood at its last checkpoint, and the rounds it ended since, saved beside the
 * checkpoint.
 *
 * @param round the round at the checkpoint
 * @param awaiting whether the replica had contributed to {@code round} and waited for its average
 *     (then the checkpoint holds its state at the end of the round, and the samples after it in
 *     the replay store belong to the next round)
 * @param samples samples of {@code round} the checkpoint covers (while not awaiting)
 * @param late with overlapped rounds: whether the replica had still to take the average of the
 *     round before {@code round} (it trains on meanwhile; what it contributed to that round is
 *     the state of the checkpoint, taken at that round's end)
 * @param ends the samples of every round the replica ended (and contributed) since the checkpoint,
 *     in order: the first is the round open at the checkpoint (or, awaiting, the next one); a
 *     replica restored from the checkpoint ends the same rounds at the same samples again, also
 *     those that had ended by the clock ({@code train.sync.checkpoint.rounds})
 */
record RoundState(long round, boolean awaiting, long samples, boolean late, List<Long> ends) {
  static final RoundState START = new RoundState(0, false, 0, false);
  private static final byte FORMAT = 3;
  /** Format 2, written before train.sync.checkpoint.rounds: no round ends (a checkpoint at each). */
  private static final byte FORMAT_2 = 2;
  /** Format 1, written before overlapped rounds: no {@code late} flag. */
  private static final byte FORMAT_1 = 1;
  private static final int SIZE_1 = 1 + Long.BYTES + 1 + Long.BYTES;
  private static final int SIZE_2 = SIZE_1 + 1;

  RoundState {
    ends = List.copyOf(ends);
  }

  RoundState(long round, boolean awaiting, long samples, boolean late) {
    this(round, awaiting, samples, late, List.of());
  }

  /** This checkpoint state with one more round ended after it, of {@code samples} samples. */
  RoundState withEnd(long samples) {
    List<Long> more = new ArrayList<>(ends);
    more.add(samples);
    return new RoundState(round, awaiting, this.samples, late, more);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE_2 + Integer.BYTES + Long.BYTES * ends.size())
        .put(FORMAT).putLong(round).put((byte) (awaiting ? 1 : 0)).putLong(samples).put((byte) (late ? 1 : 0))
        .putInt(ends.size());
    ends.forEach(b::putLong);
    return b.array();
  }

  static RoundState fromBytes(byte[] b) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(b);
      byte format = buf.get();
      boolean known = (format == FORMAT && b.length >= SIZE_2 + Integer.BYTES)
          || (format == FORMAT_2 && b.length == SIZE_2) || (format == FORMAT_1 && b.length == SIZE_1);
      if (!known) {
        throw new IllegalStateException("the replica's round state is of format " + format + " with " + b.length
            + " bytes; expected format " + FORMAT + ", " + FORMAT_2 + " with " + SIZE_2 + " or " + FORMAT_1
            + " with " + SIZE_1);
      }
      long round = buf.getLong();
      boolean awaiting = buf.get() != 0;
      long samples = buf.getLong();
      boolean late = format != FORMAT_1 && buf.get() != 0;
      List<Long> ends = new ArrayList<>();
      if (format == FORMAT) {
        int n = buf.getInt();
        if (n < 0 || buf.remaining() != (long) n * Long.BYTES) {
          throw new IllegalStateException("the replica's round state announces " + n + " round ends but has "
              + buf.remaining() + " bytes for them");
        }
        for (int i = 0; i < n; i++) {
          ends.add(buf.getLong());
        }
      }
      return new RoundState(round, awaiting, samples, late, ends);
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("the replica's round state is truncated (" + b.length + " bytes)", e);
    }
  }
}
