package io.saestreams.stream.training;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The samples the trainer accepted since its last checkpoint, in a changelogged store, in order.
 *
 * <p>A sample is kept as where it came from ({@link InputRef}, 13 bytes), not as its vector
 * (kilobytes): the input topic already holds the vector, and writing it again to a changelog for
 * every training sample cost the pipeline a third of its throughput. Only a sample without a
 * source (written by an older version) is kept whole.
 *
 * <p>Samples are grouped in blocks of up to {@value #BLOCK_SAMPLES}, keyed by an increasing block
 * number (big-endian, so store order is block order). The open block is rewritten on every
 * append; the topology's store is a {@link io.saestreams.stream.state.WriteBackStore}, so only its
 * last version at a commit is written to RocksDB and the changelog. A checkpoint records the first
 * block it does not cover. A value of {@link TrainingSampleSerde}'s format 1 (what the store held
 * before blocks) is read as a one-sample block.
 */
public final class ReplayLog {
  static final int BLOCK_SAMPLES = 64;
  /** How many references a restore resolves in one fetch. */
  static final int FETCH_BATCH = 4096;

  private static final byte BLOCK_FORMAT = 3;
  private static final byte REF = 0;
  private static final byte SAMPLE = 1;
  private static final int REF_BYTES = 1 + Integer.BYTES + Long.BYTES;

  /** What a restore did. */
  public record Replayed(int samples, int missing) {}

  private final KeyValueStore<Long, byte[]> store;
  private long next;
  private long oldest;
  private byte[] open;
  private int openLength;
  private int openCount;

  public ReplayLog(KeyValueStore<Long, byte[]> store) {
    this.store = store;
  }

  /**
   * Feeds {@code sink}, in order, the vectors of the samples in blocks numbered {@code from} or
   * more, reading referenced ones again through a fetcher opened on first need (and closed
   * afterwards); forgets older blocks (a checkpoint covers them). A referenced input that is gone
   * is skipped and counted as missing.
   */
  public Replayed replay(long from, Consumer<float[]> sink, Supplier<SampleFetcher> fetchers) {
    return replaySamples(from, s -> sink.accept(s.values()), fetchers);
  }

  /**
   * {@link #replay} that hands over whole samples: a referenced one with its source (its id and
   * timestamp are not kept: empty and 0), so that it can be appended again.
   */
  public Replayed replaySamples(long from, Consumer<TrainingSample> sink, Supplier<SampleFetcher> fetchers) {
    deleteAllBelow(from);
    next = from;
    oldest = from;
    closeBlock();
    Resolver resolver = new Resolver(sink, fetchers);
    try (resolver; KeyValueIterator<Long, byte[]> it = store.range(from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> kv = it.next();
        decodeBlock(kv.key, kv.value, resolver);
        next = kv.key + 1;
      }
      resolver.drain();
    }
    return new Replayed(resolver.samples, resolver.missing);
  }

  /** Appends a sample: its source when it has one, else the sample itself. */
  public void append(TrainingSample sample) {
    InputRef ref = sample.source();
    byte[] whole = ref == null ? TrainingSampleSerde.encode(sample) : null;
    int need = ref == null ? 1 + Integer.BYTES + whole.length : REF_BYTES;
    if (open == null) {
      open = new byte[1 + Math.max(need, BLOCK_SAMPLES * REF_BYTES)];
      open[0] = BLOCK_FORMAT;
      openLength = 1;
      openCount = 0;
    } else if (openLength + need > open.length) {
      open = Arrays.copyOf(open, Math.max(openLength + need, 2 * open.length));
    }
    ByteBuffer b = ByteBuffer.wrap(open, openLength, need);
    if (ref == null) {
      b.put(SAMPLE).putInt(whole.length).put(whole);
    } else {
      b.put(REF).putInt(ref.partition()).putLong(ref.offset());
    }
    openLength += need;
    openCount++;
    store.put(next, Arrays.copyOf(open, openLength));
    // a whole sample is kilobytes: do not rewrite it with every later append
    if (openCount == BLOCK_SAMPLES || ref == null) {
      closeBlock();
    }
  }

  /** Closes the open block; returns the number of the first block that later samples go to. */
  public long seal() {
    closeBlock();
    return next;
  }

  public boolean isEmpty() {
    return oldest == next && open == null;
  }

  /** Forgets every sample appended so far (after a checkpoint that covers them). */
  public void truncate() {
    closeBlock();
    // every number in [oldest, next) was written: delete them by key, without a range scan
    // (a RocksDB scan also walks the tombstones of earlier truncations)
    // and as put(null): delete() would first read the old value back
    for (long key = oldest; key < next; key++) {
      store.put(key, null);
    }
    oldest = next;
  }

  private void closeBlock() {
    if (open != null) {
      open = null;
      next++;
    }
  }

  private static void decodeBlock(long key, byte[] value, Resolver resolver) {
    if (value.length > 0 && value[0] == TrainingSampleSerde.FORMAT_WITHOUT_SOURCE) {
      resolver.whole(TrainingSampleSerde.decode(value));
      return;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      byte format = b.get();
      if (format != BLOCK_FORMAT) {
        throw new IllegalStateException("replay block " + key + " is of format " + format
            + "; expected " + BLOCK_FORMAT);
      }
      while (b.hasRemaining()) {
        byte tag = b.get();
        if (tag == REF) {
          resolver.ref(new InputRef(b.getInt(), b.getLong()));
        } else if (tag == SAMPLE) {
          int n = b.getInt();
          if (n < 0 || n > b.remaining()) {
            throw new IllegalStateException("replay block " + key + " is corrupt: a sample of " + n
                + " bytes with " + b.remaining() + " left");
          }
          byte[] whole = new byte[n];
          b.get(whole);
          resolver.whole(TrainingSampleSerde.decode(whole));
        } else {
          throw new IllegalStateException("replay block " + key + " is corrupt: entry tag " + tag);
        }
      }
    } catch (BufferUnderflowException | IllegalArgumentException | SerializationException e) {
      throw new IllegalStateException("replay block " + key + " is corrupt", e);
    }
  }

  /** On restore: whatever an earlier run left below {@code end}. */
  private void deleteAllBelow(long end) {
    if (end <= 0) {
      return;
    }
    List<Long> keys = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = store.range(0L, end - 1)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    for (Long k : keys) {
      store.delete(k);
    }
  }

  /**
   * Feeds samples to the sink in replay order, resolving references a batch at a time (whole
   * samples after pending references wait for them).
   */
  private static final class Resolver implements AutoCloseable {
    private final Consumer<TrainingSample> sink;
    private final Supplier<SampleFetcher> fetchers;
    /** Pending entries: an {@link InputRef} or a sample already at hand. */
    private final List<Object> pending = new ArrayList<>();
    private final List<InputRef> refs = new ArrayList<>();
    private SampleFetcher fetcher;
    private int samples;
    private int missing;

    Resolver(Consumer<TrainingSample> sink, Supplier<SampleFetcher> fetchers) {
      this.sink = sink;
      this.fetchers = fetchers;
    }

    void ref(InputRef ref) {
      pending.add(ref);
      refs.add(ref);
      if (refs.size() >= FETCH_BATCH) {
        drain();
      }
    }

    void whole(TrainingSample sample) {
      if (pending.isEmpty()) {
        feed(sample);
      } else {
        pending.add(sample);
      }
    }

    void drain() {
      if (pending.isEmpty()) {
        return;
      }
      if (fetcher == null) {
        fetcher = fetchers.get();
      }
      List<float[]> fetched = fetcher.fetch(refs);
      if (fetched.size() != refs.size()) {
        throw new IllegalStateException(
            "the fetcher returned " + fetched.size() + " vectors for " + refs.size() + " references");
      }
      int r = 0;
      for (Object p : pending) {
        if (p instanceof InputRef ref) {
          float[] values = fetched.get(r++);
          if (values == null) {
            missing++;
          } else {
            feed(new TrainingSample("", 0L, values, ref));
          }
        } else {
          feed((TrainingSample) p);
        }
      }
      pending.clear();
      refs.clear();
    }

    private void feed(TrainingSample sample) {
      sink.accept(sample);
      samples++;
    }

    @Override
    public void close() {
      if (fetcher != null) {
        fetcher.close();
      }
    }
  }
}
