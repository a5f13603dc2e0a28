package io.saestreams.model.linalg;

/**
 * Products with TopK sparse codes, as used by a TopK sparse autoencoder.
 *
 * <p>A sparse code for a batch of B rows is given by {@code int[] idx} and {@code float[] val},
 * both of length at least B&middot;k: row b's active latents are at positions
 * {@code b*k .. b*k+k-1}. An index of -1 marks an unused slot, which is skipped. Dense matrices are
 * row-major and densely packed (row stride = column count).
 *
 * <p>All methods are static and allocation-free in steady state. They check their arguments and
 * run the {@link SparseKernel#active() active kernel}: the Vector API's when the JVM has {@code
 * jdk.incubator.vector} ({@code bin/sae-streams} and the container image add it), else the scalar
 * one; both give the same bits.
 */
public final class SparseOps {

  private static final SparseKernel KERNEL = SparseKernel.active();

  private SparseOps() {
  }

  /** The kernel these methods run: "vector-256" or "scalar". */
  public static String kernel() {
    return KERNEL.name();
  }

  private static void checkCode(int batch, int k, int[] idx, float[] val) {
    if (batch < 0 || k < 0) {
      throw new IllegalArgumentException("negative size: B=" + batch + ", k=" + k);
    }
    long need = (long) batch * k;
    if (idx.length < need || (val != null && val.length < need)) {
      throw new IndexOutOfBoundsException("sparse code needs " + need + " entries, idx has "
          + idx.length + (val != null ? ", val has " + val.length : ""));
    }
  }

  private static void checkDense(String what, float[] x, long rows, int d) {
    if (d < 0) {
      throw new IllegalArgumentException("negative d: " + d);
    }
    if (x.length < rows * d) {
      throw new IndexOutOfBoundsException(
          what + " needs " + rows * d + " elements but has " + x.length);
    }
  }

  static int rowOf(int id, int rows, int d) {
    if (id >= rows) {
      throw new IndexOutOfBoundsException(
          "latent index " + id + " outside a matrix of " + rows + " rows of width " + d);
    }
    return id * d;
  }

  /**
   * Sparse decode: {@code out[b,:] += sum_j val[b*k+j] * w[idx[b*k+j], :]}.
   *
   * @param batch number of rows B.
   * @param k active latents per row.
   * @param idx latent indices, -1 for unused slots. Not modified.
   * @param val latent values. Not modified.
   * @param w decoder weights, n&times;d row-major. Not modified.
   * @param d row width of w and out.
   * @param out B&times;d output, accumulated into. Modified.
   */
  public static void decode(int batch, int k, int[] idx, float[] val, float[] w, int d,
                            float[] out) {
    checkCode(batch, k, idx, val);
    checkDense("out", out, batch, d);
    if (batch == 0 || d == 0) {
      return;
    }
    KERNEL.decode(batch, k, idx, val, w, w.length / d, d, out);
  }

  /**
   * Sparse outer-product accumulation (decoder weight gradient):
   * {@code dw[idx[b*k+j], :] += val[b*k+j] * g[b, :]}.
   *
   * @param batch number of rows B.
   * @param k active latents per row.
   * @param idx latent indices, -1 for unused slots. Not modified.
   * @param val latent values. Not modified.
   * @param g B&times;d row-major. Not modified.
   * @param d row width of g and dw.
   * @param dw n&times;d row-major, accumulated into. Modified.
   */
  public static void accumulateOuter(int batch, int k, int[] idx, float[] val, float[] g, int d,
                                     float[] dw) {
    checkCode(batch, k, idx, val);
    checkDense("g", g, batch, d);
    if (batch == 0 || d == 0) {
      return;
    }
    KERNEL.accumulateOuter(batch, k, idx, val, g, d, dw, dw.length / d);
  }

  /**
   * Gathered dot products (gradient with respect to the active latents):
   * {@code out[b*k+j] = g[b, :] . w[idx[b*k+j], :]}, and 0 for unused slots.
   *
   * @param batch number of rows B.
   * @param k active latents per row.
   * @param idx latent indices, -1 for unused slots. Not modified.
   * @param g B&times;d row-major. Not modified.
   * @param w n&times;d row-major. Not modified.
   * @param d row width of g and w.
   * @param out B&middot;k results. Modified.
   */
  public static void gatherDots(int batch, int k, int[] idx, float[] g, float[] w, int d,
                                float[] out) {
    checkCode(batch, k, idx, null);
    checkDense("g", g, batch, d);
    if ((long) batch * k > out.length) {
      throw new IndexOutOfBoundsException("out needs " + (long) batch * k
          + " elements but has " + out.length);
    }
    KERNEL.gatherDots(batch, k, idx, g, w, d, d == 0 ? Integer.MAX_VALUE : w.length / d, out);
  }
}
