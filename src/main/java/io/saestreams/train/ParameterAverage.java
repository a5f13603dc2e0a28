package io.saestreams.train;

import io.saestreams.model.SaeParameters;
import java.util.List;

/**
 * The sample-weighted average of replicas' parameters that ends a data-parallel synchronisation
 * round (local SGD / federated averaging).
 *
 * <p>The sum runs in the order of the list (the replicas' partition order), in double precision,
 * one element at a time, so the result depends only on the contributions, never on the order in
 * which they arrived. When every weight is 0 (no replica trained in the round) the first
 * contribution is returned unchanged: all replicas still hold the previous average.
 */
public final class ParameterAverage {
  private ParameterAverage() {}

  /**
   * @param replicas parameters of each replica, in a fixed order; same shape
   * @param weights samples each replica trained on in the round (>= 0), same order
   */
  public static SaeParameters weighted(List<SaeParameters> replicas, long[] weights) {
    if (replicas.isEmpty() || replicas.size() != weights.length) {
      throw new IllegalArgumentException(
          "need one weight per replica, got " + replicas.size() + " replicas and " + weights.length + " weights");
    }
    long total = 0;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must be >= 0, got " + w);
      }
      total += w;
    }
    SaeParameters first = replicas.get(0);
    SaeParameters out = new SaeParameters(first.inputDim(), first.latentDim());
    if (total == 0) {
      out.copyFrom(first);
      return out;
    }
    double[] share = new double[weights.length];
    for (int r = 0; r < weights.length; r++) {
      share[r] = (double) weights[r] / total;
    }
    float[][] dst = out.tensors();
    float[][][] src = new float[share.length][][];
    for (int r = 0; r < share.length; r++) {
      src[r] = replicas.get(r).tensors();
    }
    for (int t = 0; t < dst.length; t++) {
      float[] o = dst[t];
      double[] acc = new double[o.length];
      for (int r = 0; r < share.length; r++) {
        if (share[r] != 0) {
          float[] in = src[r][t];
          double w = share[r];
          for (int i = 0; i < acc.length; i++) {
            acc[i] += w * in[i];
          }
        }
      }
      for (int i = 0; i < o.length; i++) {
        o[i] = (float) acc[i];
      }
    }
    double th = 0;
    for (int r = 0; r < share.length; r++) {
      if (share[r] != 0) {
        th += share[r] * replicas.get(r).inferenceThreshold;
      }
    }
    out.inferenceThreshold = (float) th;
    return out;
  }

  /** ‖a − b‖₂ over every tensor: how far a replica drifted from an average in a round. */
  public static double distance(SaeParameters a, SaeParameters b) {
    float[][] x = a.tensors();
    float[][] y = b.tensors();
    double s = 0;
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        double d = (double) x[t][i] - y[t][i];
        s += d * d;
      }
    }
    return Math.sqrt(s);
  }
}
