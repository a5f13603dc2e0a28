package io.saestreams.stream.score;

import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.validate.ValidInput;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inputs a scoring task has accepted but not yet scored, in arrival order: in memory for the
 * next batch, and in a changelogged store keyed by an increasing sequence number (big-endian, so
 * store order is arrival order).
 *
 * <p>Why a store: the task's input offsets are committed with the store's changelog in one
 * transaction (exactly_once_v2), so an input buffered at a commit is either restored with the
 * store after a crash, or (if the commit did not happen) read again from the input topic — never
 * lost, never scored twice. The store is meant to be cached: an entry put and removed between two
 * commits reaches the changelog only as a small tombstone.
 */
final class ScoreBuffer {
  private final KeyValueStore<Long, byte[]> store;
  private final List<PendingInput> pending = new ArrayList<>();
  private long next;

  /** Loads what an earlier instance of the task left in the store. */
  ScoreBuffer(KeyValueStore<Long, byte[]> store) {
    this.store = store;
    try (KeyValueIterator<Long, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> kv = it.next();
        pending.add(PendingInput.decode(kv.key, kv.value));
        next = kv.key + 1;
      }
    }
  }

  /** Appends an input ({@code source}: its record in the input topic, or null); with {@code persist} false it is kept in memory only (scored at once). */
  void add(Record<byte[], ValidInput> record, InputRef source, boolean persist) {
    PendingInput p = PendingInput.of(persist ? next++ : -1, record, source);
    if (persist) {
      store.put(p.seq(), p.encode());
    }
    pending.add(p);
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

  /** Forgets every buffered input (after they have all been scored and forwarded). */
  void clear() {
    for (PendingInput p : pending) {
      if (p.seq() >= 0) {
        store.put(p.seq(), null); // a delete that does not read the old value back
      }
    }
    pending.clear();
  }
}
