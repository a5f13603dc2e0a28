package io.saestreams.train;

import io.saestreams.model.InputNormaliser;
import io.saestreams.model.Rng;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The trainer's whole state as bytes, versioned so that later releases keep reading this format.
 *
 * <p>Format 1, big-endian: magic {@code "SAEC"}, format version, the model and trainer settings
 * as key/value text (so new settings get defaults when old checkpoints are read), the parameters,
 * the optimiser's step and moments, ρ̂, last-fired sample per latent, counters, the generator
 * state, the partial batch, and a CRC-32 of everything before it.
 *
 * <p>Format 2 adds, before the CRC, a flag and (when input normalisation is on) the {@link
 * InputNormaliser} statistics. The schedules need no state of their own: the learning-rate
 * schedule runs on the optimiser's step and the sparsity warm-up on the trainer's steps, both
 * already saved. Format 1 checkpoints read as format 2 without normalisation.
 */
public final class Checkpoints {
  /** "SAEC". */
  public static final int MAGIC = 0x53414543;

  /** The format this release writes. */
  public static final int FORMAT_VERSION = 2;

  private Checkpoints() {}

  static byte[] write(OnlineTrainer t) {
    try {
      // sized for the parameters and two optimiser moments at once (megabytes, otherwise copied as
      // the buffer grows)
      int d = t.config().model().inputDim();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(
          (int) Math.min(Integer.MAX_VALUE - 8, 3L * t.params.writtenBytes() + 4L * t.buffered * d + 65_536));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      writeMap(out, t.config().model().toMap());
      writeMap(out, t.config().toMap());
      t.params.write(out);
      t.optimizer.write(out);
      SaeParameters.writeFloats(out, t.rhoHat);
      out.writeInt(t.lastFired.length);
      for (long v : t.lastFired) {
        out.writeLong(v);
      }
      out.writeLong(t.steps);
      out.writeLong(t.samplesSeen);
      out.writeLong(t.skippedBatches);
      out.writeLong(t.revivedLatents);
      out.writeBoolean(t.decoderBiasInitialised);
      out.writeLong(t.rng.state());
      out.writeBoolean(t.rng.hasSpare());
      out.writeDouble(t.rng.spare());
      float[] partial = new float[t.buffered * d];
      System.arraycopy(t.bufferArray(), 0, partial, 0, partial.length);
      SaeParameters.writeFloats(out, partial);
      // format 2
      out.writeBoolean(t.normaliser != null);
      if (t.normaliser != null) {
        t.normaliser.write(out);
      }
      out.flush();
      CRC32 crc = new CRC32();
      bytes.writeTo(new CheckedOutputStream(OutputStream.nullOutputStream(), crc)); // no copy
      out.writeLong(crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OnlineTrainer read(byte[] data, Gemm gemm) {
    if (data.length < 16) {
      throw new IllegalArgumentException("not a checkpoint: only " + data.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    long stored = 0;
    for (int i = data.length - 8; i < data.length; i++) {
      stored = (stored << 8) | (data[i] & 0xff);
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            String.format("not a checkpoint: magic 0x%08x, expected 0x%08x", magic, MAGIC));
      }
      int version = in.readInt();
      if (version < 1 || version > FORMAT_VERSION) {
        throw new IllegalArgumentException("checkpoint format " + version
            + " is not supported; this release reads formats 1 to " + FORMAT_VERSION);
      }
      if (stored != crc.getValue()) {
        throw new IllegalArgumentException("checkpoint is corrupt: CRC mismatch");
      }
      OnlineTrainer t = readV1(in, gemm);
      if (version >= 2) {
        readV2(in, t);
      }
      return t;
    } catch (IOException e) {
      throw new IllegalArgumentException("checkpoint is truncated or corrupt: " + e, e);
    }
  }

  private static OnlineTrainer readV1(DataInput in, Gemm gemm) throws IOException {
    SaeConfig model = SaeConfig.fromMap(readMap(in)).build();
    TrainerConfig cfg = TrainerConfig.fromMap(model, readMap(in));
    OnlineTrainer t = new OnlineTrainer(cfg, gemm, false);
    t.params.copyFrom(SaeParameters.read(in));
    t.optimizer.read(in);
    SaeParameters.readFloats(in, t.rhoHat);
    int n = in.readInt();
    if (n != t.lastFired.length) {
      throw new IOException("expected " + t.lastFired.length + " latents, found " + n);
    }
    for (int j = 0; j < n; j++) {
      t.lastFired[j] = in.readLong();
    }
    t.steps = in.readLong();
    t.samplesSeen = in.readLong();
    t.skippedBatches = in.readLong();
    t.revivedLatents = in.readLong();
    t.decoderBiasInitialised = in.readBoolean();
    long state = in.readLong();
    boolean hasSpare = in.readBoolean();
    double spare = in.readDouble();
    t.rng = Rng.restore(state, hasSpare, spare);
    int len = in.readInt();
    int d = model.inputDim();
    if (len % d != 0 || len / d >= cfg.batchSize()) {
      throw new IOException("partial batch of " + len + " values does not fit d=" + d
          + " and batch size " + cfg.batchSize());
    }
    for (int i = 0; i < len; i++) {
      t.bufferArray()[i] = in.readFloat();
    }
    t.buffered = len / d;
    return t;
  }

  private static void readV2(DataInput in, OnlineTrainer t) throws IOException {
    boolean present = in.readBoolean();
    if (present != (t.normaliser != null)) {
      throw new IOException("checkpoint normaliser state does not match normalise-input="
          + t.config().normaliseInput());
    }
    if (present) {
      InputNormaliser n = InputNormaliser.read(in);
      if (n.inputDim() != t.config().model().inputDim()) {
        throw new IOException("normaliser of dimension " + n.inputDim() + ", expected "
            + t.config().model().inputDim());
      }
      t.normaliser = n;
    }
  }

  private static void writeMap(DataOutput out, Map<String, String> m) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
  }

  private static Map<String, String> readMap(DataInput in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > 10_000) {
      throw new IOException("corrupt settings block: " + count + " entries");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      m.put(in.readUTF(), in.readUTF());
    }
    return m;
  }
}
