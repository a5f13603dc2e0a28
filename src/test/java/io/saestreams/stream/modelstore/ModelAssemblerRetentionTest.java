package io.saestreams.stream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.stream.training.ModelPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The global model store keeps the newest {@code retained} complete versions whole (for
 * data-parallel replicas restarted from a checkpoint some rounds old), each readable by its
 * number, and nothing older; with 1 it keeps the newest only, as before.
 */
class ModelAssemblerRetentionTest {
  private static final SaeConfig MODEL = SaeConfig.builder(5, 7).build();

  private static byte[] version(long v, Random rnd) {
    SaeParameters p = new SaeParameters(MODEL.inputDim(), MODEL.latentDim());
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] = (float) rnd.nextGaussian();
      }
    }
    return SaeModel.of(MODEL, p, v).toBytes();
  }

  private static KeyValueStore<String, byte[]> store() {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("m"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
  }

  /** An assembler keeping {@code retained} versions in {@code store}, as the global store's processor. */
  private static ModelAssembler assembler(KeyValueStore<String, byte[]> store, int retained) {
    MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
    store.init(ctx.getStateStoreContext(), store);
    ctx.addStateStore(store);
    ModelAssembler assembler = new ModelAssembler("m", null, retained);
    assembler.init(ctx);
    return assembler;
  }

  @ParameterizedTest(name = "retained {0}")
  @ValueSource(ints = {1, 2, 4})
  void theNewestVersionsAreKeptWholeAndOlderOnesDropped(int retained) {
    KeyValueStore<String, byte[]> store = store();
    ModelAssembler assembler = assembler(store, retained);
    Random rnd = new Random(retained);
    List<byte[]> published = new ArrayList<>();
    published.add(null);
    for (long v = 1; v <= 7; v++) {
      byte[] bytes = version(v, rnd);
      published.add(bytes);
      // small chunks: a version is complete only with its last chunk
      ModelPublisher.chunks(SaeModel.fromBytes(bytes), 100, 0, v).forEach(assembler::accept);
      assertThat(ModelStoreLayout.latestVersion(store)).isEqualTo(v);
      for (long w = 1; w <= v + 1; w++) {
        byte[] expected = w <= v && w > v - retained ? published.get((int) w) : null;
        assertThat(ModelStoreLayout.model(store, w)).as("version %d after %d", w, v).isEqualTo(expected);
      }
      List<String> kept = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = store.all()) {
        it.forEachRemaining((KeyValue<String, byte[]> kv) -> kept.add(kv.key));
      }
      // the newest version, its number, and the older versions kept: no chunk, no metadata
      assertThat(kept).hasSize(2 + (retained == 1 ? 0 : (int) Math.min(v, retained)));
    }
  }

  /**
   * A global store rebuilt at a restart from the model topic after compaction (the newest record
   * of each key, in offset order), keyed as the data-parallel aggregator keys it, still holds the
   * newest {@code retained} versions whole: what a restarted replica takes again.
   */
  @ParameterizedTest(name = "retained {0}")
  @ValueSource(ints = {2, 3, 4})
  void aStoreRebuiltFromTheCompactedTopicKeepsTheNewestVersions(int retained) {
    Random rnd = new Random(31 + retained);
    List<byte[]> published = new ArrayList<>();
    published.add(null);
    // the topic in offset order: key and chunk
    List<java.util.Map.Entry<String, io.saestreams.avro.ModelChunk>> topic = new ArrayList<>();
    int versions = 9;
    for (long v = 1; v <= versions; v++) {
      byte[] bytes = version(v, rnd);
      published.add(bytes);
      for (io.saestreams.avro.ModelChunk c : ModelPublisher.chunks(SaeModel.fromBytes(bytes), 100, 0, v)) {
        topic.add(java.util.Map.entry(
            io.saestreams.stream.sync.SyncAggregator.modelKey(v, c.getChunkIndex(), retained), c));
      }
    }
    java.util.Map<String, Integer> newest = new java.util.HashMap<>();
    for (int i = 0; i < topic.size(); i++) {
      newest.put(topic.get(i).getKey(), i);
    }
    KeyValueStore<String, byte[]> store = store();
    ModelAssembler assembler = assembler(store, retained);
    for (int i = 0; i < topic.size(); i++) {
      if (newest.get(topic.get(i).getKey()) == i) {
        assembler.accept(topic.get(i).getValue());
      }
    }
    assertThat(ModelStoreLayout.latestVersion(store)).isEqualTo(versions);
    for (long v = 1; v <= versions; v++) {
      byte[] expected = v > versions - retained ? published.get((int) v) : null;
      assertThat(ModelStoreLayout.model(store, v)).as("version %d", v).isEqualTo(expected);
    }
  }
}
