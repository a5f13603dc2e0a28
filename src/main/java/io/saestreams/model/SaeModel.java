package io.saestreams.model;

import io.saestreams.model.linalg.Gemm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable, versioned snapshot of a trained sparse autoencoder for inference: what the
 * trainer publishes and what every scorer encodes with. Its bytes (format "SAEM" 1) carry the
 * architecture settings, the parameters and the version.
 *
 * <p>Scoring is per sample: BatchTopK, which selects over the batch in training, scores as a
 * JumpReLU whose threshold (the same for every latent) is the running average of the training
 * selection thresholds ({@link SaeParameters#inferenceThreshold}), so a sample's code does not
 * depend on the other samples of its batch; Matryoshka prefixes only shape training.
 */
public final class SaeModel {
  /** "SAEM". */
  public static final int MAGIC = 0x5341454D;

  public static final int FORMAT_VERSION = 1;

  private final SaeConfig config;
  private final SaeParameters params;
  private final long version;

  private SaeModel(SaeConfig config, SaeParameters params, long version) {
    this.config = config;
    this.params = params;
    this.version = version;
  }

  /** A snapshot holding a copy of {@code params}. */
  public static SaeModel of(SaeConfig config, SaeParameters params, long version) {
    if (params.inputDim() != config.inputDim() || params.latentDim() != config.latentDim()) {
      throw new IllegalArgumentException("parameters d=" + params.inputDim() + " n="
          + params.latentDim() + " do not match the configuration d=" + config.inputDim()
          + " n=" + config.latentDim());
    }
    return new SaeModel(config, params.copy(), version);
  }

  public SaeConfig config() {
    return config;
  }

  public long version() {
    return version;
  }

  public int inputDim() {
    return config.inputDim();
  }

  public int latentDim() {
    return config.latentDim();
  }

  /** Read-only view by convention: do not modify. */
  public SaeParameters parameters() {
    return params;
  }

  /** A scorer for batches of up to {@code maxBatch} inputs (one per thread). */
  public Scorer scorer(Gemm gemm, int maxBatch) {
    return new Scorer(this, new SaeEngine(config, gemm, maxBatch));
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeLong(version);
      Map<String, String> m = config.toMap();
      out.writeInt(m.size());
      for (Map.Entry<String, String> e : m.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      params.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SaeModel fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            String.format("not a model: magic 0x%08x, expected 0x%08x", magic, MAGIC));
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new IllegalArgumentException("model format " + format
            + " is not supported; this release reads format " + FORMAT_VERSION);
      }
      long version = in.readLong();
      int count = in.readInt();
      if (count < 0 || count > 10_000) {
        throw new IllegalArgumentException("corrupt model: " + count + " settings");
      }
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        m.put(in.readUTF(), in.readUTF());
      }
      SaeConfig cfg = SaeConfig.fromMap(m).build();
      SaeParameters p = SaeParameters.read(in);
      return of(cfg, p, version);
    } catch (IOException e) {
      throw new IllegalArgumentException("model bytes are truncated or corrupt: " + e, e);
    }
  }

  /** Encodes batches with one model; reuses its work arrays. Not thread-safe. */
  public static final class Scorer {
    private final SaeModel model;
    private final SaeEngine engine;

    private Scorer(SaeModel model, SaeEngine engine) {
      this.model = model;
      this.engine = engine;
    }

    public SaeModel model() {
      return model;
    }

    public int maxBatch() {
      return engine.maxBatch();
    }

    /**
     * Encodes and reconstructs {@code rows} inputs (rows×d, row-major); read the results with
     * {@link #squaredError}, {@link #code} and {@link #reconstruction} before the next call.
     */
    public void score(float[] x, int rows) {
      engine.forward(model.params, x, x, rows, false);
    }

    /** ‖x̂_b − x_b‖². */
    public float squaredError(int b) {
      return engine.rowError(b);
    }

    /** Row b's active latents; returns how many were written. */
    public int code(int b, int[] indices, float[] values) {
      return engine.code(b, indices, values);
    }

    public void reconstruction(int b, float[] out) {
      engine.reconstruction(b, out);
    }
  }
}
