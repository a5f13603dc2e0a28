package io.saestreams.model.linalg;

/**
 * Reference GEMM: a plain triple loop accumulating every dot product in double precision.
 * Slow; used as the ground truth in tests.
 */
public final class NaiveGemm implements Gemm {

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          sum += (double) av * bv;
        }
        int ci = cOff + i * ldc + j;
        double prev = beta == 0f ? 0.0 : (double) beta * c[ci];
        c[ci] = (float) (alpha * sum + prev);
      }
    }
  }

  @Override
  public String name() {
    return "naive";
  }
}
