package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaBaselineTest {

  /** {@code k} random orthonormal vectors of length {@code d} (Gram-Schmidt on Gaussians). */
  private static double[][] orthonormalBasis(int k, int d, Random random) {
    double[][] basis = new double[k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        basis[c][j] = random.nextGaussian();
      }
      orthonormalize(basis, c);
    }
    return basis;
  }

  /** Makes row {@code c} orthogonal to rows {@code 0..c-1} and of unit norm. */
  private static void orthonormalize(double[][] rows, int c) {
    for (int pass = 0; pass < 2; pass++) {
      for (int p = 0; p < c; p++) {
        double dot = dot(rows[c], rows[p]);
        for (int j = 0; j < rows[c].length; j++) {
          rows[c][j] -= dot * rows[p][j];
        }
      }
    }
    double norm = Math.sqrt(dot(rows[c], rows[c]));
    for (int j = 0; j < rows[c].length; j++) {
      rows[c][j] /= norm;
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  /** center + sum_c coefficient_c * scale_c * basis_c + noise. */
  private static float[] point(double[] center, double[][] basis, double[] scales, double noise,
      Random random) {
    float[] x = new float[center.length];
    double[] v = center.clone();
    for (int c = 0; c < basis.length; c++) {
      double z = random.nextGaussian() * scales[c];
      for (int j = 0; j < v.length; j++) {
        v[j] += z * basis[c][j];
      }
    }
    for (int j = 0; j < v.length; j++) {
      x[j] = (float) (v[j] + noise * random.nextGaussian());
    }
    return x;
  }

  @Test
  void pointsInTheSubspaceScoreAtTheNoiseLevelOthersFarAbove() {
    Random random = new Random(11);
    int d = 40;
    int k = 4;
    double noise = 0.01;
    double[][] basis = orthonormalBasis(k + 1, d, random); // the last row is off the subspace
    double[][] span = {basis[0], basis[1], basis[2], basis[3]};
    double[] scales = {3, 2, 1.5, 1};
    double[] center = new double[d];
    for (int j = 0; j < d; j++) {
      center[j] = random.nextGaussian();
    }
    List<float[]> normals = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      normals.add(point(center, span, scales, noise, random));
    }
    PcaBaseline pca = PcaBaseline.fit(normals, k);
    assertThat(pca.dimension()).isEqualTo(d);
    assertThat(pca.k()).isEqualTo(k);
    assertThat(pca.fittedOn()).isEqualTo(1000);

    double expected = noise * noise * (d - k) / d; // the noise outside the subspace, per coordinate
    double inside = 0;
    double outside = 0;
    int trials = 200;
    for (int i = 0; i < trials; i++) {
      float[] x = point(center, span, scales, noise, random);
      inside += pca.score(x);
      float[] y = x.clone();
      for (int j = 0; j < d; j++) {
        y[j] += (float) basis[k][j]; // one unit off the subspace
      }
      outside += pca.score(y);
      assertThat(pca.score(y)).isGreaterThan(50 * expected);
    }
    assertThat(inside / trials).isBetween(0.7 * expected, 1.3 * expected);
    assertThat(outside / trials).isCloseTo(1.0 / d, within(0.1 / d));

    double[] variances = pca.variances();
    for (int c = 0; c < k; c++) {
      assertThat(variances[c]).isCloseTo(scales[c] * scales[c], within(0.25 * scales[c] * scales[c]));
    }
    double[] mean = pca.mean();
    for (int j = 0; j < d; j++) {
      assertThat(mean[j]).isCloseTo(center[j], within(0.3));
    }
  }

  @Test
  void projectionMatchesSubspaceIterationReference() {
    Random random = new Random(5);
    int d = 7;
    int k = 3;
    int n = 60;
    double[][] basis = orthonormalBasis(d, d, random);
    double[] scales = {4, 2.5, 1.6, 0.6, 0.3, 0.1, 0.05};
    List<float[]> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      data.add(point(new double[d], basis, scales, 0, random));
    }
    PcaBaseline pca = PcaBaseline.fit(data, k);

    // Reference: naive mean and covariance, then orthogonal iteration V <- GramSchmidt(C V).
    double[] mean = new double[d];
    for (float[] x : data) {
      for (int j = 0; j < d; j++) {
        mean[j] += x[j] / (double) n;
      }
    }
    double[][] cov = new double[d][d];
    for (float[] x : data) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a][b] += (x[a] - mean[a]) * (x[b] - mean[b]) / n;
        }
      }
    }
    double[][] v = orthonormalBasis(k, d, new Random(99));
    for (int iteration = 0; iteration < 2000; iteration++) {
      double[][] next = new double[k][d];
      for (int c = 0; c < k; c++) {
        for (int a = 0; a < d; a++) {
          next[c][a] = dot(cov[a], v[c]);
        }
        orthonormalize(next, c);
      }
      v = next;
    }
    double[] got = pca.mean();
    for (int j = 0; j < d; j++) {
      assertThat(got[j]).isCloseTo(mean[j], within(1e-9));
    }
    double[][] components = pca.components();
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        assertThat(dot(components[a], components[b])).isCloseTo(a == b ? 1 : 0, within(1e-9));
      }
      // the same direction up to sign
      assertThat(Math.abs(dot(components[a], v[a]))).isCloseTo(1.0, within(1e-6));
    }
    for (int t = 0; t < 20; t++) {
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        x[j] = (float) (3 * random.nextGaussian());
      }
      double[] expected = mean.clone();
      for (double[] dir : v) {
        double z = 0;
        for (int j = 0; j < d; j++) {
          z += dir[j] * (x[j] - mean[j]);
        }
        for (int j = 0; j < d; j++) {
          expected[j] += z * dir[j];
        }
      }
      double[] projected = pca.reconstruct(x);
      double residual = 0;
      for (int j = 0; j < d; j++) {
        assertThat(projected[j]).isCloseTo(expected[j], within(1e-6));
        residual += (x[j] - expected[j]) * (x[j] - expected[j]);
      }
      assertThat(pca.score(x)).isCloseTo(residual / d, within(1e-6));
    }
  }

  @Test
  void allComponentsReconstructExactly() {
    Random random = new Random(3);
    int d = 12;
    List<float[]> data = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        x[j] = (float) random.nextGaussian();
      }
      data.add(x);
    }
    PcaBaseline pca = PcaBaseline.fit(data, d);
    for (int t = 0; t < 10; t++) {
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        x[j] = (float) (10 * random.nextGaussian());
      }
      assertThat(pca.score(x)).isLessThan(1e-20);
    }
    double[] variances = pca.variances();
    for (int c = 1; c < d; c++) {
      assertThat(variances[c]).isLessThanOrEqualTo(variances[c - 1]);
    }
  }

  @Test
  void fitsMnistSizedDataQuickly() {
    int d = 784;
    int n = 6000;
    int k = 30;
    Random random = new Random(42);
    List<float[]> data = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] x = new float[d];
      for (int j = 0; j < d; j++) {
        x[j] = random.nextFloat();
      }
      data.add(x);
    }
    long start = System.nanoTime();
    PcaBaseline pca = PcaBaseline.fit(data, k);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("PcaBaseline.fit d=%d n=%d k=%d: %.2f s%n", d, n, k, seconds);
    assertThat(pca.components()).hasNumberOfRows(k);
    assertThat(pca.score(data.get(0))).isPositive();
  }

  @Test
  void rejectsBadArguments() {
    List<float[]> two = List.of(new float[] {1, 2, 3}, new float[] {2, 3, 5});
    assertThatThrownBy(() -> PcaBaseline.fit(List.of(), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> PcaBaseline.fit(two, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be in [1, min(n=2, d=3)] = [1, 2], got 0");
    assertThatThrownBy(() -> PcaBaseline.fit(two, 3))
        .hasMessageContaining("k must be in [1, min(n=2, d=3)] = [1, 2], got 3");
    assertThatThrownBy(() -> PcaBaseline.fit(List.of(new float[] {1, 2}, new float[] {1}), 1))
        .hasMessageContaining("normals[1] has dimension 1, expected 2");
    assertThatThrownBy(() -> PcaBaseline.fit(List.of(new float[] {1, Float.NaN}), 1))
        .hasMessageContaining("normals[0][1] is NaN; values must be finite");
    PcaBaseline pca = PcaBaseline.fit(two, 1);
    assertThatThrownBy(() -> pca.score(new float[2]))
        .hasMessageContaining("x has dimension 2, but the baseline was fitted on dimension 3");
    assertThatThrownBy(() -> pca.score(new float[] {0, Float.POSITIVE_INFINITY, 0}))
        .hasMessageContaining("x[1] is Infinity");
  }
}
