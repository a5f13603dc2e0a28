package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API sparse kernel gives the scalar kernel's bits, element for element, on every
 * operation: the training and scoring paths must not change with the JVM's modules. The test JVM
 * has jdk.incubator.vector (surefire's argLine), so the vector kernel must be the active one.
 */
class SparseKernelTest {
  private static final SparseKernel SCALAR = ScalarSparseKernel.INSTANCE;

  private static SparseKernel vector() {
    assertThat(VectorKernel.sparseUnavailableReason()).as("why the vector kernel is not loaded").isNull();
    SparseKernel k = SparseKernel.active();
    assertThat(k).isNotSameAs(SCALAR);
    return k;
  }

  @Test
  void theVectorKernelIsActiveInThisJvm() {
    assertThat(SparseOps.kernel()).startsWith("vector-");
    assertThat(vector().name()).isEqualTo(SparseOps.kernel());
    assertThat(SCALAR.name()).isEqualTo("scalar");
  }

  private static void assertSameBits(float[] actual, float[] expected, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
        throw new AssertionError(what + ": element " + i + " is " + actual[i] + " (vector) but "
            + expected[i] + " (scalar)");
      }
    }
  }

  /** Values of mixed magnitudes, so that a changed summation order shows in the last bits. */
  private static float[] values(Random r, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
    }
    return x;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void dotProductsAreBitForBitTheScalarOnes(long seed) {
    Random r = new Random(seed);
    SparseKernel vector = vector();
    for (int c = 0; c < 200; c++) {
      int len = c < 40 ? c : r.nextInt(2000);
      int xo = r.nextInt(20);
      int yo = r.nextInt(20);
      float[] x = values(r, xo + len + r.nextInt(5));
      float[] y = values(r, yo + len + r.nextInt(5));
      float expected = SCALAR.dot(x, xo, y, yo, len);
      float actual = vector.dot(x, xo, y, yo, len);
      assertThat(Float.floatToRawIntBits(actual)).as("len %d, offsets %d/%d: %s vs %s", len, xo, yo, actual, expected)
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void aChangedSummationOrderWouldShow() {
    // the comparison above can fail: summing the same products in another order changes the bits
    Random r = new Random(9);
    float[] x = values(r, 784);
    float[] y = values(r, 784);
    float inOrder = 0f;
    for (int t = 0; t < 784; t++) {
      inOrder = Math.fma(x[t], y[t], inOrder);
    }
    assertThat(Float.floatToRawIntBits(inOrder)).isNotEqualTo(Float.floatToRawIntBits(SCALAR.dot(x, 0, y, 0, 784)));
  }

  private record Case(int batch, int k, int n, int d, int[] idx, float[] val, float[] dense, float[] w) {
    static Case random(Random r, int batch, int k, int n, int d) {
      int[] idx = new int[batch * k];
      float[] val = new float[batch * k];
      SparseOpsTest.randomCode(r, batch, k, n, idx, val);
      return new Case(batch, k, n, d, idx, val, values(r, batch * d), values(r, n * d));
    }

    int wRows() {
      return d == 0 ? Integer.MAX_VALUE : n;
    }
  }

  @ParameterizedTest(name = "B={0} k={1} n={2} d={3} seed={4}")
  @CsvSource({"1,1,1,1,1", "3,2,5,7,2", "16,8,64,33,3", "7,5,40,784,4", "0,4,10,5,5", "4,0,10,5,6",
      "5,3,9,0,7", "64,8,256,784,8", "64,32,300,129,9", "9,12,4,17,10", "40,3,2,5,11", "8,7,100,15,12",
      "8,9,100,1000,13", "2,4,8,16,14"})
  void decodeAccumulateAndGatherAreBitForBitTheScalarOnes(int batch, int k, int n, int d, long seed) {
    Random r = new Random(seed);
    SparseKernel vector = vector();
    Case c = Case.random(r, batch, k, n, d);
    if (d > 0) {
      float[] expected = c.dense().clone();
      float[] actual = c.dense().clone();
      SCALAR.decode(batch, k, c.idx(), c.val(), c.w(), n, d, expected);
      vector.decode(batch, k, c.idx(), c.val(), c.w(), n, d, actual);
      assertSameBits(actual, expected, "decode");

      float[] dwExpected = c.w().clone();
      float[] dwActual = c.w().clone();
      SCALAR.accumulateOuter(batch, k, c.idx(), c.val(), c.dense(), d, dwExpected, n);
      vector.accumulateOuter(batch, k, c.idx(), c.val(), c.dense(), d, dwActual, n);
      assertSameBits(dwActual, dwExpected, "accumulateOuter");
    }
    float[] dotsExpected = new float[batch * k];
    float[] dotsActual = new float[batch * k];
    java.util.Arrays.fill(dotsActual, Float.NaN);
    SCALAR.gatherDots(batch, k, c.idx(), c.dense(), c.w(), d, c.wRows(), dotsExpected);
    vector.gatherDots(batch, k, c.idx(), c.dense(), c.w(), d, c.wRows(), dotsActual);
    assertSameBits(dotsActual, dotsExpected, "gatherDots");
  }

  @Test
  void theVectorKernelRejectsAnIndexOutsideTheMatrix() {
    SparseKernel vector = vector();
    int[] idx = {0, 3};
    float[] val = {1f, 1f};
    float[] w = new float[3 * 16];
    assertThatThrownBy(() -> vector.decode(1, 2, idx, val, w, 3, 16, new float[16]))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("latent index 3");
    assertThatThrownBy(() -> vector.accumulateOuter(1, 2, idx, val, new float[16], 16, w, 3))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("latent index 3");
    assertThatThrownBy(() -> vector.gatherDots(1, 2, idx, new float[16], w, 16, 3, new float[2]))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("latent index 3");
  }
}
