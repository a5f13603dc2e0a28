package io.saestreams.eval;

import java.util.OptionalDouble;

/**
 * Learned dictionary directions matched one-to-one with known true features, and the two figures
 * read off the match.
 *
 * <p>The similarity of true feature {@code f} and learned latent {@code l} is the absolute cosine
 * {@code |cos(t_f, w_l)|} of the feature and the latent's decoder direction (0 when either has norm
 * 0). The {@link Hungarian} method pairs features with latents, one-to-one, so that the summed
 * similarity is largest; with fewer latents than features some features stay unmatched.
 *
 * <ul>
 *   <li><b>MCC</b> (mean correlation coefficient, in the sense of the synthetic-SAE literature, not
 *       Matthews'): the mean over <em>all</em> true features of the similarity to their matched
 *       latent, an unmatched feature counting 0. In [0, 1]; 1 when every feature has a latent of
 *       its own pointing exactly its way.
 *   <li><b>Uniqueness</b>: among the learned latents whose best similarity with any true feature
 *       exceeds {@code threshold} (0.9 by convention, as for the recovered fraction), the number of
 *       distinct features they point to divided by the number of such latents. 1 when no two good
 *       latents share a feature; 1/2 when every recovered feature is covered twice. Undefined
 *       (empty) when no latent exceeds the threshold. Unlike MCC it does not depend on the
 *       matching; it catches duplicated latents, which a one-to-one match hides.
 * </ul>
 *
 * <p>Cost: {@code O(n m d)} for the similarities and {@code O(min(n,m)^2 max(n,m))} for the match,
 * with one {@code n x m} matrix of doubles in memory ({@code n} features, {@code m} latents,
 * dimension {@code d}); a few seconds for {@code n = m = 1024}.
 *
 * @param featureToLatent per true feature, its matched latent, or -1
 * @param matchedSimilarity per true feature, the similarity to its matched latent (0 when unmatched)
 * @param mcc the mean of {@code matchedSimilarity}
 * @param goodLatents latents whose best similarity with a true feature exceeds the threshold
 * @param distinctFeatures distinct true features that are the best match of a good latent
 * @param threshold the similarity a good latent exceeds
 */
public record FeatureMatching(
    int[] featureToLatent,
    double[] matchedSimilarity,
    double mcc,
    int goodLatents,
    int distinctFeatures,
    double threshold) {

  /**
   * Matches learned directions with true features.
   *
   * @param truth the true features, {@code n} rows of length {@code d} (any norm). Not modified.
   * @param learned the learned decoder directions, {@code m} rows of length {@code d} (any norm).
   *     Not modified.
   * @param threshold the similarity above which a latent counts for uniqueness, in [0, 1)
   */
  public static FeatureMatching of(float[][] truth, float[][] learned, double threshold) {
    if (truth.length == 0 || learned.length == 0) {
      throw new IllegalArgumentException("need at least one true feature and one learned latent, got "
          + truth.length + " and " + learned.length);
    }
    if (!(threshold >= 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1), got " + threshold);
    }
    int n = truth.length;
    int m = learned.length;
    int d = truth[0].length;
    double[] truthNorm = norms(truth, d, "true feature");
    double[] learnedNorm = norms(learned, d, "learned latent");
    // the Hungarian method minimises, so the matrix holds negated similarities
    double[][] cost = new double[n][m];
    for (int f = 0; f < n; f++) {
      float[] t = truth[f];
      for (int l = 0; l < m; l++) {
        float[] w = learned[l];
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += (double) t[i] * w[i];
        }
        double denominator = truthNorm[f] * learnedNorm[l];
        cost[f][l] = denominator > 0 ? -Math.abs(dot) / denominator : 0;
      }
    }
    int[] match = Hungarian.solve(cost);
    double[] similarity = new double[n];
    double sum = 0;
    for (int f = 0; f < n; f++) {
      similarity[f] = match[f] >= 0 ? -cost[f][match[f]] : 0;
      sum += similarity[f];
    }
    boolean[] pointedTo = new boolean[n];
    int good = 0;
    int distinct = 0;
    for (int l = 0; l < m; l++) {
      int best = 0;
      for (int f = 1; f < n; f++) {
        if (cost[f][l] < cost[best][l]) {
          best = f;
        }
      }
      if (-cost[best][l] > threshold) {
        good++;
        if (!pointedTo[best]) {
          pointedTo[best] = true;
          distinct++;
        }
      }
    }
    return new FeatureMatching(match, similarity, sum / n, good, distinct, threshold);
  }

  /** {@code distinctFeatures / goodLatents}; empty when no latent exceeds the threshold. */
  public OptionalDouble uniqueness() {
    return goodLatents == 0 ? OptionalDouble.empty()
        : OptionalDouble.of((double) distinctFeatures / goodLatents);
  }

  private static double[] norms(float[][] rows, int d, String what) {
    double[] norm = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != d) {
        throw new IllegalArgumentException(what + " " + r + " has dimension " + rows[r].length
            + ", expected " + d);
      }
      double s = 0;
      for (float x : rows[r]) {
        s += (double) x * x;
      }
      norm[r] = Math.sqrt(s);
    }
    return norm;
  }
}
