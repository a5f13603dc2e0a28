package io.saestreams.model.linalg;

/** Row-major single-precision matrix product C = alpha·op(A)·op(B) + beta·C. */
public interface Gemm {
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc);

  String name();
}
