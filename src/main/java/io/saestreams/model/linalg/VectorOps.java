package io.saestreams.model.linalg;

/**
 * Reductions on float vectors with eight independent accumulators, so HotSpot can overlap the
 * multiply-adds (Java may not reorder a single floating-point sum, which leaves a one-accumulator
 * loop bound by the add latency).
 */
public final class VectorOps {
  private static final int BLOCK = 4096;
  private static final SparseKernel KERNEL = SparseKernel.active();

  private VectorOps() {}

  /**
   * x[xo..xo+len)·y[yo..yo+len): eight partial sums, element t in sum t mod 8, on the {@link
   * SparseKernel#active() active kernel} (the same bits on either).
   */
  public static float dot(float[] x, int xo, float[] y, int yo, int len) {
    return KERNEL.dot(x, xo, y, yo, len);
  }

  /** Σ x[off..off+len), with eight partial sums per block of 4096, added in double. */
  public static double sum(float[] x, int off, int len) {
    double total = 0;
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      int o = off + b;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      float s4 = 0f;
      float s5 = 0f;
      float s6 = 0f;
      float s7 = 0f;
      int t = 0;
      for (; t + 8 <= n; t += 8) {
        s0 += x[o + t];
        s1 += x[o + t + 1];
        s2 += x[o + t + 2];
        s3 += x[o + t + 3];
        s4 += x[o + t + 4];
        s5 += x[o + t + 5];
        s6 += x[o + t + 6];
        s7 += x[o + t + 7];
      }
      for (; t < n; t++) {
        s0 += x[o + t];
      }
      total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
    return total;
  }

  /**
   * Σ x[i]² over {@code x[off..off+len)}: float partial sums over blocks of 4096, added in double,
   * so long vectors keep their precision. NaN or ∞ when any element is.
   */
  public static double sumOfSquares(float[] x, int off, int len) {
    double total = 0;
    for (int b = 0; b < len; b += BLOCK) {
      int n = Math.min(BLOCK, len - b);
      total += dot(x, off + b, x, off + b, n);
    }
    return total;
  }
}
