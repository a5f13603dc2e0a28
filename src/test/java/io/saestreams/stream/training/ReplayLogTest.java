package io.saestreams.stream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayLogTest {
  private KeyValueStore<Long, byte[]> kv;
  /** The "input topic": what a fetcher reads back, by reference. */
  private final Map<InputRef, float[]> topic = new HashMap<>();
  private final AtomicInteger fetchersOpened = new AtomicInteger();
  private final List<Integer> fetchSizes = new ArrayList<>();

  @BeforeEach
  void open() {
    MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
    kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("r"), Serdes.Long(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    kv.init(ctx.getStateStoreContext(), kv);
  }

  private Supplier<SampleFetcher> fetchers() {
    return () -> {
      fetchersOpened.incrementAndGet();
      return new SampleFetcher() {
        @Override
        public List<float[]> fetch(List<InputRef> refs) {
          fetchSizes.add(refs.size());
          return refs.stream().map(topic::get).toList();
        }

        @Override
        public void close() {}
      };
    };
  }

  /** Sample i: from partition i % 3 at offset 10 i, or without a source when {@code whole}. */
  private TrainingSample sample(int i, boolean whole) {
    float[] x = {i, -i, 0.5f * i};
    InputRef ref = whole ? null : new InputRef(i % 3, 10L * i);
    if (ref != null) {
      topic.put(ref, x.clone());
    }
    return new TrainingSample("s" + i, i, x, ref);
  }

  private List<Float> replayed(ReplayLog log, long from) {
    List<Float> firsts = new ArrayList<>();
    log.replay(from, x -> firsts.add(x[0]), fetchers());
    return firsts;
  }

  private static List<Float> range(int from, int to) {
    List<Float> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add((float) i);
    }
    return l;
  }

  @Test
  void anEmptyLogReplaysNothingAndOpensNoFetcher() {
    ReplayLog log = new ReplayLog(kv);
    assertThat(log.replay(0, x -> { }, fetchers())).isEqualTo(new ReplayLog.Replayed(0, 0));
    assertThat(log.isEmpty()).isTrue();
    assertThat(fetchersOpened).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 63, 64, 65, 200})
  void referencesAreStoredInBlocksAndReplayedInOrderThroughTheFetcher(int n) {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    for (int i = 0; i < n; i++) {
      log.append(sample(i, false));
    }
    long blocks = (n + ReplayLog.BLOCK_SAMPLES - 1) / ReplayLog.BLOCK_SAMPLES;
    assertThat(kv.approximateNumEntries()).isEqualTo(blocks);
    long bytes = 0;
    try (KeyValueIterator<Long, byte[]> it = kv.all()) {
      while (it.hasNext()) {
        bytes += it.next().value.length;
      }
    }
    assertThat(bytes).as("13 bytes a sample, not its vector").isEqualTo(blocks + 13L * n);

    assertThat(replayed(new ReplayLog(kv), 0)).isEqualTo(range(0, n));
    assertThat(fetchersOpened).as("one fetcher for the whole replay").hasValue(1);
  }

  @Test
  void wholeSamplesAndReferencesReplayInAppendOrder() {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    Random r = new Random(5);
    for (int i = 0; i < 150; i++) {
      log.append(sample(i, r.nextInt(10) == 0));
    }
    assertThat(replayed(new ReplayLog(kv), 0)).isEqualTo(range(0, 150));
  }

  @Test
  void aLongReplayIsFetchedInBoundedBatches() {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    int n = 2 * ReplayLog.FETCH_BATCH + 5;
    for (int i = 0; i < n; i++) {
      log.append(sample(i, false));
    }
    assertThat(replayed(new ReplayLog(kv), 0)).isEqualTo(range(0, n));
    assertThat(fetchSizes).containsExactly(ReplayLog.FETCH_BATCH, ReplayLog.FETCH_BATCH, 5);
  }

  @Test
  void aCheckpointSealsTheOpenBlockAndReplayStartsAfterIt() {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    for (int i = 0; i < 10; i++) {
      log.append(sample(i, false));
    }
    long from = log.seal();
    assertThat(from).isEqualTo(1);
    for (int i = 10; i < 15; i++) {
      log.append(sample(i, false));
    }
    ReplayLog reopened = new ReplayLog(kv);
    assertThat(replayed(reopened, from)).isEqualTo(range(10, 15));
    assertThat(kv.get(0L)).as("blocks the checkpoint covers are dropped").isNull();
    reopened.append(sample(15, false));
    assertThat(replayed(new ReplayLog(kv), from)).as("a restored log appends to a new block")
        .isEqualTo(range(10, 16));
  }

  @Test
  void truncateForgetsEverythingAndNumberingGoesOn() {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    for (int i = 0; i < 70; i++) {
      log.append(sample(i, false));
    }
    assertThat(log.isEmpty()).isFalse();
    long from = log.seal();
    log.truncate();
    assertThat(log.isEmpty()).isTrue();
    assertThat(kv.approximateNumEntries()).isZero();
    log.append(sample(70, false));
    assertThat(kv.get(from)).isNotNull();
  }

  @Test
  void samplesGoneFromTheTopicAreSkippedAndCounted() {
    ReplayLog log = new ReplayLog(kv);
    log.replay(0, x -> { }, fetchers());
    for (int i = 0; i < 20; i++) {
      log.append(sample(i, false));
    }
    topic.remove(new InputRef(1, 10));
    topic.remove(new InputRef(1, 40));
    List<Float> seen = new ArrayList<>();
    ReplayLog.Replayed r = new ReplayLog(kv).replay(0, x -> seen.add(x[0]), fetchers());
    assertThat(r).isEqualTo(new ReplayLog.Replayed(18, 2));
    assertThat(seen).doesNotContain(1f, 4f).hasSize(18);
  }

  @Test
  void entriesOfTheFormerFormatAreReplayedAsWholeSamples() {
    // before blocks, the store held one format-1 TrainingSample per sequence number
    for (long seq = 3; seq < 6; seq++) {
      ByteBufferSample legacy = new ByteBufferSample("old" + seq, seq, new float[] {seq});
      kv.put(seq, legacy.formatOne());
    }
    ReplayLog log = new ReplayLog(kv);
    List<Float> seen = new ArrayList<>();
    log.replay(4, x -> seen.add(x[0]), fetchers());
    assertThat(seen).containsExactly(4f, 5f);
    assertThat(fetchersOpened).hasValue(0);
    log.append(sample(7, false));
    assertThat(kv.get(6L)).as("numbering goes on after the former entries").isNotNull();
  }

  @Test
  void aCorruptBlockFailsNamingIt() {
    kv.put(0L, new byte[] {3, 0, 0, 0});
    assertThatThrownBy(() -> new ReplayLog(kv).replay(0, x -> { }, fetchers()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("replay block 0 is corrupt");
    kv.put(0L, new byte[] {9});
    assertThatThrownBy(() -> new ReplayLog(kv).replay(0, x -> { }, fetchers()))
        .hasMessageContaining("format 9");
  }

  /** A sample in format 1, as written before samples carried their source. */
  private record ByteBufferSample(String id, long timestamp, float[] values) {
    byte[] formatOne() {
      byte[] idBytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 4 + idBytes.length + 8 + 4 + 4 * values.length);
      b.put((byte) 1).putInt(idBytes.length).put(idBytes).putLong(timestamp).putInt(values.length);
      for (float v : values) {
        b.putFloat(v);
      }
      return b.array();
    }
  }
}
