package io.saestreams.stream.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The samples the trainer accepted since its last checkpoint, in a changelogged store keyed by
 * an increasing sequence number (big-endian, so store order is sequence order). Sequence numbers
 * keep increasing across checkpoints; a checkpoint records the first number it does not cover.
 */
final class ReplayLog {
  private final KeyValueStore<Long, byte[]> store;
  private long next;
  private long oldest;

  ReplayLog(KeyValueStore<Long, byte[]> store) {
    this.store = store;
  }

  /**
   * Feeds {@code sink} the samples numbered {@code from} or more, in order, and forgets older
   * ones (a checkpoint covers them). Afterwards {@link #next()} is past the last sample.
   *
   * @return how many samples were replayed
   */
  int replay(long from, Consumer<TrainingSample> sink) {
    deleteAllBelow(from);
    next = from;
    oldest = from;
    int n = 0;
    try (KeyValueIterator<Long, byte[]> it = store.range(from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> kv = it.next();
        sink.accept(TrainingSampleSerde.decode(kv.value));
        next = kv.key + 1;
        n++;
      }
    }
    return n;
  }

  /** Appends a sample; returns its sequence number. */
  long append(TrainingSample sample) {
    long seq = next++;
    store.put(seq, TrainingSampleSerde.encode(sample));
    return seq;
  }

  /** The sequence number the next sample will get. */
  long next() {
    return next;
  }

  boolean isEmpty() {
    return oldest == next;
  }

  /** Forgets every sample appended so far (after a checkpoint that covers them). */
  void truncate() {
    // every number in [oldest, next) was appended: delete them by key, without a range scan
    // (a RocksDB scan also walks the tombstones of earlier truncations)
    // and as put(null): delete() would first read the old value back
    for (long seq = oldest; seq < next; seq++) {
      store.put(seq, null);
    }
    oldest = next;
  }

  /** On restore: whatever an earlier run left below {@code end}. */
  private void deleteAllBelow(long end) {
    if (end <= 0) {
      return;
    }
    List<Long> keys = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = store.range(0L, end - 1)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    for (Long k : keys) {
      store.delete(k);
    }
  }
}
