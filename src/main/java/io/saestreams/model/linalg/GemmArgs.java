package io.saestreams.model.linalg;

import java.util.Objects;

/** Argument checks and the trivial cases shared by all {@link Gemm} backends. */
final class GemmArgs {

  private GemmArgs() {
  }

  /**
   * Validates the arguments of {@link Gemm#gemm}.
   *
   * @throws IllegalArgumentException if a dimension is negative or a leading dimension too small.
   * @throws IndexOutOfBoundsException if a matrix does not fit in its array.
   */
  static void check(boolean transA, boolean transB, int m, int n, int k,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(c, "c");
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("negative dimension: m=" + m + ", n=" + n + ", k=" + k);
    }
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    checkMatrix("A", a, aOff, lda, aRows, aCols);
    checkMatrix("B", b, bOff, ldb, bRows, bCols);
    checkMatrix("C", c, cOff, ldc, m, n);
  }

  private static void checkMatrix(String what, float[] x, int off, int ld, int rows, int cols) {
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          "leading dimension of " + what + " is " + ld + " but must be >= max(1, " + cols + ")");
    }
    if (off < 0) {
      throw new IndexOutOfBoundsException("offset of " + what + " is negative: " + off);
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long last = off + (long) (rows - 1) * ld + cols - 1;
    if (last >= x.length) {
      throw new IndexOutOfBoundsException(what + " (" + rows + "x" + cols + ", offset " + off
          + ", ld " + ld + ") needs index " + last + " but the array has length " + x.length);
    }
  }

  /**
   * Checks the arguments and handles the cases with no product to compute: an empty C, and
   * k = 0 or alpha = 0 (C = beta·C).
   *
   * @return true when C is final and the caller has nothing left to do
   */
  static boolean checkTrivial(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
      int ldc) {
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return true;
    }
    if (k == 0 || alpha == 0f) {
      scale(m, n, beta, c, cOff, ldc);
      return true;
    }
    return false;
  }

  /**
   * Sets the m&times;n matrix C to {@code beta*C}, writing exact zeros when {@code beta == 0}.
   *
   * @param c storage of C. Modified.
   */
  static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = row; j < row + n; j++) {
          c[j] *= beta;
        }
      }
    }
  }
}
