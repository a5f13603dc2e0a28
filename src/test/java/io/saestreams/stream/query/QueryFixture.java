package io.saestreams.stream.query;

import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.stream.SaeDriver;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.modelstore.ModelStoreLayout;
import io.saestreams.train.OnlineTrainer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A small configuration (d = 16, n = 48, TopK k = 4) and models trained on seeded data. */
final class QueryFixture {
  static final int D = 16;
  static final int N = 48;
  static final int K = 4;

  private QueryFixture() {}

  /** SaeDriver's settings with a TopK model, plus {@code overrides}. */
  static Map<String, Object> settings(Map<String, Object> overrides) {
    Map<String, Object> m = new HashMap<>(SaeDriver.settings("http://127.0.0.1:1"));
    m.put(AppConfig.SAE_INPUT_DIM_CONFIG, D);
    m.put(AppConfig.SAE_LATENT_DIM_CONFIG, N);
    m.put(AppConfig.SAE_ACTIVATION_CONFIG, "topk");
    m.put(AppConfig.SAE_K_CONFIG, K);
    m.put(AppConfig.INPUT_ID_MAX_BYTES_CONFIG, 64);
    m.putAll(overrides);
    return m;
  }

  static AppConfig config() {
    return AppConfig.of(settings(Map.of()));
  }

  /** The model a fresh trainer of {@code config} makes from {@code samples} seeded vectors. */
  static SaeModel trained(AppConfig config, long seed, int samples) {
    OnlineTrainer t = new OnlineTrainer(config.trainerConfig(), Gemms.create("java"));
    Random r = new Random(seed);
    for (int i = 0; i < samples; i++) {
      t.accept(vector(r));
    }
    return SaeModel.of(config.trainerConfig().model(), t.parameters(), t.steps());
  }

  /** A vector of the fixture's dimension with a few large coordinates, as sparse data has. */
  static float[] vector(Random r) {
    float[] x = new float[D];
    for (int i = 0; i < D; i++) {
      x[i] = (float) (0.05 * r.nextGaussian());
    }
    for (int a = 0; a < 3; a++) {
      x[r.nextInt(D)] += (float) (1 + r.nextGaussian());
    }
    return x;
  }

  /** A global model store as the assembler leaves it, holding one complete version (or none). */
  static final class Store implements ReadOnlyKeyValueStore<String, byte[]> {
    private final Map<String, byte[]> entries = new ConcurrentHashMap<>();

    /** Makes {@code m} the newest complete version, as {@code ModelAssembler} does. */
    Store publish(SaeModel m) {
      entries.put(ModelStoreLayout.LATEST_MODEL, m.toBytes());
      entries.put(ModelStoreLayout.LATEST_VERSION, ByteBuffer.allocate(Long.BYTES).putLong(m.version()).array());
      return this;
    }

    @Override
    public byte[] get(String key) {
      return entries.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long approximateNumEntries() {
      return entries.size();
    }
  }
}
