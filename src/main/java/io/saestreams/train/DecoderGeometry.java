package io.saestreams.train;

import io.saestreams.model.SaeParameters;
import io.saestreams.model.linalg.Gemm;

/** Geometry of a dictionary's decoder directions. */
public final class DecoderGeometry {
  /** Rows of W_dec per product block: bounds the work array at BLOCK×n floats. */
  static final int BLOCK = 256;

  private DecoderGeometry() {}

  /**
   * max_{i≠j} ⟨w_i, w_j⟩ / (‖w_i‖·‖w_j‖) over the decoder directions (rows of W_dec); directions of
   * norm 0 take no part; NaN with fewer than two. Computed as blocks of W·Wᵀ: O(n²·d).
   *
   * @param p parameters. Not modified.
   */
  public static double maxCosine(SaeParameters p, Gemm gemm) {
    int d = p.inputDim();
    int n = p.latentDim();
    double[] inv = new double[n];
    for (int j = 0; j < n; j++) {
      double norm = p.decoderNorm(j);
      inv[j] = norm > 0 ? 1 / norm : 0;
    }
    int block = Math.min(BLOCK, n);
    float[] g = new float[block * n];
    double max = Double.NEGATIVE_INFINITY;
    for (int from = 0; from < n; from += block) {
      int rows = Math.min(block, n - from);
      // G = W[from..from+rows)·Wᵀ
      gemm.gemm(false, true, rows, n, d, 1f, p.wDec, from * d, d, p.wDec, 0, d, 0f, g, 0, n);
      for (int r = 0; r < rows; r++) {
        int i = from + r;
        if (inv[i] == 0) {
          continue;
        }
        for (int j = 0; j < n; j++) {
          if (j != i && inv[j] != 0) {
            max = Math.max(max, g[r * n + j] * inv[i] * inv[j]);
          }
        }
      }
    }
    return max == Double.NEGATIVE_INFINITY ? Double.NaN : max;
  }
}
