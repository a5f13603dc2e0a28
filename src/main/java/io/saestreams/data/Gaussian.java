package io.saestreams.data;

import java.util.SplittableRandom;

/**
 * Standard normal numbers from a {@link SplittableRandom} by the Marsaglia polar method. Written
 * out here (rather than using the JDK's {@code nextGaussian}) so the numbers depend only on the
 * seed and this code, not on the JDK version.
 */
final class Gaussian {
  private final SplittableRandom random;
  private double spare;
  private boolean hasSpare;

  Gaussian(SplittableRandom random) {
    this.random = random;
  }

  SplittableRandom random() {
    return random;
  }

  double next() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double factor = Math.sqrt(-2 * Math.log(s) / s);
    spare = v * factor;
    hasSpare = true;
    return u * factor;
  }

  /** A random direction: a Gaussian vector scaled to unit L2 norm. */
  float[] unitVector(int dimension) {
    double[] g = new double[dimension];
    double norm2;
    do {
      norm2 = 0;
      for (int j = 0; j < dimension; j++) {
        g[j] = next();
        norm2 += g[j] * g[j];
      }
    } while (norm2 == 0);
    double inv = 1 / Math.sqrt(norm2);
    float[] out = new float[dimension];
    for (int j = 0; j < dimension; j++) {
      out[j] = (float) (g[j] * inv);
    }
    return out;
  }
}
