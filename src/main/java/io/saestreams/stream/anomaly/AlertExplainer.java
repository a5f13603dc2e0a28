package io.saestreams.stream.anomaly;

import java.util.Locale;

/**
 * Explains a reconstruction error by the input dimensions that carry most of it: the top
 * dimensions by squared residual (x_i − x̂_i)² and each one's share of ‖x − x̂‖².
 */
public final class AlertExplainer {
  private AlertExplainer() {}

  /**
   * The explanation of one input.
   *
   * @param dimensions input coordinates, largest squared residual first
   * @param shares each coordinate's share of the total squared residual, aligned
   */
  public record Explanation(int[] dimensions, double[] shares) {}

  /**
   * @param x the input. Not modified.
   * @param reconstruction x̂, same length. Not modified.
   * @param top how many dimensions to name (fewer when the input is shorter)
   */
  public static Explanation explain(float[] x, float[] reconstruction, int top) {
    if (x.length != reconstruction.length) {
      throw new IllegalArgumentException(
          "input has " + x.length + " dimensions, reconstruction " + reconstruction.length);
    }
    int m = Math.min(top, x.length);
    int[] dims = new int[m];
    double[] sq = new double[m];
    int filled = 0;
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      double r = (double) x[i] - reconstruction[i];
      double s = r * r;
      total += s;
      // insertion into the sorted top-m list (m is small)
      int p = filled < m ? filled++ : m;
      while (p > 0 && sq[p - 1] < s) {
        if (p < m) {
          sq[p] = sq[p - 1];
          dims[p] = dims[p - 1];
        }
        p--;
      }
      if (p < m) {
        sq[p] = s;
        dims[p] = i;
      }
    }
    double[] shares = new double[m];
    for (int j = 0; j < m; j++) {
      shares[j] = total > 0 ? sq[j] / total : 0;
    }
    return new Explanation(dims, shares);
  }

  /**
   * A one-line reason, e.g. "reconstruction error 0.52 exceeds threshold 0.1 (grade 0.81); largest
   * residuals in dimensions 3 (41%: 0.9 expected, 4.1 actual), 7 (20%: ...)".
   */
  public static String reason(AnomalyVerdict verdict, Explanation explanation, float[] x, float[] reconstruction) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "reconstruction error %.4g exceeds threshold %.4g (grade %.2f)",
        verdict.error(), verdict.threshold(), verdict.grade()));
    if (verdict.runLength() > 1) {
      sb.append(String.format(Locale.ROOT, ", record %d of a run", verdict.runLength()));
    }
    if (explanation.dimensions().length > 0) {
      sb.append("; largest residuals in dimension");
      sb.append(explanation.dimensions().length > 1 ? "s " : " ");
      for (int j = 0; j < explanation.dimensions().length; j++) {
        if (j > 0) {
          sb.append(", ");
        }
        int d = explanation.dimensions()[j];
        sb.append(String.format(Locale.ROOT, "%d (%.0f%%: %.3g expected, %.3g actual)", d,
            100 * explanation.shares()[j], reconstruction[d], x[d]));
      }
    }
    return sb.toString();
  }
}
