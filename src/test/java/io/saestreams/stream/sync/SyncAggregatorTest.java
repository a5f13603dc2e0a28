package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.avro.ModelChunk;
import io.saestreams.model.InputNormaliser;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.stream.RecordingMetrics;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.train.ParameterAverage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The aggregator alone: contributions in any order, duplicates, idle replicas, corrupt input. */
class SyncAggregatorTest {
  private static final int D = 6;
  private static final int N = 10;
  private static final int CHUNK = 300;
  private static final SaeConfig CONFIG = SaeConfig.builder(D, N).build();

  private final RecordingMetrics metrics = new RecordingMetrics();
  private MockProcessorContext<String, ModelChunk> context;
  private SyncAggregator aggregator;
  private SyncContributions updater;
  private KeyValueStore<String, byte[]> state;
  private KeyValueStore<String, byte[]> contributions;
  private int keptVersions;
  /** Forwards already looped back to the sync topic's processors (the tombstones' round trip). */
  private int looped;

  private void open() {
    open(1);
  }

  private void open(int keptVersions) {
    this.keptVersions = keptVersions;
    state = store(SyncAggregator.STORE);
    contributions = store(SyncContributions.STORE);
    restart();
  }

  private static KeyValueStore<String, byte[]> store(String name) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
  }

  /**
   * A new aggregator and updater over the same stores, as after a restart whose restore gave the
   * stores back as they were (a new context: what the old one forwarded is gone).
   */
  private void restart() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000L);
    looped = 0;
    for (KeyValueStore<String, byte[]> s : List.of(state, contributions)) {
      if (!s.isOpen()) {
        s.init(context.getStateStoreContext(), s);
      }
      context.addStateStore(s);
    }
    MockProcessorContext<Void, Void> updaterContext = new MockProcessorContext<>();
    updaterContext.addStateStore(contributions);
    updater = new SyncContributions();
    updater.init(updaterContext);
    aggregator = new SyncAggregator(CHUNK, keptVersions, metrics);
    aggregator.init(context);
  }
  @org.junit.jupiter.params.ParameterizedTest(name = "kept versions {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3})
  void theModelTopicsKeysLetCompactionKeepTheNewestVersions(int kept) {
    open(kept);
    Random r = new Random(kept);
    for (long round = 0; round < 5; round++) {
      send(contribution(round, 0, 1, 4, random(r)));
    }
    java.util.Map<String, Long> newestByKey = new java.util.HashMap<>();
    int chunks = 0;
    for (var f : modelForwards()) {
      ModelChunk c = f.record().value();
      String expected = kept == 1 ? Integer.toString(c.getChunkIndex())
          : (c.getModelVersion() % kept) + "/" + c.getChunkIndex();
      assertThat(f.record().key()).isEqualTo(expected);
      newestByKey.put(f.record().key(), c.getModelVersion());
      chunks = Math.max(chunks, c.getChunkCount());
    }
    assertThat(chunks).isGreaterThan(1);
    // what compaction leaves: the newest record of each key, that is every chunk of the newest versions
    assertThat(new java.util.TreeSet<>(newestByKey.values()))
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(5 - kept + 1, 5).boxed().toList());
  }

  private static SaeParameters random(Random r) {
    SaeParameters p = new SaeParameters(D, N);
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] = (float) r.nextGaussian();
      }
    }
    p.inferenceThreshold = r.nextFloat();
    return p;
  }

  /** A replica's contribution to a round, chunked as the replica does. */
  private static List<SyncChunk> contribution(long round, int partition, int partitions, long samples,
      SaeParameters p) {
    return contribution(round, partition, partitions, samples, p, null);
  }

  /** The same with the replica's input statistics in the model (null: input normalisation off). */
  private static List<SyncChunk> contribution(long round, int partition, int partitions, long samples,
      SaeParameters p, InputNormaliser statistics) {
    byte[] bytes = SaeModel.of(CONFIG, p, round + 1, statistics).toBytes();
    List<byte[]> parts = Chunks.split(bytes, CHUNK);
    List<SyncChunk> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      out.add(new SyncChunk(round, partition, partitions, samples, 10L * (partition + 1), i, parts.size(),
          bytes.length, Chunks.crc32(bytes), parts.get(i)));
    }
    return out;
  }

  private static float[] rows(Random r, int rows, double shift) {
    float[] x = new float[rows * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (shift + r.nextGaussian());
    }
    return x;
  }

  /**
   * With input normalisation each replica contributes its statistics (the last merge plus its own
   * samples) and the average carries their merge: over two rounds of two replicas, the published
   * statistics count every sample once and have the mean of all of them — which needs the
   * aggregator to remember the previous merge (replica 1's statistics include replica 0's samples
   * of round 0 after it adopted the average).
   */
  @Test
  void withInputNormalisationTheAverageCarriesTheMergedStatisticsOfEverySample() {
    open();
    Random r = new Random(9);
    float[] a0 = rows(r, 5, 1.0);
    float[] b0 = rows(r, 3, -2.0);
    float[] a1 = rows(r, 4, 0.5);
    float[] b1 = rows(r, 6, 3.0);
    InputNormaliser replica0 = new InputNormaliser(D);
    InputNormaliser replica1 = new InputNormaliser(D);
    replica0.update(a0, 5);
    replica1.update(b0, 3);
    send(contribution(0, 0, 2, 5, random(r), replica0));
    send(contribution(0, 1, 2, 3, random(r), replica1));
    InputNormaliser round0 = published().get(0).normaliser();
    assertThat(round0.count()).isEqualTo(8);
    // both replicas take the merged statistics and go on
    replica0 = round0.copy();
    replica1 = round0.copy();
    replica0.update(a1, 4);
    replica1.update(b1, 6);
    context.resetForwards();
    send(contribution(1, 1, 2, 6, random(r), replica1));
    send(contribution(1, 0, 2, 4, random(r), replica0));
    InputNormaliser round1 = published().get(0).normaliser();
    assertThat(round1.count()).isEqualTo(18);
    double[] mean = new double[D];
    for (float[] x : List.of(a0, b0, a1, b1)) {
      for (int i = 0; i < x.length; i++) {
        mean[i % D] += x[i] / 18.0;
      }
    }
    for (int i = 0; i < D; i++) {
      assertThat((double) round1.mean()[i]).as("mean %d", i).isCloseTo(mean[i], within(1e-5));
    }
    assertThat(round1).isEqualTo(InputNormaliser.merge(round0, List.of(replica0, replica1)));
  }

  @Test
  void replicasThatDisagreeOnInputNormalisationFailTheTask() {
    open();
    Random r = new Random(4);
    InputNormaliser stats = new InputNormaliser(D);
    stats.update(rows(r, 2, 0), 2);
    send(contribution(0, 0, 2, 2, random(r), stats));
    assertThatThrownBy(() -> send(contribution(0, 1, 2, 2, random(r))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("disagree on input normalisation");
  }

  /**
   * Sends chunks through the sync topic's two processors, as the topology does (the updater first),
   * and loops the tombstones the aggregator writes to the sync topic back through them.
   */
  private void send(List<SyncChunk> chunks) {
    for (SyncChunk c : chunks) {
      deliver(new Record<>(SyncAggregator.chunkKey(c.round(), c.partition(), c.chunkIndex()), c.toBytes(), 1_000L));
    }
  }

  private void deliver(Record<String, byte[]> record) {
    updater.process(record);
    aggregator.process(record);
    List<MockProcessorContext.CapturedForward<? extends String, ? extends ModelChunk>> all = context.forwarded();
    while (looped < all.size()) {
      var f = all.get(looped++);
      if (SyncAggregator.TOMBSTONE_SINK.equals(f.childName().orElse(null))) {
        assertThat(f.record().value()).isNull();
        Record<String, byte[]> tombstone = new Record<>(f.record().key(), null, f.record().timestamp());
        updater.process(tombstone);
        aggregator.process(tombstone);
      }
    }
  }

  private List<MockProcessorContext.CapturedForward<? extends String, ? extends ModelChunk>> modelForwards() {
    return context.forwarded().stream()
        .filter(f -> SyncAggregator.MODEL_SINK.equals(f.childName().orElse(null))).toList();
  }

  private List<String> tombstones() {
    return context.forwarded().stream()
        .filter(f -> SyncAggregator.TOMBSTONE_SINK.equals(f.childName().orElse(null)))
        .<String>map(f -> f.record().key()).toList();
  }

  private List<String> storedChunks() {
    List<String> keys = new ArrayList<>();
    try (var it = contributions.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  /** The versions forwarded so far, reassembled, in order. */
  private List<SaeModel> published() {
    List<SaeModel> out = new ArrayList<>();
    List<ModelChunk> chunks = modelForwards().stream().<ModelChunk>map(f -> f.record().value()).toList();
    long version = -1;
    List<byte[]> parts = new ArrayList<>();
    for (ModelChunk c : chunks) {
      if (c.getModelVersion() != version && !parts.isEmpty()) {
        out.add(SaeModel.fromBytes(Chunks.join(parts)));
        parts.clear();
      }
      version = c.getModelVersion();
      ByteBuffer b = c.getPayload().duplicate();
      byte[] a = new byte[b.remaining()];
      b.get(a);
      parts.add(a);
    }
    if (!parts.isEmpty()) {
      out.add(SaeModel.fromBytes(Chunks.join(parts)));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void theAverageDependsOnTheContributionsNotOnTheOrderTheirChunksArriveIn(long seed) {
    Random r = new Random(seed);
    int partitions = 3;
    List<SaeParameters> params = new ArrayList<>();
    long[] weights = {64, 0, 17};
    List<SyncChunk> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      params.add(random(r));
      all.addAll(contribution(0, p, partitions, weights[p], params.get(p)));
    }
    SaeParameters expected = ParameterAverage.ofRound(CONFIG, params, weights);

    open();
    send(all);
    byte[] inOrder = SaeModel.of(CONFIG, published().get(0).parameters(), 1).toBytes();

    List<SyncChunk> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, r);
    open();
    send(shuffled);
    List<SaeModel> versions = published();
    assertThat(versions).hasSize(1);
    assertThat(versions.get(0).version()).isEqualTo(1);
    assertThat(versions.get(0).toBytes()).isEqualTo(inOrder);
    assertThat(versions.get(0).toBytes()).isEqualTo(SaeModel.of(CONFIG, expected, 1).toBytes());
    assertThat(metrics.syncAggregated).endsWith("3/2");
    // the model topic's chunks carry the replicas' summed steps
    assertThat(modelForwards().get(0).record().value().getTrainingSteps()).isEqualTo(10 + 20 + 30);
  }

  @Test
  void nothingIsPublishedUntilEveryReplicaContributedAndADuplicateChangesNothing() {
    open();
    Random r = new Random(9);
    SaeParameters a = random(r);
    SaeParameters b = random(r);
    send(contribution(0, 1, 2, 8, b));
    send(contribution(0, 1, 2, 8, b));
    assertThat(context.forwarded()).isEmpty();
    assertThat(context.committed()).as("nothing to commit early").isFalse();
    send(contribution(0, 0, 2, 8, a));
    assertThat(published()).hasSize(1);
    assertThat(context.committed()).as("every replica waits for the version: committed at once").isTrue();
    int forwarded = modelForwards().size();
    int deleted = tombstones().size();
    // a contribution sent again after its round was averaged (a replica replaying after a crash
    // whose first sending had committed) publishes nothing, and is deleted again
    List<SyncChunk> again = contribution(0, 0, 2, 8, a);
    send(again);
    assertThat(modelForwards()).hasSize(forwarded);
    assertThat(tombstones()).hasSize(deleted + again.size());
    assertThat(storedChunks()).isEmpty();
    assertThat(aggregator.nextRound()).isEqualTo(1);

    // round 1: replica 0 idle (weight 0, still the average), replica 1 trained
    SaeParameters avg = published().get(0).parameters();
    SaeParameters b1 = random(r);
    send(contribution(1, 0, 2, 0, avg));
    send(contribution(1, 1, 2, 5, b1));
    List<SaeModel> versions = published();
    assertThat(versions).extracting(SaeModel::version).containsExactly(1L, 2L);
    assertThat(versions.get(1).toBytes())
        .isEqualTo(SaeModel.of(CONFIG, ParameterAverage.ofRound(CONFIG, List.of(avg, b1), new long[] {0, 5}), 2)
            .toBytes());
    assertThat(metrics.syncAggregated).containsExactly("2/2", "2/1");
  }

  @Test
  void eachContributionsLagBehindItsRoundsFirstIsReportedPerPartition() {
    open();
    Random r = new Random(21);
    SaeParameters a = random(r);
    SaeParameters b = random(r);
    SaeParameters c = random(r);
    // round 0: partition 2 first at 1,000 ms, partition 0 at 1,250, partition 1 last at 2,000
    send(contribution(0, 2, 3, 8, c));
    context.setCurrentSystemTimeMs(1_250L);
    send(contribution(0, 0, 3, 8, a));
    context.setCurrentSystemTimeMs(2_000L);
    send(contribution(0, 1, 3, 8, b));
    assertThat(published()).hasSize(1);
    // round 1: measured from its own first contribution
    context.setCurrentSystemTimeMs(2_100L);
    send(contribution(1, 2, 3, 8, c));
    context.setCurrentSystemTimeMs(2_500L);
    send(contribution(1, 1, 3, 8, b));
    // a duplicate of a complete contribution is not counted again
    context.setCurrentSystemTimeMs(2_600L);
    send(contribution(1, 1, 3, 8, b));
    assertThat(metrics.syncContributed).containsExactly("2@0", "0@250", "1@1000", "2@0", "1@400");
  }

  @Test
  void whenEveryReplicaIsIdleTheAverageIsTheirCommonParameters() {
    open();
    SaeParameters same = random(new Random(4));
    send(contribution(0, 1, 2, 0, same));
    send(contribution(0, 0, 2, 0, same));
    assertThat(published().get(0).toBytes())
        .isEqualTo(SaeModel.of(CONFIG, ParameterAverage.ofRound(CONFIG, List.of(same, same), new long[2]), 1).toBytes());
  }

  @Test
  void aContributionThatFailsItsChecksumFailsTheTask() {
    open();
    List<SyncChunk> bad = new ArrayList<>(contribution(0, 0, 1, 8, random(new Random(5))));
    SyncChunk last = bad.remove(bad.size() - 1);
    byte[] flipped = last.payload().clone();
    flipped[0] ^= 1;
    bad.add(new SyncChunk(last.round(), last.partition(), last.partitions(), last.samples(), last.steps(),
        last.chunkIndex(), last.chunkCount(), last.totalBytes(), last.checksum(), flipped));
    bad.sort(Comparator.comparingInt(SyncChunk::chunkIndex));
    assertThatThrownBy(() -> send(bad)).isInstanceOf(IllegalStateException.class).hasMessageContaining("CRC-32");
  }

  @Test
  void theChunkFormatRoundTripsAndRejectsGarbage() {
    SyncChunk c = contribution(3, 2, 4, 99, random(new Random(6))).get(0);
    SyncChunk back = SyncChunk.fromBytes(c.toBytes());
    assertThat(back.round()).isEqualTo(3);
    assertThat(back.partition()).isEqualTo(2);
    assertThat(back.partitions()).isEqualTo(4);
    assertThat(back.samples()).isEqualTo(99);
    assertThat(back.payload()).isEqualTo(c.payload());
    assertThatThrownBy(() -> SyncChunk.fromBytes(new byte[] {9, 1, 2}))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    byte[] truncated = java.util.Arrays.copyOf(c.toBytes(), 20);
    assertThatThrownBy(() -> SyncChunk.fromBytes(truncated))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
  }

  /**
   * The contributions are kept once, in the store whose changelog is the sync topic: an averaged
   * round's chunks leave the store and get a tombstone each on the topic, in the transaction of
   * the version; a later round's chunks stay.
   */
  @Test
  void anAveragedRoundIsDeletedFromTheStoreAndFromTheSyncTopic() {
    open();
    Random r = new Random(31);
    List<SyncChunk> round0 = new ArrayList<>(contribution(0, 0, 2, 8, random(r)));
    round0.addAll(contribution(0, 1, 2, 8, random(r)));
    List<SyncChunk> early = contribution(1, 1, 2, 8, random(r));
    send(round0.subList(0, round0.size() - 1));
    send(early);
    assertThat(storedChunks()).hasSize(round0.size() - 1 + early.size());
    send(round0.subList(round0.size() - 1, round0.size()));
    assertThat(published()).hasSize(1);
    assertThat(tombstones()).containsExactlyInAnyOrderElementsOf(
        round0.stream().map(c -> SyncAggregator.chunkKey(c.round(), c.partition(), c.chunkIndex())).toList());
    assertThat(storedChunks()).as("round 1's early contribution is kept")
        .containsExactlyElementsOf(
            early.stream().map(c -> SyncAggregator.chunkKey(c.round(), c.partition(), c.chunkIndex())).toList());
    assertThat(context.committed()).isTrue();
  }

  /**
   * A restart in the middle of a round goes on from what the restore gives back (the next round
   * in the aggregator's state, the round's chunks in the contributions store) and publishes what
   * an uninterrupted aggregator publishes. A chunk of an averaged round that a restore brought
   * back without its tombstone is dropped at start.
   */
  @Test
  void aRestartMidRoundPublishesWhatAnUninterruptedAggregatorPublishes() {
    Random r = new Random(32);
    List<List<SyncChunk>> round0 = List.of(contribution(0, 0, 3, 5, random(r)), contribution(0, 1, 3, 7, random(r)),
        contribution(0, 2, 3, 2, random(r)));
    List<List<SyncChunk>> round1 = List.of(contribution(1, 2, 3, 4, random(r)), contribution(1, 0, 3, 6, random(r)),
        contribution(1, 1, 3, 1, random(r)));
    open();
    round0.forEach(this::send);
    round1.forEach(this::send);
    List<byte[]> uninterrupted = published().stream().map(SaeModel::toBytes).toList();
    assertThat(uninterrupted).hasSize(2);

    open();
    round0.forEach(this::send);
    send(round1.get(0));
    send(round1.get(1).subList(0, 1));
    // what a restore may give back: a chunk of round 0 read before its tombstone was compacted away
    SyncChunk stale = round0.get(1).get(0);
    contributions.put(SyncAggregator.chunkKey(0, 1, 0), stale.toBytes());
    restart();
    assertThat(storedChunks()).as("the stale chunk is gone, round 1's are kept")
        .noneMatch(k -> k.startsWith(SyncAggregator.chunkKey(0, 0, 0).substring(0, 23)))
        .hasSize(round1.get(0).size() + 1);
    assertThat(aggregator.nextRound()).isEqualTo(1);
    // the task reprocesses from its committed offset: replica 0's chunks come again, then the rest
    send(round1.get(1));
    send(round1.get(2));
    assertThat(published()).extracting(SaeModel::toBytes).containsExactly(uninterrupted.get(1));
  }

  @Test
  void aChunkUnderAnotherKeyOrMissingFromTheStoreFailsTheTask() {
    open();
    SyncChunk c = contribution(0, 0, 1, 8, random(new Random(33))).get(0);
    Record<String, byte[]> wrongKey = new Record<>("0", c.toBytes(), 1L);
    updater.process(wrongKey);
    assertThatThrownBy(() -> aggregator.process(wrongKey)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("under the key 0");
    Record<String, byte[]> notStored = new Record<>(SyncAggregator.chunkKey(0, 0, 0), c.toBytes(), 1L);
    assertThatThrownBy(() -> aggregator.process(notStored)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must come before the aggregator");
    // a replica outside the group, or a chunk outside its contribution, is named as such
    SyncChunk outside = new SyncChunk(0, 3, 2, 8, 1, 0, 1, 4, 0, new byte[4]);
    Record<String, byte[]> bad = new Record<>("x", outside.toBytes(), 1L);
    updater.process(bad);
    assertThatThrownBy(() -> aggregator.process(bad)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inconsistent: partition 3 of 2");
    SyncChunk negative = new SyncChunk(0, 0, 1, 8, 1, -1, 1, 4, 0, new byte[4]);
    Record<String, byte[]> worse = new Record<>("y", negative.toBytes(), 1L);
    updater.process(worse);
    assertThatThrownBy(() -> aggregator.process(worse)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inconsistent: chunk -1 of 1");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 7, 42, 1_000_000_007L, Long.MAX_VALUE})
  void keysAreZeroPaddedAsBeforeSoTheySortAsNumbers(long n) {
    assertThat(SyncAggregator.zeroPadded(n, 20)).isEqualTo(String.format(java.util.Locale.ROOT, "%020d", n));
    if (n <= Integer.MAX_VALUE) {
      assertThat(SyncAggregator.zeroPadded(n, 10)).isEqualTo(String.format(java.util.Locale.ROOT, "%010d", n));
    }
    assertThat(SyncAggregator.chunkKey(n, 3, 12)).isEqualTo(
        "c/" + String.format(java.util.Locale.ROOT, "%020d", n) + "/0000000003/0000000012");
    assertThatThrownBy(() -> SyncAggregator.zeroPadded(-1, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}

