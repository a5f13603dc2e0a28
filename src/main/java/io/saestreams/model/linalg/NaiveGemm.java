package io.saestreams.model.linalg;

/** Reference triple loop. */
public final class NaiveGemm implements Gemm {
  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += (double) av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * c[ci]));
      }
    }
  }

  @Override
  public String name() {
    return "naive";
  }
}
