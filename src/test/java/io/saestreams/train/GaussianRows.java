package io.saestreams.train;

import java.util.Random;

/** Seeded standard-normal sample vectors for trainer tests. */
public final class GaussianRows {
  private GaussianRows() {}

  /** {@code n} vectors of dimension {@code d}, reproducible from {@code seed}. */
  public static float[][] of(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] xs = new float[n][d];
    for (float[] x : xs) {
      for (int i = 0; i < d; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return xs;
  }
}
