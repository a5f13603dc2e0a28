package io.saestreams.stream.sync;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One replica's stores and the global model store (named {@code models}), kept across the
 * replica's restarts: each {@link #context} is a new task context on the same stores.
 */
final class ReplicaStores {
  final KeyValueStore<String, byte[]> checkpoint = store(ReplicaProcessor.CHECKPOINT_STORE, Serdes.String());
  final KeyValueStore<Long, byte[]> replay = store(ReplicaProcessor.REPLAY_STORE, Serdes.Long());
  final KeyValueStore<String, byte[]> models;
  private boolean open;

  ReplicaStores(String models) {
    this.models = store(models, Serdes.String());
  }

  private static <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
        .withLoggingDisabled().build();
  }

  /** A new task context on these stores, its wall clock at {@code nowMs}. */
  MockProcessorContext<String, SyncChunk> context(long nowMs) {
    MockProcessorContext<String, SyncChunk> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(nowMs);
    if (!open) {
      checkpoint.init(ctx.getStateStoreContext(), checkpoint);
      replay.init(ctx.getStateStoreContext(), replay);
      models.init(ctx.getStateStoreContext(), models);
      open = true;
    }
    ctx.addStateStore(checkpoint);
    ctx.addStateStore(replay);
    ctx.addStateStore(models);
    return ctx;
  }
}
