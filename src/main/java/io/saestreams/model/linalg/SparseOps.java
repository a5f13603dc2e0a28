package io.saestreams.model.linalg;

/**
 * Products with TopK sparse codes, as used by a TopK sparse autoencoder.
 *
 * <p>A sparse code for a batch of B rows is given by {@code int[] idx} and {@code float[] val},
 * both of length at least B&middot;k: row b's active latents are at positions
 * {@code b*k .. b*k+k-1}. An index of -1 marks an unused slot, which is skipped. Dense matrices are
 * row-major and densely packed (row stride = column count).
 *
 * <p>All methods are static and allocation-free in steady state (a small per-thread scratch row
 * is allocated on a thread's first call and grown if a larger d is seen). Inner loops run on
 * offset-0 scratch rows because HotSpot C2 in JDK 17 only auto-vectorizes loops whose array
 * accesses share one index expression.
 */
public final class SparseOps {

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});

  private SparseOps() {
  }

  private static float[][] scratch(int d) {
    float[][] s = SCRATCH.get();
    if (s[0].length < d) {
      s[0] = new float[d];
      s[1] = new float[d];
      s[2] = new float[d];
    }
    return s;
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

  private static int rowOf(int id, int rows, int d) {
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
    int wRows = w.length / d;
    float[][] s = scratch(d);
    float[] acc = s[0];
    float[] r0 = s[1];
    float[] r1 = s[2];
    for (int b = 0; b < batch; b++) {
      int o = b * d;
      System.arraycopy(out, o, acc, 0, d);
      int base = b * k;
      int pending = -1;
      float pendingVal = 0f;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          continue;
        }
        int row = rowOf(id, wRows, d);
        if (pending < 0) {
          pending = row;
          pendingVal = val[base + j];
          continue;
        }
        float v0 = pendingVal;
        float v1 = val[base + j];
        System.arraycopy(w, pending, r0, 0, d);
        System.arraycopy(w, row, r1, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v1, r1[t], Math.fma(v0, r0[t], acc[t]));
        }
        pending = -1;
      }
      if (pending >= 0) {
        float v0 = pendingVal;
        System.arraycopy(w, pending, r0, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v0, r0[t], acc[t]);
        }
      }
      System.arraycopy(acc, 0, out, o, d);
    }
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
    int wRows = dw.length / d;
    float[][] s = scratch(d);
    float[] acc = s[0];
    float[] gRow = s[1];
    for (int b = 0; b < batch; b++) {
      int base = b * k;
      boolean loaded = false;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          continue;
        }
        int row = rowOf(id, wRows, d);
        if (!loaded) {
          System.arraycopy(g, b * d, gRow, 0, d);
          loaded = true;
        }
        float v = val[base + j];
        System.arraycopy(dw, row, acc, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v, gRow[t], acc[t]);
        }
        System.arraycopy(acc, 0, dw, row, d);
      }
    }
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
    int wRows = d == 0 ? Integer.MAX_VALUE : w.length / d;
    for (int b = 0; b < batch; b++) {
      int gRow = b * d;
      int base = b * k;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          out[base + j] = 0f;
          continue;
        }
        int wRow = d == 0 ? 0 : rowOf(id, wRows, d);
        out[base + j] = VectorOps.dot(g, gRow, w, wRow, d);
      }
    }
  }
}
