package io.saestreams.stream.modelstore;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keys of the global model store. Chunks wait under {@code chunk/<version>/<index>} with their
 * version's {@code meta/<version>} (count, length, CRC); the newest complete version is under
 * {@value #LATEST_MODEL} (the serialised model) and {@value #LATEST_VERSION} (8 bytes, written
 * last). With data-parallel training the newest versions are also kept whole under {@code
 * version/<version>} ({@code train.sync.checkpoint.rounds} of them), so that a replica restarted
 * from a checkpoint some rounds old takes again the averages of the rounds after it. Numbers are
 * zero-padded so that key order is numeric order.
 */
public final class ModelStoreLayout {
  public static final String LATEST_VERSION = "latest.version";
  public static final String LATEST_MODEL = "latest.model";
  static final String CHUNK_PREFIX = "chunk/";
  static final String META_PREFIX = "meta/";
  static final String VERSION_PREFIX = "version/";

  private ModelStoreLayout() {}

  static String chunkPrefix(long version) {
    return CHUNK_PREFIX + String.format(Locale.ROOT, "%020d/", version);
  }

  static String chunkKey(long version, int index) {
    return chunkPrefix(version) + String.format(Locale.ROOT, "%010d", index);
  }

  /** The key of a whole retained version (data-parallel training). */
  public static String versionKey(long version) {
    return VERSION_PREFIX + String.format(Locale.ROOT, "%020d", version);
  }

  static String metaKey(long version) {
    return META_PREFIX + String.format(Locale.ROOT, "%020d", version);
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }

  /** The newest complete version in the store, or 0 when none has been published. */
  public static long latestVersion(ReadOnlyKeyValueStore<String, byte[]> store) {
    byte[] v = store.get(LATEST_VERSION);
    return v == null ? 0L : ByteBuffer.wrap(v).getLong();
  }

  /** The serialised newest complete model, or null. */
  public static byte[] latestModel(ReadOnlyKeyValueStore<String, byte[]> store) {
    return store.get(LATEST_MODEL);
  }

  /**
   * The serialised complete model of {@code version}: the newest one, or one of the retained
   * versions before it; null when that version has not arrived or is no longer kept.
   */
  public static byte[] model(ReadOnlyKeyValueStore<String, byte[]> store, long version) {
    long latest = latestVersion(store);
    if (version > latest) {
      return null;
    }
    return version == latest ? store.get(LATEST_MODEL) : store.get(versionKey(version));
  }
}
