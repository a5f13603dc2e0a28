package io.saestreams.model.linalg;

/**
 * General single-precision matrix multiply on row-major matrices stored in flat arrays.
 *
 * <p>Computes {@code C = alpha*op(A)*op(B) + beta*C} where {@code op(X)} is {@code X} or its
 * transpose. {@code op(A)} is m&times;k, {@code op(B)} is k&times;n and {@code C} is m&times;n.
 * Each matrix is row-major: element (r, c) of a stored matrix X lives at
 * {@code x[xOff + r*ldx + c]}. When {@code transA} is set, A is stored k&times;m (so {@code lda >= m});
 * otherwise it is stored m&times;k ({@code lda >= k}). Likewise B is stored n&times;k when
 * {@code transB} is set and k&times;n otherwise. C must not overlap A or B.
 *
 * <p>When {@code beta == 0} the previous contents of C are ignored, even NaN or infinite values.
 * m, n and k may be 0; k == 0 (or alpha == 0) means {@code C = beta*C}.
 *
 * <p>Implementations are safe to use from several threads at once as long as the threads write
 * to different C regions.
 */
public interface Gemm {

  /**
   * Computes {@code C = alpha*op(A)*op(B) + beta*C}.
   *
   * @param transA whether op(A) is the transpose of the stored A.
   * @param transB whether op(B) is the transpose of the stored B.
   * @param m rows of op(A) and of C.
   * @param n columns of op(B) and of C.
   * @param k columns of op(A) and rows of op(B).
   * @param alpha scale of the product.
   * @param a storage of A. Not modified.
   * @param aOff index of A's first element in {@code a}.
   * @param lda leading dimension (row stride) of the stored A.
   * @param b storage of B. Not modified.
   * @param bOff index of B's first element in {@code b}.
   * @param ldb leading dimension (row stride) of the stored B.
   * @param beta scale of the previous C; 0 means C's previous contents are ignored.
   * @param c storage of C. Modified.
   * @param cOff index of C's first element in {@code c}.
   * @param ldc leading dimension (row stride) of C.
   * @throws IllegalArgumentException if a dimension is negative or a leading dimension too small.
   * @throws IndexOutOfBoundsException if a matrix does not fit in its array.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float beta, float[] c, int cOff, int ldc);

  /**
   * Computes {@code C = alpha*op(A)*op(B) + beta*C}, as {@link #gemm}, for a B whose array the
   * caller does not modify for as long as it keeps calling with it (the weights of an immutable
   * model). A backend that copies its operands out of the Java heap for every call may then keep
   * B's copy between calls, matched by the array's identity, offset and span; the result is the
   * same, bit for bit, as {@link #gemm}'s. Modifying the array in between is not detected and
   * gives products with its old contents.
   *
   * <p>By default this is {@link #gemm}.
   *
   * @see #gemm
   */
  default void gemmConstantB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
    gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * Returns the backend's short name: "naive", "ejml", "java", "java-vector", "native" or
   * "openblas-bundled".
   *
   * @return the name accepted by {@link Gemms#create(String)} for this backend.
   */
  String name();
}
