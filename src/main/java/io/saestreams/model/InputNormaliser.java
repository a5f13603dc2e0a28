package io.saestreams.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Input normalisation for training and scoring: x′ = (x − μ)·s, with μ the running mean of the
 * inputs and the scalar s = √d / E‖x − μ‖, so that normalised inputs have E‖x′‖ = √d (the
 * recipe of Anthropic's "Circuits Updates – April 2024", with mean-centring). The estimates are
 * running sums over every training batch seen ({@link #update}); the mean and scale in use are
 * recomputed after each update. Reconstructions map back with x̂ = x̂′/s + μ, so reconstruction
 * errors are ‖x − x̂‖² = ‖x′ − x̂′‖²/s².
 *
 * <p>The normalisation sits outside the differentiated function: μ and s are statistics, not
 * parameters. Not thread-safe; a published model holds a {@link #copy}.
 */
public final class InputNormaliser {
  private final int d;
  private long count;
  private final double[] sum; // Σ x
  private double sumNorm; // Σ ‖x − μ‖, μ the mean when the sample arrived
  private final float[] mean;
  private float scale = 1f;

  public InputNormaliser(int inputDim) {
    if (inputDim < 1) {
      throw new IllegalArgumentException("input dimension must be >= 1, got " + inputDim);
    }
    this.d = inputDim;
    this.sum = new double[inputDim];
    this.mean = new float[inputDim];
  }

  public int inputDim() {
    return d;
  }

  /** Samples the statistics are estimated from. */
  public long count() {
    return count;
  }

  /** μ in use (read-only by convention). */
  public float[] mean() {
    return mean;
  }

  /** s in use. */
  public float scale() {
    return scale;
  }

  /**
   * Adds {@code rows} samples to the running estimates: first the mean, then Σ‖x − μ‖ with the
   * updated mean, then μ and s in use.
   *
   * @param x rows×d. Not modified.
   */
  public void update(float[] x, int rows) {
    if (rows <= 0) {
      return;
    }
    for (int b = 0; b < rows; b++) {
      int o = b * d;
      for (int i = 0; i < d; i++) {
        sum[i] += x[o + i];
      }
    }
    count += rows;
    refreshMean();
    for (int b = 0; b < rows; b++) {
      int o = b * d;
      double sq = 0;
      for (int i = 0; i < d; i++) {
        double v = x[o + i] - mean[i];
        sq += v * v;
      }
      sumNorm += Math.sqrt(sq);
    }
    scale = scaleOf(d, count, sumNorm);
  }

  /** μ in use from Σx and the count (> 0). */
  private void refreshMean() {
    for (int i = 0; i < d; i++) {
      mean[i] = (float) (sum[i] / count);
    }
  }

  private static float scaleOf(int d, long count, double sumNorm) {
    return sumNorm > 0 ? (float) (Math.sqrt(d) * count / sumNorm) : 1f;
  }

  /**
   * The statistics of data-parallel replicas merged after a round: each replica started the round
   * from {@code previous} (the last merge) and added its own samples, so the merge is {@code
   * previous} plus every replica's additions — count, Σx and Σ‖x − μ‖ — taken in list order (the
   * same order gives the same bits), with μ and s recomputed. Σ‖x − μ‖ is a sum of each replica's
   * terms, each with that replica's running mean when the sample arrived.
   *
   * @throws IllegalArgumentException if a replica has another dimension or fewer samples than
   *     {@code previous}
   */
  public static InputNormaliser merge(InputNormaliser previous, List<InputNormaliser> replicas) {
    int d = previous.d;
    InputNormaliser m = previous.copy();
    for (int r = 0; r < replicas.size(); r++) {
      InputNormaliser x = replicas.get(r);
      if (x.d != d || x.count < previous.count) {
        throw new IllegalArgumentException("replica " + r + "'s input statistics (d=" + x.d + ", "
            + x.count + " samples) do not continue the previous ones (d=" + d + ", "
            + previous.count + " samples)");
      }
      m.count += x.count - previous.count;
      for (int i = 0; i < d; i++) {
        m.sum[i] += x.sum[i] - previous.sum[i];
      }
      m.sumNorm += x.sumNorm - previous.sumNorm;
    }
    if (m.count > 0) {
      m.refreshMean();
    }
    m.scale = scaleOf(d, m.count, m.sumNorm);
    return m;
  }

  /**
   * These statistics moved onto {@code merged}: {@code merged} plus what they added since {@code
   * anchor} (count, Σx and Σ‖x − μ‖), with μ and s recomputed. A replica that trained a round
   * from its own statistics {@code anchor} before the previous round's merge arrived takes the
   * merge this way, keeping its own additions, so that the next merge counts each sample once.
   *
   * @throws IllegalArgumentException if a dimension differs or these have fewer samples than
   *     {@code anchor}
   */
  public InputNormaliser rebase(InputNormaliser anchor, InputNormaliser merged) {
    if (anchor.d != d || merged.d != d || count < anchor.count) {
      throw new IllegalArgumentException("input statistics (d=" + d + ", " + count
          + " samples) do not continue the anchor (d=" + anchor.d + ", " + anchor.count
          + " samples) or do not match the merge (d=" + merged.d + ")");
    }
    InputNormaliser m = merged.copy();
    m.count += count - anchor.count;
    for (int i = 0; i < d; i++) {
      m.sum[i] += sum[i] - anchor.sum[i];
    }
    m.sumNorm += sumNorm - anchor.sumNorm;
    if (m.count > 0) {
      m.refreshMean();
    }
    m.scale = scaleOf(d, m.count, m.sumNorm);
    return m;
  }

  /** {@link #write}'s bytes. */
  public byte[] toBytes() {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
      write(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /** Reads {@link #toBytes}. */
  public static InputNormaliser fromBytes(byte[] bytes) {
    try {
      return read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt input statistics: " + e.getMessage(), e);
    }
  }

  /**
   * out = (x − μ)·s, row by row.
   *
   * @param x rows×d. Not modified.
   * @param out rows×d. Modified.
   */
  public void normalise(float[] x, int rows, float[] out) {
    for (int b = 0; b < rows; b++) {
      int o = b * d;
      for (int i = 0; i < d; i++) {
        out[o + i] = (x[o + i] - mean[i]) * scale;
      }
    }
  }

  /**
   * The inverse for one row: out = x′/s + μ.
   *
   * @param xn normalised row, from {@code offset}. Not modified.
   * @param out d values. Modified (may be {@code xn} when offset is 0).
   */
  public void denormalise(float[] xn, int offset, float[] out) {
    float inv = 1f / scale;
    for (int i = 0; i < d; i++) {
      out[i] = xn[offset + i] * inv + mean[i];
    }
  }

  /** A squared distance between normalised vectors in the input's units: ‖·‖²/s². */
  public double toInputUnits(double squaredDistance) {
    return squaredDistance / ((double) scale * scale);
  }

  public InputNormaliser copy() {
    InputNormaliser c = new InputNormaliser(d);
    c.count = count;
    System.arraycopy(sum, 0, c.sum, 0, d);
    c.sumNorm = sumNorm;
    System.arraycopy(mean, 0, c.mean, 0, d);
    c.scale = scale;
    return c;
  }

  /** The whole state: d, count, Σx, Σ‖x − μ‖ (μ and s are recomputed on reading). */
  public void write(DataOutput out) throws IOException {
    out.writeInt(d);
    out.writeLong(count);
    for (double v : sum) {
      out.writeDouble(v);
    }
    out.writeDouble(sumNorm);
    SaeParameters.writeFloats(out, mean);
    out.writeFloat(scale);
  }

  public static InputNormaliser read(DataInput in) throws IOException {
    int d = in.readInt();
    if (d < 1) {
      throw new IOException("corrupt normaliser: d=" + d);
    }
    InputNormaliser c = new InputNormaliser(d);
    c.count = in.readLong();
    if (c.count < 0) {
      throw new IOException("corrupt normaliser: count " + c.count);
    }
    for (int i = 0; i < d; i++) {
      c.sum[i] = in.readDouble();
    }
    c.sumNorm = in.readDouble();
    SaeParameters.readFloats(in, c.mean);
    c.scale = in.readFloat();
    if (!(c.scale > 0) || !Float.isFinite(c.scale)) {
      throw new IOException("corrupt normaliser: scale " + c.scale);
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputNormaliser other
        && count == other.count
        && Double.compare(sumNorm, other.sumNorm) == 0
        && Arrays.equals(sum, other.sum)
        && Arrays.equals(mean, other.mean)
        && Float.compare(scale, other.scale) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + Arrays.hashCode(mean);
  }
}
