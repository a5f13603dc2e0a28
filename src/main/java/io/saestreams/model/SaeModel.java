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
 * trainer publishes and what every scorer encodes with. Its bytes carry the architecture
 * settings, the parameters and the version (format "SAEM" 1), and, for a model trained on
 * normalised inputs, the {@link InputNormaliser} statistics after the parameters (format 2). A
 * model without normalisation is written in format 1, byte for byte as before; both are read.
 *
 * <p>Scoring is per sample: BatchTopK, which selects over the batch in training, scores as a
 * JumpReLU whose threshold (the same for every latent) is the running average of the training
 * selection thresholds ({@link SaeParameters#inferenceThreshold}), so a sample's code does not
 * depend on the other samples of its batch; Matryoshka prefixes only shape training.
 */
public final class SaeModel {
  /** "SAEM". */
  public static final int MAGIC = 0x5341454D;

  /** The newest format this release writes (for a model with input normalisation). */
  public static final int FORMAT_VERSION = 2;

  /** The format of a model without input normalisation. */
  static final int FORMAT_PLAIN = 1;

  private final SaeConfig config;
  private final SaeParameters params;
  private final long version;
  private final InputNormaliser normaliser; // null: inputs are used as they are

  private SaeModel(SaeConfig config, SaeParameters params, long version,
      InputNormaliser normaliser) {
    this.config = config;
    this.params = params;
    this.version = version;
    this.normaliser = normaliser;
  }

  /** A snapshot holding a copy of {@code params}. */
  public static SaeModel of(SaeConfig config, SaeParameters params, long version) {
    return of(config, params, version, null);
  }

  /**
   * A snapshot holding a copy of {@code params} and of {@code normaliser} (null = inputs are not
   * normalised).
   */
  public static SaeModel of(SaeConfig config, SaeParameters params, long version,
      InputNormaliser normaliser) {
    if (normaliser != null && normaliser.inputDim() != config.inputDim()) {
      throw new IllegalArgumentException("normaliser d=" + normaliser.inputDim()
          + " does not match the configuration d=" + config.inputDim());
    }
    if (params.inputDim() != config.inputDim() || params.latentDim() != config.latentDim()) {
      throw new IllegalArgumentException("parameters d=" + params.inputDim() + " n="
          + params.latentDim() + " do not match the configuration d=" + config.inputDim()
          + " n=" + config.latentDim());
    }
    return new SaeModel(config, params.copy(), version,
        normaliser == null ? null : normaliser.copy());
  }

  /** The input normalisation the model was trained with (null = none). Do not modify. */
  public InputNormaliser normaliser() {
    return normaliser;
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
    // the model is immutable: its weights may stay resident in a backend's own memory
    return new Scorer(this, new SaeEngine(config, gemm, maxBatch).constantWeights());
  }

  /** The engine's input for {@code x}: x itself, or (x − μ)·s into {@code work}. */
  private float[] prepare(float[] x, int rows, float[] work) {
    if (normaliser == null) {
      return x;
    }
    normaliser.normalise(x, rows, work);
    return work;
  }

  public byte[] toBytes() {
    try {
      // sized for the tensors at once: megabytes, which would otherwise be copied as the buffer grows
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(params.writtenBytes() + 4096);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(normaliser == null ? FORMAT_PLAIN : FORMAT_VERSION);
      out.writeLong(version);
      Map<String, String> m = config.toMap();
      out.writeInt(m.size());
      for (Map.Entry<String, String> e : m.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      params.write(out);
      if (normaliser != null) {
        normaliser.write(out);
      }
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
      if (format < FORMAT_PLAIN || format > FORMAT_VERSION) {
        throw new IllegalArgumentException("model format " + format
            + " is not supported; this release reads formats 1 to " + FORMAT_VERSION);
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
      InputNormaliser norm = format >= 2 ? InputNormaliser.read(in) : null;
      return of(cfg, p, version, norm);
    } catch (IOException e) {
      throw new IllegalArgumentException("model bytes are truncated or corrupt: " + e, e);
    }
  }

  /** Encodes batches with one model; reuses its work arrays. Not thread-safe. */
  public static final class Scorer {
    private final SaeModel model;
    private final SaeEngine engine;
    private final float[] work; // normalised inputs (null without normalisation)
    private long batches;

    private Scorer(SaeModel model, SaeEngine engine) {
      this.model = model;
      this.engine = engine;
      this.work = model.normaliser == null ? null : new float[engine.maxBatch() * model.inputDim()];
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
     * A model with input normalisation encodes (x − μ)·s; errors and reconstructions are in the
     * input's units.
     */
    public void score(float[] x, int rows) {
      float[] in = model.prepare(x, rows, work);
      engine.forward(model.params, in, in, rows, false);
      batches++;
    }

    /** Batches scored so far: the results of one batch are valid while this stays the same. */
    public long batches() {
      return batches;
    }

    /** ‖x̂_b − x_b‖², in the input's units. */
    public float squaredError(int b) {
      float e = engine.rowError(b);
      return model.normaliser == null ? e : (float) model.normaliser.toInputUnits(e);
    }

    /** Row b's active latents; returns how many were written. */
    public int code(int b, int[] indices, float[] values) {
      return engine.code(b, indices, values);
    }

    /** x̂_b in the input's units. */
    public void reconstruction(int b, float[] out) {
      engine.reconstruction(b, out);
      if (model.normaliser != null) {
        model.normaliser.denormalise(out, 0, out);
      }
    }
  }
}
