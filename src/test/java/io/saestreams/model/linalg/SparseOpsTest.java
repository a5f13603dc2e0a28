package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SparseOpsTest {

  /** Allowed relative error of a sum of k (or B) products, per term. */
  static final double REL_TOL_PER_TERM = 1e-6;

  /** A random TopK code with distinct indices per row and some -1 slots. */
  static void randomCode(Random r, int batch, int k, int n, int[] idx, float[] val) {
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        int id;
        boolean dup;
        do {
          id = r.nextInt(n);
          dup = false;
          for (int q = 0; q < j; q++) {
            dup |= idx[b * k + q] == id;
          }
        } while (dup && k <= n);
        idx[b * k + j] = r.nextInt(5) == 0 ? -1 : id;
        val[b * k + j] = (float) r.nextGaussian();
      }
    }
  }

  /** Scatters the code into a dense B x n matrix. */
  static float[] dense(int batch, int k, int n, int[] idx, float[] val) {
    float[] h = new float[batch * n];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        int id = idx[b * k + j];
        if (id >= 0) {
          h[b * n + id] += val[b * k + j];
        }
      }
    }
    return h;
  }

  static float[] gaussian(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  static void assertClose(float[] actual, float[] expected, int terms) {
    assertThat(actual).hasSameSizeAs(expected);
    double tol = REL_TOL_PER_TERM * Math.max(1, terms);
    for (int i = 0; i < actual.length; i++) {
      double scale = Math.max(1.0, Math.abs(expected[i]));
      assertThat((double) actual[i]).as("element %d", i)
          .isCloseTo(expected[i], within(tol * scale * 4));
    }
  }

  @ParameterizedTest(name = "B={0} k={1} n={2} d={3} seed={4}")
  @CsvSource({"1,1,1,1,1", "3,2,5,7,2", "16,8,64,33,3", "7,5,40,784,4", "0,4,10,5,5",
      "4,0,10,5,6", "5,3,9,0,7", "32,32,300,129,8"})
  void decodeMatchesDense(int batch, int k, int n, int d, long seed) {
    Random r = new Random(seed);
    int[] idx = new int[batch * k];
    float[] val = new float[batch * k];
    randomCode(r, batch, k, n, idx, val);
    float[] w = gaussian(r, n * d);
    float[] out = gaussian(r, batch * d);
    float[] expected = out.clone();
    new NaiveGemm().gemm(false, false, batch, d, n, 1f, dense(batch, k, n, idx, val), 0,
        Math.max(1, n), w, 0, Math.max(1, d), 1f, expected, 0, Math.max(1, d));
    SparseOps.decode(batch, k, idx, val, w, d, out);
    assertClose(out, expected, k + 1);
  }

  @ParameterizedTest(name = "B={0} k={1} n={2} d={3} seed={4}")
  @CsvSource({"1,1,1,1,11", "3,2,5,7,12", "16,8,64,33,13", "7,5,40,784,14", "0,4,10,5,15",
      "4,0,10,5,16", "5,3,9,0,17", "32,32,300,129,18"})
  void accumulateOuterMatchesDense(int batch, int k, int n, int d, long seed) {
    OuterCase c = OuterCase.random(new Random(seed), batch, k, n, d);
    float[] expected = c.dw.clone();
    // dW += H^T G
    new NaiveGemm().gemm(true, false, n, d, batch, 1f, dense(batch, k, n, c.idx, c.val), 0,
        Math.max(1, n), c.g, 0, Math.max(1, d), 1f, expected, 0, Math.max(1, d));
    c.accumulate();
    assertClose(c.dw, expected, batch + 1);
  }

  /** A random decoder-gradient accumulation: code, G and the dW it is added to. */
  record OuterCase(int batch, int k, int d, int[] idx, float[] val, float[] g, float[] dw) {
    static OuterCase random(Random r, int batch, int k, int n, int d) {
      int[] idx = new int[batch * k];
      float[] val = new float[batch * k];
      randomCode(r, batch, k, n, idx, val);
      return new OuterCase(batch, k, d, idx, val, gaussian(r, batch * d), gaussian(r, n * d));
    }

    /** dW as the row-by-row loop leaves it, dW itself untouched. */
    float[] rowByRow() {
      float[] out = dw.clone();
      accumulateOuterRowByRow(batch, k, idx, val, g, d, out);
      return out;
    }

    void accumulate() {
      SparseOps.accumulateOuter(batch, k, idx, val, g, d, dw);
    }
  }

  /** The straightforward loop: term by term, row b by row b, each added with one fma. */
  static void accumulateOuterRowByRow(int batch, int k, int[] idx, float[] val, float[] g, int d, float[] dw) {
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        int id = idx[b * k + j];
        if (id < 0) {
          continue;
        }
        float v = val[b * k + j];
        for (int t = 0; t < d; t++) {
          dw[id * d + t] = Math.fma(v, g[b * d + t], dw[id * d + t]);
        }
      }
    }
  }

  @ParameterizedTest(name = "B={0} k={1} n={2} d={3} seed={4}")
  @CsvSource({"1,1,1,1,31", "3,2,5,7,32", "16,8,64,33,33", "7,5,40,784,34", "256,8,256,784,35",
      "64,32,300,129,36", "9,12,4,17,37", "40,3,2,5,38"})
  void accumulateOuterIsBitForBitTheRowByRowLoop(int batch, int k, int n, int d, long seed) {
    // exact, not just close: every element receives its terms in the order b = 0, 1, ... (then j),
    // one rounded multiply-add at a time, whatever the kernel's loop structure; the last two cases
    // repeat latents within a row (k > n) and hit every latent many times
    Random r = new Random(seed);
    OuterCase c = OuterCase.random(r, batch, k, n, d);
    float[] expected = c.rowByRow();
    c.accumulate();
    for (int i = 0; i < c.dw.length; i++) {
      assertThat(Float.floatToRawIntBits(c.dw[i])).as("element %d: %s vs %s", i, c.dw[i], expected[i])
          .isEqualTo(Float.floatToRawIntBits(expected[i]));
    }
    // and again on the same thread with smaller sizes: the grown scratch rows must not leak old entries
    OuterCase small = OuterCase.random(r, 1, 2, n, d);
    float[] smallExpected = small.rowByRow();
    small.accumulate();
    assertThat(small.dw).containsExactly(smallExpected);
  }

  @ParameterizedTest(name = "B={0} k={1} n={2} d={3} seed={4}")
  @CsvSource({"1,1,1,1,21", "3,2,5,7,22", "16,8,64,33,23", "7,5,40,784,24", "0,4,10,5,25",
      "4,0,10,5,26", "5,3,9,0,27", "32,32,300,129,28"})
  void gatherDotsMatchesDense(int batch, int k, int n, int d, long seed) {
    Random r = new Random(seed);
    int[] idx = new int[batch * k];
    float[] val = new float[batch * k];
    randomCode(r, batch, k, n, idx, val);
    float[] g = gaussian(r, batch * d);
    float[] w = gaussian(r, n * d);
    // dense reference: D = G W^T (B x n), then gather
    float[] all = new float[batch * n];
    new NaiveGemm().gemm(false, true, batch, n, d, 1f, g, 0, Math.max(1, d), w, 0,
        Math.max(1, d), 0f, all, 0, Math.max(1, n));
    float[] expected = new float[batch * k];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        int id = idx[b * k + j];
        expected[b * k + j] = id < 0 ? 0f : all[b * n + id];
      }
    }
    float[] out = new float[batch * k];
    java.util.Arrays.fill(out, Float.NaN);
    SparseOps.gatherDots(batch, k, idx, g, w, d, out);
    assertClose(out, expected, d);
  }

  @Test
  void rejectsOutOfRangeIndex() {
    int[] idx = {3};
    float[] val = {1f};
    float[] w = new float[3 * 2];
    assertThatThrownBy(() -> SparseOps.decode(1, 1, idx, val, w, 2, new float[2]))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("3");
    assertThatThrownBy(() -> SparseOps.accumulateOuter(1, 1, idx, val, new float[2], 2, w))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> SparseOps.gatherDots(1, 1, idx, new float[2], w, 2, new float[1]))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
