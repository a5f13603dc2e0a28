package io.saestreams.model.linalg;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * GEMM through EJML's {@link CommonOps_FDRM}; always available, pure Java, moderately fast.
 *
 * <p>A matrix whose offset is 0 and whose leading dimension equals its column count is wrapped
 * in an {@link FMatrixRMaj} without copying; any other layout is copied into a per-thread scratch
 * matrix (and C is copied back afterwards). EJML computes {@code C = alpha*op(A)*op(B)} or
 * {@code C += alpha*op(A)*op(B)}; other values of beta are applied by scaling C first.
 */
public final class EjmlGemm implements Gemm {

  private static final ThreadLocal<FMatrixRMaj[]> SCRATCH = ThreadLocal.withInitial(
      () -> new FMatrixRMaj[] {new FMatrixRMaj(1, 1), new FMatrixRMaj(1, 1), new FMatrixRMaj(1, 1)});

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    if (GemmArgs.checkTrivial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        c, cOff, ldc)) {
      return;
    }
    FMatrixRMaj[] scratch = SCRATCH.get();
    FMatrixRMaj ma = view(a, aOff, lda, transA ? k : m, transA ? m : k, scratch[0], true);
    FMatrixRMaj mb = view(b, bOff, ldb, transB ? n : k, transB ? k : n, scratch[1], true);
    // C only needs its old values copied in when beta != 0
    FMatrixRMaj mc = view(c, cOff, ldc, m, n, scratch[2], beta != 0f);
    boolean add = beta != 0f;
    if (add && beta != 1f) {
      CommonOps_FDRM.scale(beta, mc);
    }
    if (!transA && !transB) {
      if (add) {
        CommonOps_FDRM.multAdd(alpha, ma, mb, mc);
      } else {
        CommonOps_FDRM.mult(alpha, ma, mb, mc);
      }
    } else if (transA && !transB) {
      if (add) {
        CommonOps_FDRM.multAddTransA(alpha, ma, mb, mc);
      } else {
        CommonOps_FDRM.multTransA(alpha, ma, mb, mc);
      }
    } else if (!transA) {
      if (add) {
        CommonOps_FDRM.multAddTransB(alpha, ma, mb, mc);
      } else {
        CommonOps_FDRM.multTransB(alpha, ma, mb, mc);
      }
    } else {
      if (add) {
        CommonOps_FDRM.multAddTransAB(alpha, ma, mb, mc);
      } else {
        CommonOps_FDRM.multTransAB(alpha, ma, mb, mc);
      }
    }
    if (mc.data != c) {
      for (int i = 0; i < m; i++) {
        System.arraycopy(mc.data, i * n, c, cOff + i * ldc, n);
      }
    }
  }

  /**
   * Returns a rows&times;cols EJML matrix holding the given region: a wrapper around {@code x}
   * when the region is the dense start of the array, else {@code scratch} reshaped and (if
   * {@code fill}) filled with a copy.
   *
   * @param x source storage. Not modified.
   * @param scratch reusable matrix for the copy. Modified.
   */
  private static FMatrixRMaj view(float[] x, int off, int ld, int rows, int cols,
                                  FMatrixRMaj scratch, boolean fill) {
    if (off == 0 && ld == cols) {
      return FMatrixRMaj.wrap(rows, cols, x);
    }
    scratch.reshape(rows, cols, false);
    if (fill) {
      for (int i = 0; i < rows; i++) {
        System.arraycopy(x, off + i * ld, scratch.data, i * cols, cols);
      }
    }
    return scratch;
  }

  @Override
  public String name() {
    return "ejml";
  }
}
