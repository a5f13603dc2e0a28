package io.saestreams.stream.score;

import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.validate.ValidInput;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inputs a scoring task has accepted but not yet scored, in arrival order: in memory for the
 * next batch, and in a changelogged store.
 *
 * <p>Why a store: the task's input offsets are committed with the store's changelog in one
 * transaction (exactly_once_v2), so an input buffered at a commit is either restored with the
 * store after a crash, or (if the commit did not happen) read again from the input topic — never
 * lost, never scored twice.
 *
 * <p>The store is keyed by slot, not by input: a waiting input takes the lowest free slot, and a
 * scored batch frees its slots for the next. The store is a {@link
 * io.saestreams.stream.state.WriteBackStore}: an input is encoded and written only if it is still
 * waiting when the task commits, so a commit writes to the changelog at most one record per slot
 * (about {@code score.batch.size}: the inputs still waiting, and tombstones for slots freed since
 * the last commit), and an input scored between two commits is never encoded. Each entry carries
 * its input's sequence number, which orders a restore.
 */
final class ScoreBuffer {
  /** Slots at or above this are never handed out: a larger key is one an older version wrote. */
  private static final long SLOT_LIMIT = 1 << 20;

  private final KeyValueStore<Long, PendingInput> store;
  private final List<PendingInput> pending = new ArrayList<>();
  /** The store key of each pending input that is in the store (−1: kept in memory only). */
  private final List<Long> keys = new ArrayList<>();
  private final BitSet taken = new BitSet();
  private long next;

  /** Loads what an earlier instance of the task left in the store, in arrival order. */
  ScoreBuffer(KeyValueStore<Long, PendingInput> store) {
    this.store = store;
    List<Map.Entry<Long, PendingInput>> restored = new ArrayList<>();
    try (KeyValueIterator<Long, PendingInput> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, PendingInput> kv = it.next();
        restored.add(Map.entry(kv.key, kv.value));
      }
    }
    restored.sort(Comparator.comparingLong(e -> e.getValue().seq()));
    for (Map.Entry<Long, PendingInput> e : restored) {
      pending.add(e.getValue());
      keys.add(e.getKey());
      if (e.getKey() >= 0 && e.getKey() < SLOT_LIMIT) {
        taken.set(e.getKey().intValue());
      }
      next = Math.max(next, e.getValue().seq() + 1);
    }
  }

  /** Appends an input ({@code source}: its record in the input topic, or null); with {@code persist} false it is kept in memory only (scored at once). */
  void add(Record<byte[], ValidInput> record, InputRef source, boolean persist) {
    PendingInput p = PendingInput.of(persist ? next++ : -1, record, source);
    long key = -1;
    if (persist) {
      int slot = taken.nextClearBit(0);
      taken.set(slot);
      key = slot;
      store.put(key, p);
    }
    pending.add(p);
    keys.add(key);
  }

  int size() {
    return pending.size();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** The buffered inputs, oldest first. Do not modify. */
  List<PendingInput> pending() {
    return pending;
  }

  /** Forgets every buffered input (after they have all been scored and forwarded), freeing their slots. */
  void clear() {
    for (long key : keys) {
      if (key >= 0) {
        store.delete(key);
      }
    }
    pending.clear();
    keys.clear();
    taken.clear();
  }
}
