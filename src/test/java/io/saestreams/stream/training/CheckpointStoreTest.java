package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckpointStoreTest {
  private KeyValueStore<String, byte[]> kv;

  @BeforeEach
  void open() {
    MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
    kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("c"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    kv.init(ctx.getStateStoreContext(), kv);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void emptyStoreHasNoCheckpoint() {
    assertThat(new CheckpointStore(kv, 10).load()).isEmpty();
  }

  @Test
  void roundTripsThroughAlternatingSlotsAndDropsStaleChunks() {
    CheckpointStore store = new CheckpointStore(kv, 10);
    byte[] big = random(95, 1);
    store.save(big, 7, 40);
    assertThat(store.load()).get().satisfies(c -> {
      assertThat(c.bytes()).isEqualTo(big);
      assertThat(c.steps()).isEqualTo(7);
      assertThat(c.replayFrom()).isEqualTo(40);
    });
    assertThat(kv.get(CheckpointStore.chunkKey(0, 9))).isNotNull();
    byte[] small = random(25, 2);
    store.save(small, 8, 41);
    assertThat(store.load().orElseThrow().bytes()).isEqualTo(small);
    assertThat(kv.get(CheckpointStore.chunkKey(0, 0))).as("previous checkpoint kept until overwritten").isNotNull();
    byte[] third = random(12, 3);
    store.save(third, 9, 42);
    assertThat(store.load().orElseThrow().bytes()).isEqualTo(third);
    assertThat(kv.get(CheckpointStore.chunkKey(0, 2))).as("stale chunks of the reused slot deleted").isNull();
  }

  @Test
  void emptyCheckpointRoundTrips() {
    CheckpointStore store = new CheckpointStore(kv, 10);
    store.save(new byte[0], 0, 0);
    assertThat(store.load().orElseThrow().bytes()).isEmpty();
  }

  @Test
  void corruptOrMissingChunksAreDetected() {
    CheckpointStore store = new CheckpointStore(kv, 10);
    store.save(random(30, 4), 1, 1);
    byte[] chunk = kv.get(CheckpointStore.chunkKey(0, 1));
    chunk[3] ^= 1;
    kv.put(CheckpointStore.chunkKey(0, 1), chunk);
    assertThatThrownBy(store::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("CRC-32");
    kv.delete(CheckpointStore.chunkKey(0, 2));
    assertThatThrownBy(store::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("missing chunk 2");
  }
}
