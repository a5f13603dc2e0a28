package io.saestreams.model;

import io.saestreams.model.linalg.VectorOps;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The learnable tensors of a sparse autoencoder, as flat row-major float arrays. Both weight
 * matrices are stored latent-major ({@code n × d}): row j of {@code wEnc} is latent j's encoder
 * vector and row j of {@code wDec} its decoder direction, so the encoder product is {@code
 * X·W_encᵀ} and tied initialisation is a plain copy.
 *
 * <p>Also used, with the same shapes, to hold gradients.
 */
public final class SaeParameters {
  /** Index of each tensor in {@link #tensors()}. */
  public static final int W_ENC = 0;

  public static final int B_ENC = 1;
  public static final int W_DEC = 2;
  public static final int B_DEC = 3;
  public static final int THETA = 4;
  public static final String[] TENSOR_NAMES = {"w_enc", "b_enc", "w_dec", "b_dec", "theta"};

  private final int inputDim;
  private final int latentDim;
  public final float[] wEnc;
  public final float[] bEnc;
  public final float[] wDec;
  public final float[] bDec;
  /** JumpReLU thresholds θ (unused by other activations). */
  public final float[] theta;

  /** BatchTopK's running inference threshold (not learned by gradient). */
  public float inferenceThreshold;

  public SaeParameters(int inputDim, int latentDim) {
    this.inputDim = inputDim;
    this.latentDim = latentDim;
    this.wEnc = new float[latentDim * inputDim];
    this.bEnc = new float[latentDim];
    this.wDec = new float[latentDim * inputDim];
    this.bDec = new float[inputDim];
    this.theta = new float[latentDim];
  }

  public int inputDim() {
    return inputDim;
  }

  public int latentDim() {
    return latentDim;
  }

  /** The tensors in the fixed order W_ENC, B_ENC, W_DEC, B_DEC, THETA (live arrays). */
  public float[][] tensors() {
    return new float[][] {wEnc, bEnc, wDec, bDec, theta};
  }

  /** Rows of each tensor in {@link #tensors()} (its latent axis, or 1 for b_dec). */
  public int rows(int tensor) {
    return tensor == B_DEC ? 1 : latentDim;
  }

  public SaeParameters copy() {
    SaeParameters c = new SaeParameters(inputDim, latentDim);
    c.copyFrom(this);
    return c;
  }

  /** Overwrites this with {@code o}'s values (same shape). */
  public void copyFrom(SaeParameters o) {
    checkShape(o);
    System.arraycopy(o.wEnc, 0, wEnc, 0, wEnc.length);
    System.arraycopy(o.bEnc, 0, bEnc, 0, bEnc.length);
    System.arraycopy(o.wDec, 0, wDec, 0, wDec.length);
    System.arraycopy(o.bDec, 0, bDec, 0, bDec.length);
    System.arraycopy(o.theta, 0, theta, 0, theta.length);
    inferenceThreshold = o.inferenceThreshold;
  }

  private void checkShape(SaeParameters o) {
    if (o.inputDim != inputDim || o.latentDim != latentDim) {
      throw new IllegalArgumentException(
          "shape mismatch: expected d=" + inputDim + " n=" + latentDim + ", got d=" + o.inputDim
              + " n=" + o.latentDim);
    }
  }

  /** Sets every value to zero. */
  public void zero() {
    for (float[] t : tensors()) {
      java.util.Arrays.fill(t, 0f);
    }
    inferenceThreshold = 0f;
  }

  /** Sets b_enc, b_dec and θ to zero (not the weight matrices). */
  public void zeroBiases() {
    java.util.Arrays.fill(bEnc, 0f);
    java.util.Arrays.fill(bDec, 0f);
    java.util.Arrays.fill(theta, 0f);
    inferenceThreshold = 0f;
  }

  /** Whether every value is finite. */
  public boolean allFinite() {
    for (float[] t : tensors()) {
      for (float v : t) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
    }
    return Float.isFinite(inferenceThreshold);
  }

  /** Σ of squares over all tensors, in double. */
  public double squaredNorm() {
    double s = 0;
    for (float[] t : tensors()) {
      s += VectorOps.sumOfSquares(t, 0, t.length);
    }
    return s;
  }

  /** L2 norm of decoder direction j. */
  public double decoderNorm(int j) {
    return Math.sqrt(VectorOps.sumOfSquares(wDec, j * inputDim, inputDim));
  }

  /** The length of what {@link #write} writes. */
  public int writtenBytes() {
    long n = 2L * Integer.BYTES + Float.BYTES;
    for (float[] t : tensors()) {
      n += Integer.BYTES + (long) Float.BYTES * t.length;
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 8);
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(inputDim);
    out.writeInt(latentDim);
    for (float[] t : tensors()) {
      writeFloats(out, t);
    }
    out.writeFloat(inferenceThreshold);
  }

  public static SaeParameters read(DataInput in) throws IOException {
    int d = in.readInt();
    int n = in.readInt();
    if (d < 1 || n < 1 || (long) d * n > Integer.MAX_VALUE) {
      throw new IOException("corrupt parameters: d=" + d + " n=" + n);
    }
    SaeParameters p = new SaeParameters(d, n);
    for (float[] t : p.tensors()) {
      readFloats(in, t);
    }
    p.inferenceThreshold = in.readFloat();
    return p;
  }

  /** Writes the length and the values. */
  public static void writeFloats(DataOutput out, float[] a) throws IOException {
    out.writeInt(a.length);
    byte[] buf = new byte[Math.min(a.length, 8192) * 4];
    // big-endian, as DataOutput.writeFloat; a bulk put swaps the bytes many values at a time
    FloatBuffer view = ByteBuffer.wrap(buf).asFloatBuffer();
    int i = 0;
    while (i < a.length) {
      int len = Math.min(a.length - i, buf.length / 4);
      view.clear();
      view.put(a, i, len);
      out.write(buf, 0, len * 4);
      i += len;
    }
  }

  /** Reads values written by {@link #writeFloats} into {@code a}, whose length must match. */
  public static void readFloats(DataInput in, float[] a) throws IOException {
    int len = in.readInt();
    if (len != a.length) {
      throw new IOException("expected " + a.length + " values, found " + len);
    }
    byte[] buf = new byte[Math.min(a.length, 8192) * 4];
    FloatBuffer view = ByteBuffer.wrap(buf).asFloatBuffer();
    int i = 0;
    while (i < a.length) {
      int n = Math.min(a.length - i, buf.length / 4);
      in.readFully(buf, 0, n * 4);
      view.clear();
      view.get(a, i, n);
      i += n;
    }
  }
}
