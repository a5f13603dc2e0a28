package io.saestreams.train;

/** The geometric median of a set of points by Weiszfeld's algorithm (Weiszfeld 1937). */
final class GeometricMedian {
  private GeometricMedian() {}

  /**
   * @param x rows×d points, row-major. Not modified.
   * @param start the starting estimate (e.g. the mean). Not modified.
   */
  static double[] of(float[] x, int rows, int d, double[] start, int maxIter, double tol) {
    double[] y = start.clone();
    double[] next = new double[d];
    for (int it = 0; it < maxIter; it++) {
      java.util.Arrays.fill(next, 0);
      double wsum = 0;
      for (int b = 0; b < rows; b++) {
        double dist = 0;
        for (int i = 0; i < d; i++) {
          double diff = x[b * d + i] - y[i];
          dist += diff * diff;
        }
        dist = Math.sqrt(dist);
        if (dist < 1e-12) {
          continue; // a point at the estimate contributes nothing (Vardi–Zhang would adjust)
        }
        double w = 1 / dist;
        wsum += w;
        for (int i = 0; i < d; i++) {
          next[i] += w * x[b * d + i];
        }
      }
      if (wsum == 0) {
        return y;
      }
      double move = 0;
      for (int i = 0; i < d; i++) {
        double v = next[i] / wsum;
        move += (v - y[i]) * (v - y[i]);
        y[i] = v;
      }
      if (Math.sqrt(move) < tol) {
        break;
      }
    }
    return y;
  }
}
