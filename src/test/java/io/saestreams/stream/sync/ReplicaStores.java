package io.saestreams.stream.sync;

import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import java.io.ByteArrayOutputStream;
import java.util.Comparator;
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

  /** The model bytes of the contribution to {@code round} among the chunks {@code ctx} forwarded. */
  static byte[] contribution(MockProcessorContext<String, SyncChunk> ctx, long round) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ctx.forwarded().stream().map(f -> f.record().value()).filter(c -> c.round() == round)
        .sorted(Comparator.comparingInt(SyncChunk::chunkIndex))
        .forEach(c -> out.writeBytes(c.payload()));
    return out.toByteArray();
  }

  /** The average another replica would have made: the contribution moved by a fixed offset. */
  static SaeParameters someAverage(byte[] contribution) {
    SaeParameters p = SaeModel.fromBytes(contribution).parameters().copy();
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] += 0.01f * ((i % 7) - 3);
      }
    }
    return p;
  }
}
