package io.saestreams.stream.modelstore;

import io.saestreams.avro.ModelChunk;
import io.saestreams.serde.AvroDecodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global store's processor: collects the chunks of each model version and, once all of a
 * version's chunks have arrived and their concatenation has the announced length and CRC-32,
 * makes it the latest version (if it is newer than the current one) and drops the chunks of it
 * and of older versions. Chunks of versions not newer than the latest, inconsistent chunks and
 * undecodable records are ignored with a warning, so a corrupt or incomplete version is never
 * exposed. Kafka Streams reruns this processor when it restores the store from the topic.
 */
public final class ModelAssembler implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(ModelAssembler.class);

  private final String storeName;
  private final Deserializer<ModelChunk> deserializer;
  /** Complete versions kept whole, the newest included (1: the newest only). */
  private final int retained;
  private KeyValueStore<String, byte[]> store;
  private ProcessorContext<Void, Void> context;

  /**
   * @param retained complete versions to keep whole, the newest included, for data-parallel
   *     replicas that take older averages again after a restart ({@code
   *     train.sync.checkpoint.rounds}); 1 keeps the newest only
   */
  public ModelAssembler(String storeName, Deserializer<ModelChunk> deserializer, int retained) {
    if (retained < 1) {
      throw new IllegalArgumentException("retained versions must be >= 1, got " + retained);
    }
    this.storeName = storeName;
    this.deserializer = deserializer;
    this.retained = retained;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    ModelChunk chunk;
    try {
      chunk = deserializer.deserialize(topic, record.value());
    } catch (AvroDecodeException e) {
      if (!e.failure().isPoisonPayload()) {
        throw e;
      }
      LOG.warn("ignoring an undecodable record on the model topic (key {}): {}", record.key(), e.getMessage());
      return;
    }
    accept(chunk);
  }

  /** Takes one chunk into the store; exposes its version when it completes it. */
  void accept(ModelChunk c) {
    long version = c.getModelVersion();
    if (version <= ModelStoreLayout.latestVersion(store)) {
      LOG.debug("ignoring a chunk of model version {}: not newer than the latest", version);
      return;
    }
    String problem = problem(c);
    if (problem != null) {
      LOG.warn("ignoring chunk {} of model version {}: {}", c.getChunkIndex(), version, problem);
      return;
    }
    VersionMeta meta = new VersionMeta(c.getChunkCount(), c.getTotalBytes(), c.getChecksum());
    byte[] known = store.get(ModelStoreLayout.metaKey(version));
    if (known == null) {
      store.put(ModelStoreLayout.metaKey(version), meta.toBytes());
    } else if (!VersionMeta.fromBytes(known).equals(meta)) {
      LOG.warn("ignoring chunk {} of model version {}: it announces {} but earlier chunks announced {}",
          c.getChunkIndex(), version, meta, VersionMeta.fromBytes(known));
      return;
    }
    store.put(ModelStoreLayout.chunkKey(version, c.getChunkIndex()), bytes(c.getPayload()));
    List<byte[]> parts = chunksOf(version);
    if (parts.size() == meta.chunkCount()) {
      complete(version, meta, parts);
    }
  }

  private static String problem(ModelChunk c) {
    if (c.getChunkCount() < 1) {
      return "chunk count " + c.getChunkCount() + " < 1";
    }
    if (c.getChunkIndex() < 0 || c.getChunkIndex() >= c.getChunkCount()) {
      return "index outside [0, " + c.getChunkCount() + ")";
    }
    if (c.getTotalBytes() < 0) {
      return "negative total length " + c.getTotalBytes();
    }
    return null;
  }

  private List<byte[]> chunksOf(long version) {
    List<byte[]> parts = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(ModelStoreLayout.chunkPrefix(version), new StringSerializer())) {
      while (it.hasNext()) {
        parts.add(it.next().value);
      }
    }
    return parts;
  }

  private void complete(long version, VersionMeta meta, List<byte[]> parts) {
    byte[] model = Chunks.join(parts);
    if (model.length != meta.totalBytes() || Chunks.crc32(model) != meta.checksum()) {
      LOG.warn("discarding model version {}: reassembled {} bytes with CRC-32 {}, announced {} bytes"
          + " with CRC-32 {}", version, model.length, Chunks.crc32(model), meta.totalBytes(), meta.checksum());
      dropUpTo(version, version);
      return;
    }
    if (retained > 1) {
      retain(version, model);
    }
    store.put(ModelStoreLayout.LATEST_MODEL, model);
    store.put(ModelStoreLayout.LATEST_VERSION, ModelStoreLayout.longBytes(version));
    dropUpTo(0, version);
    LOG.info("model version {} complete ({} bytes in {} chunks)", version, model.length, parts.size());
  }

  /** Keeps {@code model} whole and drops the kept versions older than the newest {@link #retained}. */
  private void retain(long version, byte[] model) {
    store.put(ModelStoreLayout.versionKey(version), model);
    long newestDropped = version - retained;
    if (newestDropped < 0) {
      return;
    }
    List<String> old = new ArrayList<>();
    collect(ModelStoreLayout.versionKey(0), ModelStoreLayout.versionKey(newestDropped), old);
    for (String k : old) {
      store.delete(k);
    }
  }

  /** Deletes chunks and metadata of versions in [from, to]. */
  private void dropUpTo(long from, long to) {
    List<String> keys = new ArrayList<>();
    collect(ModelStoreLayout.chunkPrefix(from), ModelStoreLayout.chunkPrefix(to) + "~", keys);
    collect(ModelStoreLayout.metaKey(from), ModelStoreLayout.metaKey(to), keys);
    for (String k : keys) {
      store.delete(k);
    }
  }

  private void collect(String fromKey, String toKey, List<String> out) {
    try (KeyValueIterator<String, byte[]> it = store.range(fromKey, toKey)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        out.add(kv.key);
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
