package io.saestreams.model.linalg;

import java.util.Arrays;

/**
 * Fast single-threaded pure-Java GEMM, written so that HotSpot C2 auto-vectorizes its inner loop
 * (AVX2 / AVX-512 where available) without any incubator module or native code.
 *
 * <p>Structure (for every transpose combination):
 * <ol>
 *   <li>Cache blocking: the columns of C are split into panels of at most {@link #NC} columns and
 *       the shared dimension into blocks of at most {@link #KC}. For each (column panel, depth
 *       block) the block of op(B) is packed, already transposed when B is, into {@code KC} separate
 *       row arrays of length {@code NC}; that packed panel (&le; 512 KiB) stays in L2 and is reused
 *       for every row of C.</li>
 *   <li>Register blocking: three rows of C at a time are copied into three separate accumulator
 *       arrays, then updated two depth steps at a time:
 *       {@code acc_r[j] += a_r0*b_0[j] + a_r1*b_1[j]} for r = 0..2, with the six A scalars
 *       (already multiplied by alpha) hoisted out of the j loop. Each loaded vector of B feeds three
 *       fused multiply-adds. Finally the accumulators are copied back into C.</li>
 * </ol>
 *
 * <p>Why separate arrays: C2 in JDK 17 refuses to vectorize a loop whose array accesses use
 * different loop-invariant offsets (for example {@code c[cOff + j] += s * b[bOff + j]}); it only
 * vectorizes when every access is indexed by the bare induction variable (or by one and the same
 * expression). Packing into offset-0 arrays costs a copy of each panel but turns a 6 GFLOP/s scalar
 * loop into a 60+ GFLOP/s vector loop. The loop body is also kept small (3 rows &times; 2 depth
 * steps): C2 gives up on vectorizing bodies with many more memory operations.
 *
 * <p>Work buffers (about 0.5 MiB) are allocated once per thread and reused, so steady-state calls
 * allocate nothing. Instances are stateless and thread-safe.
 */
public final class JavaGemm implements Gemm {

  /** Maximum number of columns of C (and of op(B)) in one packed panel. */
  static final int NC = 1024;
  /** Maximum depth (rows of op(B)) of one packed panel. */
  static final int KC = 128;
  /** Rows of C updated together by the micro-kernel. */
  static final int MR = 3;

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** Per-thread packing and accumulator buffers. */
  private static final class Workspace {
    final float[][] bRows = new float[KC][NC];
    final float[] acc0 = new float[NC];
    final float[] acc1 = new float[NC];
    final float[] acc2 = new float[NC];
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    if (GemmArgs.checkTrivial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
        c, cOff, ldc)) {
      return;
    }
    Workspace ws = WORKSPACE.get();
    // A(i, p) = a[aOff + i*aRs + p*aCs]
    int aRs = transA ? 1 : lda;
    int aCs = transA ? lda : 1;
    // balanced depth blocks of even length (except possibly for k itself)
    int kBlocks = (k + KC - 1) / KC;
    int kcNominal = (k + kBlocks - 1) / kBlocks;
    kcNominal = Math.min(KC, (kcNominal + 1) & ~1);
    int nBlocks = (n + NC - 1) / NC;
    int ncNominal = (n + nBlocks - 1) / nBlocks;
    ncNominal = Math.min(NC, (ncNominal + 15) & ~15);

    for (int jc = 0; jc < n; jc += ncNominal) {
      int nc = Math.min(ncNominal, n - jc);
      for (int pc = 0; pc < k; pc += kcNominal) {
        int kc = Math.min(kcNominal, k - pc);
        packB(transB, b, bOff, ldb, pc, kc, jc, nc, ws.bRows);
        boolean first = pc == 0;
        int i = 0;
        for (; i + MR <= m; i += MR) {
          int c0 = cOff + i * ldc + jc;
          loadC(c, c0, ws.acc0, nc, first, beta);
          loadC(c, c0 + ldc, ws.acc1, nc, first, beta);
          loadC(c, c0 + 2 * ldc, ws.acc2, nc, first, beta);
          kernel3(a, aOff + i * aRs + pc * aCs, aRs, aCs, alpha, ws.bRows, kc, nc,
              ws.acc0, ws.acc1, ws.acc2);
          System.arraycopy(ws.acc0, 0, c, c0, nc);
          System.arraycopy(ws.acc1, 0, c, c0 + ldc, nc);
          System.arraycopy(ws.acc2, 0, c, c0 + 2 * ldc, nc);
        }
        if (m - i == 2) {
          int c0 = cOff + i * ldc + jc;
          loadC(c, c0, ws.acc0, nc, first, beta);
          loadC(c, c0 + ldc, ws.acc1, nc, first, beta);
          kernel2(a, aOff + i * aRs + pc * aCs, aRs, aCs, alpha, ws.bRows, kc, nc,
              ws.acc0, ws.acc1);
          System.arraycopy(ws.acc0, 0, c, c0, nc);
          System.arraycopy(ws.acc1, 0, c, c0 + ldc, nc);
        } else if (m - i == 1) {
          int c0 = cOff + i * ldc + jc;
          loadC(c, c0, ws.acc0, nc, first, beta);
          kernel1(a, aOff + i * aRs + pc * aCs, aCs, alpha, ws.bRows, kc, nc, ws.acc0);
          System.arraycopy(ws.acc0, 0, c, c0, nc);
        }
      }
    }
  }

  /**
   * Copies the kc&times;nc block of op(B) starting at (pc, jc) into {@code rows[0..kc)[0..nc)}.
   *
   * @param rows packed destination. Modified.
   */
  static void packB(boolean transB, float[] b, int bOff, int ldb,
                            int pc, int kc, int jc, int nc, float[][] rows) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, bOff + (pc + p) * ldb + jc, rows[p], 0, nc);
      }
      return;
    }
    // op(B)(p, j) = b[bOff + j*ldb + p]: read each stored row once, scatter into kc arrays.
    // Four stored rows at a time so each destination cache line is touched fewer times.
    int j = 0;
    for (; j + 4 <= nc; j += 4) {
      int s0 = bOff + (jc + j) * ldb + pc;
      int s1 = s0 + ldb;
      int s2 = s1 + ldb;
      int s3 = s2 + ldb;
      for (int p = 0; p < kc; p++) {
        float[] r = rows[p];
        r[j] = b[s0 + p];
        r[j + 1] = b[s1 + p];
        r[j + 2] = b[s2 + p];
        r[j + 3] = b[s3 + p];
      }
    }
    for (; j < nc; j++) {
      int s0 = bOff + (jc + j) * ldb + pc;
      for (int p = 0; p < kc; p++) {
        rows[p][j] = b[s0 + p];
      }
    }
  }

  /**
   * Fills an accumulator with a row segment of C; on the first depth block C is scaled by beta
   * (or ignored when beta is 0).
   *
   * @param acc accumulator. Modified.
   */
  private static void loadC(float[] c, int from, float[] acc, int nc, boolean first, float beta) {
    if (first && beta == 0f) {
      Arrays.fill(acc, 0, nc, 0f);
      return;
    }
    System.arraycopy(c, from, acc, 0, nc);
    if (first && beta != 1f) {
      for (int j = 0; j < nc; j++) {
        acc[j] *= beta;
      }
    }
  }

  /**
   * acc_r[0..nc) += alpha * sum_p A(r, p) * rows[p][0..nc) for r = 0..2, p = 0..kc-1.
   *
   * @param acc0 row 0 accumulator. Modified.
   * @param acc1 row 1 accumulator. Modified.
   * @param acc2 row 2 accumulator. Modified.
   */
  private static void kernel3(float[] a, int aBase, int aRs, int aCs, float alpha,
                              float[][] rows, int kc, int nc,
                              float[] acc0, float[] acc1, float[] acc2) {
    int p = 0;
    for (; p + 2 <= kc; p += 2) {
      int q0 = aBase + p * aCs;
      int q1 = q0 + aCs;
      float a00 = alpha * a[q0];
      float a01 = alpha * a[q1];
      float a10 = alpha * a[q0 + aRs];
      float a11 = alpha * a[q1 + aRs];
      float a20 = alpha * a[q0 + 2 * aRs];
      float a21 = alpha * a[q1 + 2 * aRs];
      float[] b0 = rows[p];
      float[] b1 = rows[p + 1];
      for (int j = 0; j < nc; j++) {
        float x0 = b0[j];
        float x1 = b1[j];
        acc0[j] = Math.fma(a01, x1, Math.fma(a00, x0, acc0[j]));
        acc1[j] = Math.fma(a11, x1, Math.fma(a10, x0, acc1[j]));
        acc2[j] = Math.fma(a21, x1, Math.fma(a20, x0, acc2[j]));
      }
    }
    if (p < kc) {
      int q0 = aBase + p * aCs;
      float a00 = alpha * a[q0];
      float a10 = alpha * a[q0 + aRs];
      float a20 = alpha * a[q0 + 2 * aRs];
      float[] b0 = rows[p];
      for (int j = 0; j < nc; j++) {
        float x0 = b0[j];
        acc0[j] = Math.fma(a00, x0, acc0[j]);
        acc1[j] = Math.fma(a10, x0, acc1[j]);
        acc2[j] = Math.fma(a20, x0, acc2[j]);
      }
    }
  }

  /**
   * Two-row variant of {@link #kernel3}.
   *
   * @param acc0 row 0 accumulator. Modified.
   * @param acc1 row 1 accumulator. Modified.
   */
  private static void kernel2(float[] a, int aBase, int aRs, int aCs, float alpha,
                              float[][] rows, int kc, int nc, float[] acc0, float[] acc1) {
    int p = 0;
    for (; p + 2 <= kc; p += 2) {
      int q0 = aBase + p * aCs;
      int q1 = q0 + aCs;
      float a00 = alpha * a[q0];
      float a01 = alpha * a[q1];
      float a10 = alpha * a[q0 + aRs];
      float a11 = alpha * a[q1 + aRs];
      float[] b0 = rows[p];
      float[] b1 = rows[p + 1];
      for (int j = 0; j < nc; j++) {
        float x0 = b0[j];
        float x1 = b1[j];
        acc0[j] = Math.fma(a01, x1, Math.fma(a00, x0, acc0[j]));
        acc1[j] = Math.fma(a11, x1, Math.fma(a10, x0, acc1[j]));
      }
    }
    if (p < kc) {
      int q0 = aBase + p * aCs;
      float a00 = alpha * a[q0];
      float a10 = alpha * a[q0 + aRs];
      float[] b0 = rows[p];
      for (int j = 0; j < nc; j++) {
        float x0 = b0[j];
        acc0[j] = Math.fma(a00, x0, acc0[j]);
        acc1[j] = Math.fma(a10, x0, acc1[j]);
      }
    }
  }

  /**
   * One-row variant of {@link #kernel3}, four depth steps at a time.
   *
   * @param acc0 row accumulator. Modified.
   */
  private static void kernel1(float[] a, int aBase, int aCs, float alpha,
                              float[][] rows, int kc, int nc, float[] acc0) {
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      int q = aBase + p * aCs;
      float a0 = alpha * a[q];
      float a1 = alpha * a[q + aCs];
      float a2 = alpha * a[q + 2 * aCs];
      float a3 = alpha * a[q + 3 * aCs];
      float[] b0 = rows[p];
      float[] b1 = rows[p + 1];
      float[] b2 = rows[p + 2];
      float[] b3 = rows[p + 3];
      for (int j = 0; j < nc; j++) {
        acc0[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], Math.fma(a1, b1[j],
            Math.fma(a0, b0[j], acc0[j]))));
      }
    }
    for (; p < kc; p++) {
      float a0 = alpha * a[aBase + p * aCs];
      float[] b0 = rows[p];
      for (int j = 0; j < nc; j++) {
        acc0[j] = Math.fma(a0, b0[j], acc0[j]);
      }
    }
  }

  @Override
  public String name() {
    return "java";
  }
}
