package io.saestreams.model.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pure-Java GEMM on the Vector API ({@code jdk.incubator.vector}, Java 17 and later): the same
 * cache blocking and B packing as {@link JavaGemm}, but a register-blocked micro-kernel that keeps
 * a 4-row by 2-vector tile of C in registers over a whole depth block (8 accumulators; per depth
 * step 2 vector loads of packed B, 4 broadcasts of A and 8 fused multiply-adds), where JavaGemm's
 * auto-vectorized loop loads and stores its accumulators at every other depth step.
 *
 * <p>Compiled from {@code src/main/vector-api} (compiler execution vector-api, against the
 * incubator module) and only ever loaded reflectively by {@link VectorKernel}, when the JVM was
 * started with {@code --add-modules jdk.incubator.vector} ({@code bin/sae-streams} adds it).
 */
final class VectorGemm implements Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 4;

  private static final ThreadLocal<float[][]> PANEL =
      ThreadLocal.withInitial(() -> new float[JavaGemm.KC][JavaGemm.NC]);

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    if (GemmArgs.checkTrivial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        c, cOff, ldc)) {
      return;
    }
    // C = beta·C first (beta == 0 ignores C, NaN included); the kernels then only add
    GemmArgs.scale(m, n, beta, c, cOff, ldc);
    float[][] rows = PANEL.get();
    int aRs = transA ? 1 : lda;
    int aCs = transA ? lda : 1;
    int kBlocks = (k + JavaGemm.KC - 1) / JavaGemm.KC;
    int kcNominal = Math.min(JavaGemm.KC, (k + kBlocks - 1) / kBlocks);
    int nBlocks = (n + JavaGemm.NC - 1) / JavaGemm.NC;
    int ncNominal = Math.min(JavaGemm.NC, (((n + nBlocks - 1) / nBlocks) + 15) & ~15);
    for (int jc = 0; jc < n; jc += ncNominal) {
      int nc = Math.min(ncNominal, n - jc);
      for (int pc = 0; pc < k; pc += kcNominal) {
        int kc = Math.min(kcNominal, k - pc);
        JavaGemm.packB(transB, b, bOff, ldb, pc, kc, jc, nc, rows);
        int i = 0;
        for (; i + MR <= m; i += MR) {
          kernel4(a, aOff + i * aRs + pc * aCs, aRs, aCs, alpha, rows, kc, nc, c,
              cOff + i * ldc + jc, ldc);
        }
        for (; i < m; i++) {
          kernel1(a, aOff + i * aRs + pc * aCs, aCs, alpha, rows, kc, nc, c, cOff + i * ldc + jc);
        }
      }
    }
  }

  /** C[0..4)[0..nc) += alpha·A(4×kc)·rows, C row r at c[c0 + r·ldc]. */
  private static void kernel4(float[] a, int aBase, int aRs, int aCs, float alpha,
                              float[][] rows, int kc, int nc, float[] c, int c0, int ldc) {
    int j = 0;
    for (; j + 2 * L <= nc; j += 2 * L) {
      FloatVector c00 = FloatVector.zero(S);
      FloatVector c01 = FloatVector.zero(S);
      FloatVector c10 = FloatVector.zero(S);
      FloatVector c11 = FloatVector.zero(S);
      FloatVector c20 = FloatVector.zero(S);
      FloatVector c21 = FloatVector.zero(S);
      FloatVector c30 = FloatVector.zero(S);
      FloatVector c31 = FloatVector.zero(S);
      for (int p = 0; p < kc; p++) {
        float[] bp = rows[p];
        FloatVector b0 = FloatVector.fromArray(S, bp, j);
        FloatVector b1 = FloatVector.fromArray(S, bp, j + L);
        int q = aBase + p * aCs;
        FloatVector x0 = FloatVector.broadcast(S, alpha * a[q]);
        FloatVector x1 = FloatVector.broadcast(S, alpha * a[q + aRs]);
        FloatVector x2 = FloatVector.broadcast(S, alpha * a[q + 2 * aRs]);
        FloatVector x3 = FloatVector.broadcast(S, alpha * a[q + 3 * aRs]);
        c00 = b0.fma(x0, c00);
        c01 = b1.fma(x0, c01);
        c10 = b0.fma(x1, c10);
        c11 = b1.fma(x1, c11);
        c20 = b0.fma(x2, c20);
        c21 = b1.fma(x2, c21);
        c30 = b0.fma(x3, c30);
        c31 = b1.fma(x3, c31);
      }
      add(c, c0 + j, c00, c01);
      add(c, c0 + ldc + j, c10, c11);
      add(c, c0 + 2 * ldc + j, c20, c21);
      add(c, c0 + 3 * ldc + j, c30, c31);
    }
    for (; j + L <= nc; j += L) {
      FloatVector c0v = FloatVector.zero(S);
      FloatVector c1v = FloatVector.zero(S);
      FloatVector c2v = FloatVector.zero(S);
      FloatVector c3v = FloatVector.zero(S);
      for (int p = 0; p < kc; p++) {
        FloatVector b0 = FloatVector.fromArray(S, rows[p], j);
        int q = aBase + p * aCs;
        c0v = b0.fma(FloatVector.broadcast(S, alpha * a[q]), c0v);
        c1v = b0.fma(FloatVector.broadcast(S, alpha * a[q + aRs]), c1v);
        c2v = b0.fma(FloatVector.broadcast(S, alpha * a[q + 2 * aRs]), c2v);
        c3v = b0.fma(FloatVector.broadcast(S, alpha * a[q + 3 * aRs]), c3v);
      }
      FloatVector.fromArray(S, c, c0 + j).add(c0v).intoArray(c, c0 + j);
      FloatVector.fromArray(S, c, c0 + ldc + j).add(c1v).intoArray(c, c0 + ldc + j);
      FloatVector.fromArray(S, c, c0 + 2 * ldc + j).add(c2v).intoArray(c, c0 + 2 * ldc + j);
      FloatVector.fromArray(S, c, c0 + 3 * ldc + j).add(c3v).intoArray(c, c0 + 3 * ldc + j);
    }
    for (; j < nc; j++) {
      for (int r = 0; r < MR; r++) {
        float s = 0f;
        int q = aBase + r * aRs;
        for (int p = 0; p < kc; p++) {
          s = Math.fma(a[q + p * aCs], rows[p][j], s);
        }
        c[c0 + r * ldc + j] += alpha * s;
      }
    }
  }

  /** One row: C[0..nc) += alpha·A(1×kc)·rows. */
  private static void kernel1(float[] a, int aBase, int aCs, float alpha, float[][] rows,
                              int kc, int nc, float[] c, int c0) {
    int j = 0;
    for (; j + 2 * L <= nc; j += 2 * L) {
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = FloatVector.zero(S);
      for (int p = 0; p < kc; p++) {
        FloatVector x = FloatVector.broadcast(S, alpha * a[aBase + p * aCs]);
        s0 = FloatVector.fromArray(S, rows[p], j).fma(x, s0);
        s1 = FloatVector.fromArray(S, rows[p], j + L).fma(x, s1);
      }
      add(c, c0 + j, s0, s1);
    }
    for (; j + L <= nc; j += L) {
      FloatVector s0 = FloatVector.zero(S);
      for (int p = 0; p < kc; p++) {
        s0 = FloatVector.fromArray(S, rows[p], j)
            .fma(FloatVector.broadcast(S, alpha * a[aBase + p * aCs]), s0);
      }
      FloatVector.fromArray(S, c, c0 + j).add(s0).intoArray(c, c0 + j);
    }
    for (; j < nc; j++) {
      float s = 0f;
      for (int p = 0; p < kc; p++) {
        s = Math.fma(a[aBase + p * aCs], rows[p][j], s);
      }
      c[c0 + j] += alpha * s;
    }
  }

  private static void add(float[] c, int at, FloatVector v0, FloatVector v1) {
    FloatVector.fromArray(S, c, at).add(v0).intoArray(c, at);
    FloatVector.fromArray(S, c, at + L).add(v1).intoArray(c, at + L);
  }

  @Override
  public String name() {
    return "java-vector";
  }
}
