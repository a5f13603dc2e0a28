package io.saestreams.stream.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store whose writes stay in memory, as objects, until the task commits: then each
 * key's last value is encoded once and written, with its changelog record, to the store beneath
 * (logged, uncached). A key written and deleted between two commits costs a tombstone, or nothing
 * once the store knows the key is absent beneath (it wrote its tombstone): the scoring buffer's
 * slots, which are taken and freed again and again.
 *
 * <p>For state that is rewritten on every record but mostly short-lived: the inputs waiting for a
 * scoring batch, and the open block of a replay log. Through Kafka Streams' record cache they cost
 * an encoding, a cache entry and a dirty-key entry on every record; here a map entry.
 *
 * <p>Exactly-once holds as with Kafka's own caches: the task's commit first flushes every store's
 * cache ({@link CachedStateStore#flushCache}, which this store implements), so the changelog
 * records are in the same transaction as the input offsets and outputs. Kafka Streams' suppression
 * buffer writes its changelog at the same point. {@link CachedStateStore} and the record context
 * are internal Kafka Streams APIs (4.3): {@code WriteBackStoreTest} checks the flush against a
 * real task under the TopologyTestDriver, and the crash tests against a broker.
 *
 * <p>Reads (get, range, all, counts) write the pending entries through first, so they always see
 * the store as the processor wrote it; the stores this is for read only when they start.
 *
 * @param <K> key type (its serde is the inner store's)
 * @param <V> value type, encoded only when written through
 */
public final class WriteBackStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
  /** How values are stored beneath. */
  public interface Codec<K, V> {
    byte[] encode(V value);

    /** @param key the entry's key (an older stored format may need it) */
    V decode(K key, byte[] bytes);
  }

  /** Values that are bytes already. */
  public static <K> Codec<K, byte[]> bytes() {
    return new Codec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return value;
      }

      @Override
      public byte[] decode(K key, byte[] bytes) {
        return bytes;
      }
    };
  }

  /** A persistent (RocksDB), changelogged, uncached store beneath a write-back layer. */
  public static <K, V> StoreBuilder<WriteBackStore<K, V>> persistent(String name, Serde<K> keySerde, Codec<K, V> codec) {
    return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keySerde, Serdes.ByteArray()),
        codec);
  }

  /** The write-back layer over {@code inner}, which must not be cached (it would only add a copy). */
  public WriteBackStore(KeyValueStore<K, byte[]> inner, Codec<K, V> codec) {
    this.inner = inner;
    this.codec = codec;
  }

  /** A value to write, or a deletion. */
  private static final Object DELETED = new Object();
  /** Most keys remembered as absent; past it the memory starts again (it only saves tombstones). */
  static final int ABSENT_KEYS = 4096;

  private final KeyValueStore<K, byte[]> inner;
  private final Codec<K, V> codec;
  /** Written since the last flush, in write order: a value, or {@link #DELETED}. */
  private final Map<K, Object> dirty = new LinkedHashMap<>();
  /**
   * Keys known to be absent beneath (deleted by a flush of this instance): deleting them again is a
   * no-op. Bounded by {@link #ABSENT_KEYS}: a store whose keys are never reused (a replay log's
   * block numbers) would otherwise grow it for ever; one whose keys are (the scoring buffer's
   * slots) keeps far fewer.
   */
  private final Set<K> absent = new HashSet<>();
  private StateStoreContext context;

  @Override
  public void put(K key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    dirty.put(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    for (KeyValue<K, V> e : entries) {
      put(e.key, e.value);
    }
  }

  /** Deletes without reading the old value back (always null). */
  @Override
  public V delete(K key) {
    if (absent.contains(key)) {
      dirty.remove(key); // written since, never beneath: nothing to undo there
    } else {
      dirty.put(key, DELETED);
    }
    return null;
  }

  /** Entries written (or deleted) and not yet written through (for tests). */
  int pendingWrites() {
    return dirty.size();
  }

  /** Keys remembered as absent beneath (for tests). */
  int knownAbsent() {
    return absent.size();
  }

  @Override
  public V get(K key) {
    writeThrough();
    byte[] b = inner.get(key);
    return b == null ? null : codec.decode(key, b);
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeThrough();
    return decoding(inner.range(from, to));
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeThrough();
    return decoding(inner.reverseRange(from, to));
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeThrough();
    return decoding(inner.all());
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeThrough();
    return decoding(inner.reverseAll());
  }

  @Override
  public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
      P prefix, PS prefixKeySerializer) {
    writeThrough();
    return decoding(inner.prefixScan(prefix, prefixKeySerializer));
  }

  @Override
  public long approximateNumEntries() {
    writeThrough();
    return inner.approximateNumEntries();
  }

  /**
   * Writes every pending entry to the store beneath (and so to its changelog), in write order.
   * Kafka Streams calls it when the task commits, before the transaction's offsets.
   */
  @Override
  public void flushCache() {
    writeThrough();
  }

  /** Forgets the pending entries (Kafka Streams: the task's state is being discarded). */
  @Override
  public void clearCache() {
    dirty.clear();
    absent.clear();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
    return false; // nothing is forwarded on a flush
  }

  @SuppressWarnings("unchecked")
  private void writeThrough() {
    if (dirty.isEmpty()) {
      return;
    }
    InternalProcessorContext<?, ?> internal =
        context instanceof InternalProcessorContext<?, ?> c && c.recordContext() == null ? c : null;
    if (internal != null) {
      // a changelog record takes the current record's timestamp; at a commit before any record
      // (after a restore) there is none yet
      internal.setRecordContext(
          new ProcessorRecordContext(Time.SYSTEM.milliseconds(), -1, -1, null, new RecordHeaders()));
    }
    try {
      List<K> deleted = new ArrayList<>();
      for (Map.Entry<K, Object> e : dirty.entrySet()) {
        if (e.getValue() == DELETED) {
          inner.put(e.getKey(), null); // a delete that does not read the old value back
          deleted.add(e.getKey());
        } else {
          inner.put(e.getKey(), codec.encode((V) e.getValue()));
          absent.remove(e.getKey());
        }
      }
      if (absent.size() + deleted.size() > ABSENT_KEYS) {
        absent.clear();
      }
      absent.addAll(deleted);
      dirty.clear();
    } finally {
      if (internal != null) {
        internal.setRecordContext(null);
      }
    }
  }

  private KeyValueIterator<K, V> decoding(KeyValueIterator<K, byte[]> it) {
    return new KeyValueIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        KeyValue<K, byte[]> kv = it.next();
        return KeyValue.pair(kv.key, kv.value == null ? null : codec.decode(kv.key, kv.value));
      }

      @Override
      public K peekNextKey() {
        return it.peekNextKey();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    this.context = context;
    inner.init(context, root);
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    // after the transaction: its entries were written through by flushCache, before it
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    dirty.clear();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  /** Builds the store beneath (logged, uncached) and the layer over it. */
  private static final class Builder<K, V> implements StoreBuilder<WriteBackStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, byte[]>> inner;
    private final Codec<K, V> codec;

    Builder(StoreBuilder<KeyValueStore<K, byte[]>> inner, Codec<K, V> codec) {
      this.inner = inner.withCachingDisabled();
      this.codec = codec;
    }

    @Override
    public StoreBuilder<WriteBackStore<K, V>> withCachingEnabled() {
      throw new UnsupportedOperationException("a write-back store is its own cache");
    }

    @Override
    public StoreBuilder<WriteBackStore<K, V>> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<WriteBackStore<K, V>> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<WriteBackStore<K, V>> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public WriteBackStore<K, V> build() {
      return new WriteBackStore<>(inner.build(), codec);
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
