package io.saestreams.stream.sync;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the aggregator's store of contributions ({@value #STORE}) up to date with the sync topic,
 * which is that store's changelog: every chunk under its key ({@link SyncAggregator#chunkKey}),
 * as the serialised {@link SyncChunk} the topic holds, and a tombstone deletes it. A restore
 * writes the topic's records into the store the same way, without this processor.
 *
 * <p>It is the first child of the sync topic's source, so the aggregator (the second) finds the
 * chunk it is given already stored.
 */
public final class SyncContributions implements Processor<String, byte[], Void, Void> {
  /** The store of contributions not yet averaged, restored from the sync topic. */
  public static final String STORE = "sync-contributions";

  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
