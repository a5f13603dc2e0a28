package io.saestreams.train;

import io.saestreams.model.SaeParameters;

/**
 * How well learned decoder directions recover a known dictionary: for each true feature, the
 * largest cosine similarity with any learned direction. MMCS (mean max cosine similarity) is the
 * mean of these over the true features (Sharkey, Braun and Millidge 2022); a feature counts as
 * recovered when its best cosine exceeds a threshold (0.9 by convention).
 *
 * @param bestCosine per true feature, its largest cosine similarity with a learned direction
 * @param mmcs mean of {@code bestCosine}
 * @param recoveredFraction fraction of true features with best cosine above the threshold
 * @param threshold the recovery threshold
 */
public record FeatureRecovery(
    double[] bestCosine, double mmcs, double recoveredFraction, double threshold) {

  /**
   * @param truth true features, each of length d (any norm). Not modified.
   * @param learned the learned model. Not modified.
   */
  public static FeatureRecovery of(float[][] truth, SaeParameters learned, double threshold) {
    int d = learned.inputDim();
    int n = learned.latentDim();
    double[] invNorm = new double[n];
    for (int j = 0; j < n; j++) {
      double norm = learned.decoderNorm(j);
      invNorm[j] = norm > 0 ? 1 / norm : 0;
    }
    double[] best = new double[truth.length];
    double sum = 0;
    int recovered = 0;
    for (int f = 0; f < truth.length; f++) {
      float[] t = truth[f];
      if (t.length != d) {
        throw new IllegalArgumentException("true feature " + f + " has dimension " + t.length
            + ", the model " + d);
      }
      double tn = 0;
      for (float v : t) {
        tn += (double) v * v;
      }
      tn = Math.sqrt(tn);
      double b = -1;
      for (int j = 0; j < n; j++) {
        double dot = 0;
        int o = j * d;
        for (int i = 0; i < d; i++) {
          dot += (double) t[i] * learned.wDec[o + i];
        }
        b = Math.max(b, dot * invNorm[j] / tn);
      }
      best[f] = b;
      sum += b;
      if (b > threshold) {
        recovered++;
      }
    }
    return new FeatureRecovery(best, sum / truth.length, (double) recovered / truth.length,
        threshold);
  }
}
