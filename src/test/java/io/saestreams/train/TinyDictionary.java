package io.saestreams.train;

import java.util.Random;

/** A tiny sparse-dictionary data set for trainer tests: x = Σ s_i·D_i + small noise. */
final class TinyDictionary {
  final int d;
  final float[][] dict;
  private final Random rnd;
  private final int active;

  TinyDictionary(int d, int features, int active, long seed) {
    this.d = d;
    this.active = active;
    this.rnd = new Random(seed);
    dict = new float[features][d];
    for (float[] row : dict) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        row[i] = (float) rnd.nextGaussian();
        s += row[i] * row[i];
      }
      for (int i = 0; i < d; i++) {
        row[i] /= (float) Math.sqrt(s);
      }
    }
  }

  /** rows×d samples, each a sum of {@code active} random features with magnitudes in (0, 1]. */
  float[] batch(int rows) {
    float[] x = new float[rows * d];
    for (int b = 0; b < rows; b++) {
      for (int a = 0; a < active; a++) {
        float[] f = dict[rnd.nextInt(dict.length)];
        float s = 1f - rnd.nextFloat();
        for (int i = 0; i < d; i++) {
          x[b * d + i] += s * f[i];
        }
      }
      for (int i = 0; i < d; i++) {
        x[b * d + i] += 0.01f * (float) rnd.nextGaussian();
      }
    }
    return x;
  }
}
