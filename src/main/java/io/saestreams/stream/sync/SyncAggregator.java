package io.saestreams.stream.sync;

import io.saestreams.avro.ModelChunk;
import io.saestreams.metrics.SaeMetricsSink;
import io.saestreams.model.InputNormaliser;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.stream.modelstore.Chunks;
import io.saestreams.stream.training.ModelPublisher;
import io.saestreams.train.ParameterAverage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one aggregator of data-parallel training (a task of its own on the single-partition sync
 * topic): collects the replicas' contributions to each round and, once every replica has
 * contributed, publishes their sample-weighted average ({@link ParameterAverage}, in partition
 * order) as model version {@code round + 1}.
 *
 * <p>The contributions are kept once: in the store of {@link SyncContributions}, whose changelog is
 * the compacted sync topic itself (chunk {@code i} of replica {@code p}'s contribution to round
 * {@code r} under {@link #chunkKey}). Once a round is averaged, the aggregator deletes its chunks
 * and writes their tombstones to the sync topic in the same transaction as the model version, so
 * that compaction and a restore forget them. Its own state, changelogged, is small: the next round
 * to publish ({@value #NEXT_ROUND}) and, with input normalisation, the statistics merged so far. A
 * chunk of a round already published (a contribution trained again after a crash whose first
 * sending was committed) is deleted the same way. A contribution whose chunks disagree on their
 * header, or whose reassembled bytes fail their length or CRC-32 check, fails the task: it can only
 * come from a bug, and averaging without it would stall or bias every later round.
 */
public final class SyncAggregator implements Processor<String, byte[], String, ModelChunk> {
  /** The aggregator's own state: the next round to publish and the merged input statistics. */
  public static final String STORE = "sync-aggregator";
  /** The child the averaged model versions go to (the model topic's sink). */
  public static final String MODEL_SINK = "model-sink";
  /** The child the tombstones of averaged rounds go to (the sync topic's sink). */
  public static final String TOMBSTONE_SINK = "sync-tombstones";
  static final String NEXT_ROUND = "next-round";
  /** With input normalisation: the replicas' input statistics merged at the last round's end. */
  static final String STATISTICS = "statistics";

  private static final Logger LOG = LoggerFactory.getLogger(SyncAggregator.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final int chunkBytes;
  /** Versions the compacted model topic keeps (train.sync.checkpoint.rounds): its keys' slots. */
  private final int keptVersions;
  private final SaeMetricsSink metrics;
  /**
   * Wall-clock time at which each round not yet averaged had its first complete contribution, in
   * this run (for {@link SaeMetricsSink#syncContributed} only: not state, so not restored).
   */
  private final NavigableMap<Long, Long> firstContribution = new TreeMap<>();
  /** The replicas whose complete contribution to each round was reported, in this run (metrics only). */
  private final NavigableMap<Long, BitSet> reported = new TreeMap<>();
  private ProcessorContext<String, ModelChunk> context;
  private KeyValueStore<String, byte[]> state;
  private KeyValueStore<String, byte[]> contributions;

  /**
   * @param keptVersions newest versions the compacted model topic must keep for replicas restarted
   *     from a checkpoint some rounds old: with more than 1, version v's chunk i is keyed {@code
   *     <v mod keptVersions>/<i>}, so that compaction keeps that many versions; with 1, {@code <i>}
   */
  public SyncAggregator(int chunkBytes, int keptVersions, SaeMetricsSink metrics) {
    if (keptVersions < 1) {
      throw new IllegalArgumentException("kept versions must be >= 1, got " + keptVersions);
    }
    this.chunkBytes = chunkBytes;
    this.keptVersions = keptVersions;
    this.metrics = metrics;
  }

  /** The model topic's key of chunk {@code index} of {@code version}. */
  public static String modelKey(long version, int index, int keptVersions) {
    return keptVersions == 1 ? Integer.toString(index) : (version % keptVersions) + "/" + index;
  }

  @Override
  public void init(ProcessorContext<String, ModelChunk> context) {
    this.context = context;
    this.state = context.getStateStore(STORE);
    this.contributions = context.getStateStore(SyncContributions.STORE);
    // a restore that read a chunk of an averaged round but not its tombstone (compaction removed
    // it meanwhile) leaves it here; its tombstone is on the topic, so forgetting it is enough
    int stale = 0;
    for (String key : keysBefore(nextRound())) {
      contributions.delete(key);
      stale++;
    }
    if (stale > 0) {
      LOG.debug("dropped {} stored chunks of rounds already averaged", stale);
    }
  }

  private static String round(long r) {
    return zeroPadded(r, 20) + "/";
  }

  private static String part(int p) {
    return zeroPadded(p, 10);
  }

  /** {@code n} (not negative) in decimal with leading zeros to {@code width} digits, so that keys sort as numbers. */
  static String zeroPadded(long n, int width) {
    if (n < 0) {
      throw new IllegalArgumentException("a round, replica or chunk cannot be negative: " + n);
    }
    String digits = Long.toString(n);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** The sync topic's key (and the contributions store's) of chunk {@code i} of replica {@code p}'s contribution to round {@code r}. */
  public static String chunkKey(long r, int p, int i) {
    return "c/" + round(r) + part(p) + "/" + part(i);
  }

  private static String contributionPrefix(long r, int p) {
    return "c/" + round(r) + part(p) + "/";
  }

  long nextRound() {
    byte[] b = state.get(NEXT_ROUND);
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || record.key() == null) {
      return; // a tombstone of an averaged round, back from the topic
    }
    SyncChunk c = SyncChunk.headerOf(record.value());
    long next = nextRound();
    if (c.round() < next) {
      LOG.debug("dropping chunk {} of replica {}'s contribution to round {}: already averaged", c.chunkIndex(),
          c.partition(), c.round());
      forget(record.key(), record.timestamp());
      return;
    }
    String problem = problem(c);
    if (problem != null) {
      throw new IllegalStateException("replica " + c.partition() + "'s contribution to round " + c.round()
          + " is inconsistent: " + problem);
    }
    String key = chunkKey(c.round(), c.partition(), c.chunkIndex());
    if (!key.equals(record.key())) {
      throw new IllegalStateException("a chunk of replica " + c.partition() + "'s contribution to round " + c.round()
          + " came under the key " + record.key() + " instead of " + key);
    }
    if (c.round() > next) {
      LOG.warn("replica {} contributes to round {} while round {} is not averaged yet; keeping it for later",
          c.partition(), c.round(), next);
    }
    if (contributions.get(key) == null) {
      throw new IllegalStateException("chunk " + key + " is not in the store " + SyncContributions.STORE
          + ": its updater must come before the aggregator among the sync topic's processors");
    }
    if (storedChunksLike(c) == c.chunkCount()) {
      BitSet seen = reported.computeIfAbsent(c.round(), r -> new BitSet());
      if (!seen.get(c.partition())) {
        seen.set(c.partition());
        LOG.debug("round {}: replica {}'s contribution is complete ({} samples)", c.round(), c.partition(),
            c.samples());
        long now = context.currentSystemTimeMs();
        metrics.syncContributed(c.partition(), now - firstContribution.computeIfAbsent(c.round(), r -> now));
      }
      tryAverage(record.timestamp());
    }
  }

  private static String problem(SyncChunk c) {
    if (c.partitions() < 1 || c.partition() < 0 || c.partition() >= c.partitions()) {
      return "partition " + c.partition() + " of " + c.partitions();
    }
    if (c.chunkCount() < 1 || c.chunkIndex() < 0 || c.chunkIndex() >= c.chunkCount()) {
      return "chunk " + c.chunkIndex() + " of " + c.chunkCount();
    }
    if (c.samples() < 0 || c.totalBytes() < 0) {
      return "negative samples or length";
    }
    return null;
  }

  /** Whether two chunks of one replica's contribution to one round agree on what the whole contribution is. */
  private static boolean sameContribution(SyncChunk a, SyncChunk b) {
    return a.round() == b.round() && a.partition() == b.partition() && a.partitions() == b.partitions()
        && a.samples() == b.samples() && a.steps() == b.steps() && a.chunkCount() == b.chunkCount()
        && a.totalBytes() == b.totalBytes() && a.checksum() == b.checksum();
  }

  /**
   * How many chunks of the contribution {@code like} is a chunk of are stored, each checked to
   * agree with it on the contribution's header.
   */
  private int storedChunksLike(SyncChunk like) {
    int have = 0;
    try (KeyValueIterator<String, byte[]> it =
        contributions.prefixScan(contributionPrefix(like.round(), like.partition()), KEYS)) {
      while (it.hasNext()) {
        SyncChunk other = SyncChunk.headerOf(it.next().value);
        if (!sameContribution(like, other)) {
          throw new IllegalStateException("replica " + like.partition() + "'s contribution to round " + like.round()
              + ": chunk " + like.chunkIndex() + " disagrees with chunk " + other.chunkIndex() + " on its header");
        }
        have++;
      }
    }
    return have;
  }

  /** The first stored chunk whose key starts with {@code prefix}, or null. */
  private SyncChunk firstChunk(String prefix) {
    try (KeyValueIterator<String, byte[]> it = contributions.prefixScan(prefix, KEYS)) {
      return it.hasNext() ? SyncChunk.headerOf(it.next().value) : null;
    }
  }

  /** Whether every chunk of replica {@code p}'s contribution to round {@code r} is stored. */
  private boolean complete(long r, int p) {
    SyncChunk first = firstChunk(contributionPrefix(r, p));
    return first != null && storedChunksLike(first) == first.chunkCount();
  }

  /** Averages the next round (and any later one already complete) once all its replicas contributed. */
  private void tryAverage(long timestamp) {
    while (true) {
      long r = nextRound();
      SyncChunk any = firstChunk("c/" + round(r));
      if (any == null) {
        return;
      }
      int partitions = any.partitions();
      for (int p = 0; p < partitions; p++) {
        if (!complete(r, p)) {
          return;
        }
      }
      average(r, partitions, timestamp);
      firstContribution.headMap(r, true).clear();
      reported.headMap(r, true).clear();
    }
  }

  private void average(long r, int partitions, long timestamp) {
    List<SaeParameters> params = new ArrayList<>(partitions);
    long[] weights = new long[partitions];
    long steps = 0;
    int trained = 0;
    SaeModel firstModel = null;
    List<InputNormaliser> statistics = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      byte[] firstBytes = contributions.get(chunkKey(r, p, 0));
      if (firstBytes == null) {
        throw new IllegalStateException("round " + r + " lacks replica " + p + "'s contribution although "
            + partitions + " are complete; replicas disagree on the number of partitions");
      }
      SyncChunk head = SyncChunk.headerOf(firstBytes);
      if (head.partitions() != partitions) {
        throw new IllegalStateException("replicas disagree on the number of partitions in round " + r + ": "
            + partitions + " and " + head.partitions());
      }
      List<byte[]> parts = new ArrayList<>(head.chunkCount());
      for (int i = 0; i < head.chunkCount(); i++) {
        byte[] stored = contributions.get(chunkKey(r, p, i));
        if (stored == null) {
          throw new IllegalStateException("replica " + p + "'s contribution to round " + r + " lacks chunk " + i
              + " of " + head.chunkCount());
        }
        SyncChunk chunk = SyncChunk.fromBytes(stored);
        if (!sameContribution(head, chunk)) {
          throw new IllegalStateException("replica " + p + "'s contribution to round " + r + ": chunk " + i
              + " disagrees with chunk 0 on its header");
        }
        parts.add(chunk.payload());
      }
      byte[] bytes = Chunks.join(parts);
      if (bytes.length != head.totalBytes() || Chunks.crc32(bytes) != head.checksum()) {
        throw new IllegalStateException("replica " + p + "'s contribution to round " + r + " reassembles to "
            + bytes.length + " bytes with CRC-32 " + Chunks.crc32(bytes) + ", announced " + head.totalBytes()
            + " bytes with CRC-32 " + head.checksum());
      }
      SaeModel m = SaeModel.fromBytes(bytes);
      if (firstModel == null) {
        firstModel = m;
      }
      params.add(m.parameters());
      if ((m.normaliser() == null) != (firstModel.normaliser() == null)) {
        throw new IllegalStateException("replicas disagree on input normalisation in round " + r
            + ": replica " + p + (m.normaliser() == null ? " does not normalise" : " normalises")
            + " and replica 0 " + (firstModel.normaliser() == null ? "does not" : "does"));
      }
      if (m.normaliser() != null) {
        statistics.add(m.normaliser());
      }
      weights[p] = head.samples();
      steps += head.steps();
      if (head.samples() > 0) {
        trained++;
      }
    }
    SaeParameters avg = ParameterAverage.ofRound(firstModel.config(), params, weights);
    InputNormaliser merged = null;
    if (!statistics.isEmpty()) {
      byte[] before = state.get(STATISTICS);
      InputNormaliser previous = before == null
          ? new InputNormaliser(firstModel.config().inputDim()) : InputNormaliser.fromBytes(before);
      merged = InputNormaliser.merge(previous, statistics);
      state.put(STATISTICS, merged.toBytes());
    }
    SaeModel model = SaeModel.of(firstModel.config(), avg, r + 1, merged);
    for (ModelChunk c : ModelPublisher.chunks(model, chunkBytes, context.currentSystemTimeMs(), steps)) {
      context.forward(new Record<>(modelKey(r + 1, c.getChunkIndex(), keptVersions), c, timestamp), MODEL_SINK);
    }
    for (String key : keysBefore(r + 1)) {
      forget(key, timestamp);
    }
    state.put(NEXT_ROUND, ByteBuffer.allocate(Long.BYTES).putLong(r + 1).array());
    // every replica waits for this version: commit it now rather than at the next commit interval
    context.commit();
    metrics.syncAggregated(partitions, trained);
    metrics.modelVersion("trainer", r + 1);
    LOG.debug("averaged round {} of {} replicas ({} trained), published model version {}", r, partitions, trained,
        r + 1);
  }

  /** The stored chunks of rounds before {@code round}. */
  private List<String> keysBefore(long round) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = contributions.range("c/", "c/" + round(round))) {
      while (it.hasNext()) {
        String k = it.next().key;
        if (k.compareTo("c/" + round(round)) < 0) {
          keys.add(k);
        }
      }
    }
    return keys;
  }

  /** Deletes a chunk from the store and, by a tombstone, from the sync topic. */
  private void forget(String key, long timestamp) {
    contributions.delete(key);
    context.forward(new Record<String, ModelChunk>(key, null, timestamp), TOMBSTONE_SINK);
  }
}
