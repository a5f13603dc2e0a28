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
import java.util.List;
import java.util.Locale;
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
 * <p>State, changelogged: the chunks of contributions not yet averaged ({@code c/<round>/<partition>/<chunk>}),
 * each contribution's header once its first chunk arrived ({@code m/<round>/<partition>}), a marker
 * once it is complete ({@code done/<round>/<partition>}), and the next round to publish ({@value
 * #NEXT_ROUND}). A chunk of a round already published (a contribution trained again after a crash
 * whose first sending was committed) is ignored. A contribution whose reassembled bytes fail their
 * length or CRC-32 check fails the task: it can only come from a bug, and averaging without it
 * would stall or bias every later round.
 */
public final class SyncAggregator implements Processor<String, SyncChunk, String, ModelChunk> {
  public static final String STORE = "sync-aggregator";
  static final String NEXT_ROUND = "next-round";
  /** With input normalisation: the replicas' input statistics merged at the last round's end. */
  static final String STATISTICS = "statistics";

  private static final Logger LOG = LoggerFactory.getLogger(SyncAggregator.class);

  private final int chunkBytes;
  /** Versions the compacted model topic keeps (train.sync.checkpoint.rounds): its keys' slots. */
  private final int keptVersions;
  private final SaeMetricsSink metrics;
  /**
   * Wall-clock time at which each round not yet averaged had its first complete contribution, in
   * this run (for {@link SaeMetricsSink#syncContributed} only: not state, so not restored).
   */
  private final NavigableMap<Long, Long> firstContribution = new TreeMap<>();
  private ProcessorContext<String, ModelChunk> context;
  private KeyValueStore<String, byte[]> store;

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
    this.store = context.getStateStore(STORE);
  }

  private static String round(long r) {
    return String.format(Locale.ROOT, "%020d/", r);
  }

  private static String part(int p) {
    return String.format(Locale.ROOT, "%010d", p);
  }

  static String chunkKey(long r, int p, int i) {
    return "c/" + round(r) + part(p) + "/" + part(i);
  }

  static String headerKey(long r, int p) {
    return "m/" + round(r) + part(p);
  }

  static String doneKey(long r, int p) {
    return "done/" + round(r) + part(p);
  }

  long nextRound() {
    byte[] b = store.get(NEXT_ROUND);
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  @Override
  public void process(Record<String, SyncChunk> record) {
    SyncChunk c = record.value();
    if (c == null) {
      return;
    }
    long next = nextRound();
    if (c.round() < next) {
      LOG.debug("ignoring chunk {} of replica {}'s contribution to round {}: already averaged", c.chunkIndex(),
          c.partition(), c.round());
      return;
    }
    if (c.round() > next) {
      LOG.warn("replica {} contributes to round {} while round {} is not averaged yet; keeping it for later",
          c.partition(), c.round(), next);
    }
    String problem = problem(c);
    if (problem != null) {
      throw new IllegalStateException("replica " + c.partition() + "'s contribution to round " + c.round()
          + " is inconsistent: " + problem);
    }
    if (store.get(doneKey(c.round(), c.partition())) != null) {
      return;
    }
    byte[] header = header(c);
    byte[] known = store.get(headerKey(c.round(), c.partition()));
    if (known == null) {
      store.put(headerKey(c.round(), c.partition()), header);
    } else if (!java.util.Arrays.equals(known, header)) {
      throw new IllegalStateException("replica " + c.partition() + "'s contribution to round " + c.round()
          + ": chunk " + c.chunkIndex() + " disagrees with the earlier chunks on its header");
    }
    store.put(chunkKey(c.round(), c.partition(), c.chunkIndex()), c.payload());
    if (count("c/" + round(c.round()) + part(c.partition()) + "/") == c.chunkCount()) {
      store.put(doneKey(c.round(), c.partition()), new byte[0]);
      LOG.debug("round {}: replica {}'s contribution is complete ({} samples)", c.round(), c.partition(), c.samples());
      long now = context.currentSystemTimeMs();
      metrics.syncContributed(c.partition(), now - firstContribution.computeIfAbsent(c.round(), r -> now));
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

  /** What every chunk of one contribution must agree on. */
  private static byte[] header(SyncChunk c) {
    return ByteBuffer.allocate(Integer.BYTES * 3 + Long.BYTES * 3)
        .putInt(c.partitions()).putLong(c.samples()).putLong(c.steps()).putInt(c.chunkCount())
        .putInt(c.totalBytes()).putLong(c.checksum()).array();
  }

  private int count(String prefix) {
    int n = 0;
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  /** Averages the next round (and any later one already complete) once all its replicas contributed. */
  private void tryAverage(long timestamp) {
    while (true) {
      long r = nextRound();
      byte[] first = store.get(headerKey(r, 0));
      if (first == null) {
        return;
      }
      int partitions = ByteBuffer.wrap(first).getInt();
      if (count("done/" + round(r)) < partitions) {
        return;
      }
      average(r, partitions, timestamp);
      firstContribution.headMap(r, true).clear();
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
      byte[] h = store.get(headerKey(r, p));
      if (h == null || store.get(doneKey(r, p)) == null) {
        throw new IllegalStateException("round " + r + " lacks replica " + p + "'s contribution although "
            + partitions + " are complete; replicas disagree on the number of partitions");
      }
      ByteBuffer hb = ByteBuffer.wrap(h);
      int theirPartitions = hb.getInt();
      long samples = hb.getLong();
      long replicaSteps = hb.getLong();
      int chunkCount = hb.getInt();
      int totalBytes = hb.getInt();
      long checksum = hb.getLong();
      if (theirPartitions != partitions) {
        throw new IllegalStateException("replicas disagree on the number of partitions in round " + r + ": "
            + partitions + " and " + theirPartitions);
      }
      List<byte[]> parts = new ArrayList<>(chunkCount);
      for (int i = 0; i < chunkCount; i++) {
        parts.add(store.get(chunkKey(r, p, i)));
      }
      byte[] bytes = Chunks.join(parts);
      if (bytes.length != totalBytes || Chunks.crc32(bytes) != checksum) {
        throw new IllegalStateException("replica " + p + "'s contribution to round " + r + " reassembles to "
            + bytes.length + " bytes with CRC-32 " + Chunks.crc32(bytes) + ", announced " + totalBytes
            + " bytes with CRC-32 " + checksum);
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
      weights[p] = samples;
      steps += replicaSteps;
      if (samples > 0) {
        trained++;
      }
    }
    SaeParameters avg = ParameterAverage.ofRound(firstModel.config(), params, weights);
    InputNormaliser merged = null;
    if (!statistics.isEmpty()) {
      byte[] before = store.get(STATISTICS);
      InputNormaliser previous = before == null
          ? new InputNormaliser(firstModel.config().inputDim()) : InputNormaliser.fromBytes(before);
      merged = InputNormaliser.merge(previous, statistics);
      store.put(STATISTICS, merged.toBytes());
    }
    SaeModel model = SaeModel.of(firstModel.config(), avg, r + 1, merged);
    for (ModelChunk c : ModelPublisher.chunks(model, chunkBytes, context.currentSystemTimeMs(), steps)) {
      context.forward(new Record<>(modelKey(r + 1, c.getChunkIndex(), keptVersions), c, timestamp));
    }
    deleteRound(r);
    store.put(NEXT_ROUND, ByteBuffer.allocate(Long.BYTES).putLong(r + 1).array());
    // every replica waits for this version: commit it now rather than at the next commit interval
    context.commit();
    metrics.syncAggregated(partitions, trained);
    metrics.modelVersion("trainer", r + 1);
    LOG.debug("averaged round {} of {} replicas ({} trained), published model version {}", r, partitions, trained,
        r + 1);
  }

  private void deleteRound(long r) {
    List<String> keys = new ArrayList<>();
    for (String prefix : List.of("c/" + round(r), "m/" + round(r), "done/" + round(r))) {
      try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
        while (it.hasNext()) {
          keys.add(it.next().key);
        }
      }
    }
    for (String k : keys) {
      store.delete(k);
    }
  }
}
