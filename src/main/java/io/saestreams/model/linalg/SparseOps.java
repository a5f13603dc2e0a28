package io.saestreams.model.linalg;

/** Products with a sparse code given as k (index, value) pairs per row; index −1 is unused. */
public final class SparseOps {
  private SparseOps() {}

  /** out[b,:] += Σ_j val[b,j]·w[idx[b,j],:]. */
  public static void decode(int rows, int k, int[] idx, float[] val, float[] w, int d, float[] out) {
    for (int b = 0; b < rows; b++) {
      int o = b * d;
      for (int j = 0; j < k; j++) {
        int c = idx[b * k + j];
        if (c < 0) {
          continue;
        }
        float v = val[b * k + j];
        int wo = c * d;
        for (int i = 0; i < d; i++) {
          out[o + i] += v * w[wo + i];
        }
      }
    }
  }

  /** dw[idx[b,j],:] += val[b,j]·g[b,:]. */
  public static void accumulateOuter(
      int rows, int k, int[] idx, float[] val, float[] g, int d, float[] dw) {
    for (int b = 0; b < rows; b++) {
      int go = b * d;
      for (int j = 0; j < k; j++) {
        int c = idx[b * k + j];
        if (c < 0) {
          continue;
        }
        float v = val[b * k + j];
        int wo = c * d;
        for (int i = 0; i < d; i++) {
          dw[wo + i] += v * g[go + i];
        }
      }
    }
  }

  /** out[b·k+j] = g[b,:]·w[idx[b,j],:] (0 for unused slots). */
  public static void gatherDots(int rows, int k, int[] idx, float[] g, float[] w, int d, float[] out) {
    for (int b = 0; b < rows; b++) {
      int go = b * d;
      for (int j = 0; j < k; j++) {
        int c = idx[b * k + j];
        float s = 0f;
        if (c >= 0) {
          int wo = c * d;
          for (int i = 0; i < d; i++) {
            s += g[go + i] * w[wo + i];
          }
        }
        out[b * k + j] = s;
      }
    }
  }
}
