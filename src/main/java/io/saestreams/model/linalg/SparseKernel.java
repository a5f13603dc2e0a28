package io.saestreams.model.linalg;

/**
 * The loops behind {@link SparseOps} and {@link VectorOps#dot}, with their arguments already
 * checked. Two implementations give the same bits: {@link ScalarSparseKernel}, and the Vector
 * API's {@code VectorSparseKernel} (loaded by {@link VectorKernel} when the JVM has {@code
 * jdk.incubator.vector}); {@link #active()} is the one in use.
 *
 * <p>Same bits because every output element goes through the same floating-point operations in
 * the same order: a dot product keeps eight partial sums, element t going to sum t mod 8 (the
 * tail to sum 0), added as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); a multiply-add
 * into a row is one fused multiply-add per element, terms in index order.
 */
interface SparseKernel {
  /** x[xo..xo+len)·y[yo..yo+len). */
  float dot(float[] x, int xo, float[] y, int yo, int len);

  /** {@link SparseOps#decode}, arguments checked; {@code wRows} = w.length / d. */
  void decode(int batch, int k, int[] idx, float[] val, float[] w, int wRows, int d, float[] out);

  /** {@link SparseOps#accumulateOuter}, arguments checked; {@code wRows} = dw.length / d. */
  void accumulateOuter(int batch, int k, int[] idx, float[] val, float[] g, int d, float[] dw, int wRows);

  /**
   * {@link SparseOps#gatherDots}, arguments checked; {@code wRows} = w.length / d, or
   * Integer.MAX_VALUE when d is 0 (every row is then empty, at offset 0).
   */
  void gatherDots(int batch, int k, int[] idx, float[] g, float[] w, int d, int wRows, float[] out);

  /** A short name for logs and benchmarks: "scalar" or "vector-256". */
  String name();

  /** The Vector API kernel when this JVM can run it, else the scalar one. */
  static SparseKernel active() {
    return VectorKernel.sparse();
  }
}
