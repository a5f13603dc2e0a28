package io.saestreams.model.linalg;

/**
 * The scalar {@link SparseKernel}: plain Java that HotSpot C2 (JDK 17) compiles well. Its inner
 * loops run on offset-0 scratch rows because C2 only auto-vectorizes a loop whose array accesses
 * share one index expression; the dot product keeps eight independent partial sums, so the CPU
 * can overlap the multiply-adds (Java may not reorder one floating-point sum, and a single
 * accumulator would be bound by the add's latency).
 */
final class ScalarSparseKernel implements SparseKernel {
  static final ScalarSparseKernel INSTANCE = new ScalarSparseKernel();

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});

  private ScalarSparseKernel() {
  }

  private static float[][] scratch(int d) {
    float[][] s = SCRATCH.get();
    if (s[0].length < d) {
      s[0] = new float[d];
      s[1] = new float[d];
      s[2] = new float[d];
    }
    return s;
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] x, int xo, float[] y, int yo, int len) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    float s4 = 0f;
    float s5 = 0f;
    float s6 = 0f;
    float s7 = 0f;
    int t = 0;
    for (; t + 8 <= len; t += 8) {
      s0 = Math.fma(x[xo + t], y[yo + t], s0);
      s1 = Math.fma(x[xo + t + 1], y[yo + t + 1], s1);
      s2 = Math.fma(x[xo + t + 2], y[yo + t + 2], s2);
      s3 = Math.fma(x[xo + t + 3], y[yo + t + 3], s3);
      s4 = Math.fma(x[xo + t + 4], y[yo + t + 4], s4);
      s5 = Math.fma(x[xo + t + 5], y[yo + t + 5], s5);
      s6 = Math.fma(x[xo + t + 6], y[yo + t + 6], s6);
      s7 = Math.fma(x[xo + t + 7], y[yo + t + 7], s7);
    }
    for (; t < len; t++) {
      s0 = Math.fma(x[xo + t], y[yo + t], s0);
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public void decode(int batch, int k, int[] idx, float[] val, float[] w, int wRows, int d, float[] out) {
    float[][] s = scratch(d);
    float[] acc = s[0];
    float[] r0 = s[1];
    float[] r1 = s[2];
    for (int b = 0; b < batch; b++) {
      int o = b * d;
      System.arraycopy(out, o, acc, 0, d);
      int base = b * k;
      int pending = -1;
      float pendingVal = 0f;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          continue;
        }
        int row = SparseOps.rowOf(id, wRows, d);
        if (pending < 0) {
          pending = row;
          pendingVal = val[base + j];
          continue;
        }
        float v0 = pendingVal;
        float v1 = val[base + j];
        System.arraycopy(w, pending, r0, 0, d);
        System.arraycopy(w, row, r1, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v1, r1[t], Math.fma(v0, r0[t], acc[t]));
        }
        pending = -1;
      }
      if (pending >= 0) {
        float v0 = pendingVal;
        System.arraycopy(w, pending, r0, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v0, r0[t], acc[t]);
        }
      }
      System.arraycopy(acc, 0, out, o, d);
    }
  }

  @Override
  public void accumulateOuter(int batch, int k, int[] idx, float[] val, float[] g, int d, float[] dw, int wRows) {
    float[][] s = scratch(d);
    float[] acc = s[0];
    float[] gRow = s[1];
    for (int b = 0; b < batch; b++) {
      int base = b * k;
      boolean loaded = false;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          continue;
        }
        int row = SparseOps.rowOf(id, wRows, d);
        if (!loaded) {
          System.arraycopy(g, b * d, gRow, 0, d);
          loaded = true;
        }
        float v = val[base + j];
        System.arraycopy(dw, row, acc, 0, d);
        for (int t = 0; t < d; t++) {
          acc[t] = Math.fma(v, gRow[t], acc[t]);
        }
        System.arraycopy(acc, 0, dw, row, d);
      }
    }
  }

  @Override
  public void gatherDots(int batch, int k, int[] idx, float[] g, float[] w, int d, int wRows, float[] out) {
    for (int b = 0; b < batch; b++) {
      int gRow = b * d;
      int base = b * k;
      for (int j = 0; j < k; j++) {
        int id = idx[base + j];
        if (id < 0) {
          out[base + j] = 0f;
          continue;
        }
        int wRow = SparseOps.rowOf(id, wRows, d);
        out[base + j] = dot(g, gRow, w, wRow, d);
      }
    }
  }
}
