package io.saestreams.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The reference detector of an anomaly evaluation: principal component analysis fitted once on
 * normal warm-up vectors. A record's score is its mean squared reconstruction error from the top
 * {@code k} principal directions, {@code score(x) = ||x - x^||^2 / d} with {@code x^ = mean +
 * V V^T (x - mean)}, so it is on the same per-coordinate scale as the autoencoder's error. A
 * streaming detector that cannot beat this linear baseline has learned nothing worth its cost.
 *
 * <p>The fit computes the mean, accumulates the {@code d x d} covariance of the centered vectors in
 * blocks (so memory stays {@code O(d^2)} whatever the number of vectors), and takes the
 * eigenvectors of its {@code k} largest eigenvalues with EJML's symmetric eigen-decomposition.
 * Arithmetic is in double precision. For {@code d = 784} and a few thousand vectors this takes
 * about a second on one core.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PcaBaseline {
  private static final int BLOCK_ROWS = 512;

  private final int dimension;
  private final int k;
  private final int fittedOn;
  private final double[] mean;
  private final double[] components; // k x dimension, row-major, orthonormal rows
  private final double[] variances;

  private PcaBaseline(int dimension, int k, int fittedOn, double[] mean, double[] components,
      double[] variances) {
    this.dimension = dimension;
    this.k = k;
    this.fittedOn = fittedOn;
    this.mean = mean;
    this.components = components;
    this.variances = variances;
  }

  /**
   * Fits the baseline.
   *
   * @param normals the warm-up vectors, all of one dimension {@code d} and finite; not modified
   * @param k the number of principal directions kept, in {@code [1, min(n, d)]} with {@code n =
   *     normals.size()}
   * @throws IllegalArgumentException when the list is empty, dimensions differ, a value is not
   *     finite or {@code k} is out of range
   */
  public static PcaBaseline fit(List<float[]> normals, int k) {
    Objects.requireNonNull(normals, "normals");
    if (normals.isEmpty()) {
      throw new IllegalArgumentException(
          "normals must not be empty: PCA needs at least one vector");
    }
    int n = normals.size();
    float[] first = Objects.requireNonNull(normals.get(0), "normals[0]");
    int d = first.length;
    if (d == 0) {
      throw new IllegalArgumentException("normals[0] has dimension 0; vectors need at least one "
          + "coordinate");
    }
    if (k < 1 || k > Math.min(n, d)) {
      throw new IllegalArgumentException("k must be in [1, min(n=" + n + ", d=" + d + ")] = [1, "
          + Math.min(n, d) + "], got " + k);
    }
    double[] mean = new double[d];
    for (int r = 0; r < n; r++) {
      float[] x = normals.get(r);
      if (x == null) {
        throw new IllegalArgumentException("normals[" + r + "] is null");
      }
      if (x.length != d) {
        throw new IllegalArgumentException("normals[" + r + "] has dimension " + x.length
            + ", expected " + d + " (the dimension of normals[0])");
      }
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(x[j])) {
          throw new IllegalArgumentException("normals[" + r + "][" + j + "] is " + x[j]
              + "; values must be finite");
        }
        mean[j] += x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }

    DMatrixRMaj covariance = new DMatrixRMaj(d, d);
    DMatrixRMaj block = new DMatrixRMaj(Math.min(BLOCK_ROWS, n), d);
    DMatrixRMaj product = new DMatrixRMaj(d, d);
    for (int start = 0; start < n; start += BLOCK_ROWS) {
      int rows = Math.min(BLOCK_ROWS, n - start);
      block.reshape(rows, d);
      double[] data = block.data;
      for (int r = 0; r < rows; r++) {
        float[] x = normals.get(start + r);
        int offset = r * d;
        for (int j = 0; j < d; j++) {
          data[offset + j] = x[j] - mean[j];
        }
      }
      CommonOps_DDRM.multInner(block, product); // block^T block, symmetric
      CommonOps_DDRM.addEquals(covariance, product);
    }
    CommonOps_DDRM.scale(1.0 / n, covariance);

    EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eigen.decompose(covariance)) {
      throw new IllegalStateException("the eigen-decomposition of the " + d + "x" + d
          + " covariance matrix did not converge");
    }
    Integer[] order = new Integer[d];
    double[] values = new double[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
      values[i] = eigen.getEigenvalue(i).getReal();
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    double[] components = new double[k * d];
    double[] variances = new double[k];
    for (int c = 0; c < k; c++) {
      DMatrixRMaj v = eigen.getEigenVector(order[c]);
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += v.data[j] * v.data[j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        components[c * d + j] = v.data[j] / norm;
      }
      variances[c] = Math.max(0.0, values[order[c]]);
    }
    return new PcaBaseline(d, k, n, mean, components, variances);
  }

  /** The vector dimension {@code d}. */
  public int dimension() {
    return dimension;
  }

  /** The number of principal directions kept, {@code k}. */
  public int k() {
    return k;
  }

  /** The number of vectors the baseline was fitted on. */
  public int fittedOn() {
    return fittedOn;
  }

  /** A copy of the mean of the fitted vectors. */
  public double[] mean() {
    return mean.clone();
  }

  /**
   * A copy of the principal directions, {@code k x d}: orthonormal rows in order of decreasing
   * variance. Each direction's sign is arbitrary.
   */
  public double[][] components() {
    double[][] out = new double[k][];
    for (int c = 0; c < k; c++) {
      out[c] = Arrays.copyOfRange(components, c * dimension, (c + 1) * dimension);
    }
    return out;
  }

  /**
   * The variance of the fitted vectors along each direction (the covariance eigenvalues, with
   * divisor {@code n}), decreasing.
   */
  public double[] variances() {
    return variances.clone();
  }

  /**
   * The projection of {@code x} onto the affine subspace of the mean and the {@code k}
   * directions.
   *
   * @throws IllegalArgumentException when {@code x} has another dimension or a non-finite value
   */
  public double[] reconstruct(float[] x) {
    double[] centered = centered(x);
    double[] out = mean.clone();
    for (int c = 0; c < k; c++) {
      int offset = c * dimension;
      double z = 0;
      for (int j = 0; j < dimension; j++) {
        z += components[offset + j] * centered[j];
      }
      for (int j = 0; j < dimension; j++) {
        out[j] += z * components[offset + j];
      }
    }
    return out;
  }

  /**
   * The mean squared reconstruction error {@code ||x - x^||^2 / d}; large means anomalous.
   *
   * @throws IllegalArgumentException when {@code x} has another dimension or a non-finite value
   */
  public double score(float[] x) {
    double[] residual = centered(x);
    for (int c = 0; c < k; c++) {
      int offset = c * dimension;
      double z = 0;
      for (int j = 0; j < dimension; j++) {
        z += components[offset + j] * residual[j];
      }
      for (int j = 0; j < dimension; j++) {
        residual[j] -= z * components[offset + j];
      }
    }
    double sum = 0;
    for (double r : residual) {
      sum += r * r;
    }
    return sum / dimension;
  }

  private double[] centered(float[] x) {
    Objects.requireNonNull(x, "x");
    if (x.length != dimension) {
      throw new IllegalArgumentException("x has dimension " + x.length + ", but the baseline was "
          + "fitted on dimension " + dimension);
    }
    double[] out = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      if (!Float.isFinite(x[j])) {
        throw new IllegalArgumentException("x[" + j + "] is " + x[j] + "; values must be finite");
      }
      out[j] = x[j] - mean[j];
    }
    return out;
  }

  @Override
  public String toString() {
    return "PcaBaseline[d=" + dimension + ", k=" + k + ", fittedOn=" + fittedOn + "]";
  }
}
