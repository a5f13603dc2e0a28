package io.saestreams.train;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeParameters;
import java.util.ArrayList;
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
    double[] share = shares(replicas.size(), weights);
    SaeParameters first = replicas.get(0);
    for (SaeParameters p : replicas) {
      checkSameShape(first, p);
    }
    SaeParameters out = new SaeParameters(first.inputDim(), first.latentDim());
    if (share == null) {
      out.copyFrom(first);
      return out;
    }
    List<float[][]> tensors = new ArrayList<>(replicas.size());
    for (SaeParameters p : replicas) {
      tensors.add(p.tensors());
    }
    average(tensors, share, out.tensors());
    double th = 0;
    for (int r = 0; r < share.length; r++) {
      if (share[r] != 0) {
        th += share[r] * replicas.get(r).inferenceThreshold;
      }
    }
    out.inferenceThreshold = (float) th;
    return out;
  }

  /**
   * The same average over plain lists of tensors, such as optimiser moments: entry {@code r} of
   * {@code replicas} holds replica r's tensors, all replicas the same number of tensors of the
   * same lengths. All-zero weights give a copy of the first replica's tensors.
   *
   * @return new arrays, one per tensor
   */
  public static float[][] weightedTensors(List<float[][]> replicas, long[] weights) {
    double[] share = shares(replicas.size(), weights);
    float[][] first = replicas.get(0);
    for (float[][] r : replicas) {
      boolean same = r.length == first.length;
      for (int t = 0; same && t < first.length; t++) {
        same = r[t].length == first[t].length;
      }
      if (!same) {
        throw new IllegalArgumentException("replicas' tensors differ in number or length");
      }
    }
    float[][] out = new float[first.length][];
    for (int t = 0; t < first.length; t++) {
      out[t] = share == null ? first[t].clone() : new float[first[t].length];
    }
    if (share != null) {
      average(replicas, share, out);
    }
    return out;
  }

  /** Each weight's share of the total, or null when the total is 0; checks the arguments. */
  private static double[] shares(int replicas, long[] weights) {
    if (replicas == 0 || replicas != weights.length) {
      throw new IllegalArgumentException(
          "need one weight per replica, got " + replicas + " replicas and " + weights.length + " weights");
    }
    long total = 0;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must be >= 0, got " + w);
      }
      if (w > Long.MAX_VALUE - total) {
        throw new IllegalArgumentException("weights sum beyond " + Long.MAX_VALUE);
      }
      total += w;
    }
    if (total == 0) {
      return null;
    }
    double[] share = new double[weights.length];
    for (int r = 0; r < weights.length; r++) {
      share[r] = (double) weights[r] / total;
    }
    return share;
  }

  /** dst[t][i] = Σ_r share[r]·src[r][t][i], summed in double in list order, zero shares skipped. */
  private static void average(List<float[][]> src, double[] share, float[][] dst) {
    for (int t = 0; t < dst.length; t++) {
      float[] o = dst[t];
      double[] acc = new double[o.length];
      for (int r = 0; r < share.length; r++) {
        if (share[r] != 0) {
          float[] in = src.get(r)[t];
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
  }

  /**
   * A synchronisation round's model: the {@link #weighted} average, with every decoder direction
   * put back to unit norm when the model keeps them so and more than one replica trained (an average of unit vectors is shorter
   * where the replicas disagree; each replica would renormalise at its next step anyway, and the
   * published model is then the one the replicas train from).
   */
  public static SaeParameters ofRound(SaeConfig model, List<SaeParameters> replicas, long[] weights) {
    SaeParameters avg = weighted(replicas, weights);
    int trained = 0;
    for (long w : weights) {
      trained += w > 0 ? 1 : 0;
    }
    // one trained replica (or none): the average is its parameters, already at unit norm
    if (model.unitNormDecoder() && trained > 1) {
      OnlineTrainer.normaliseDecoder(avg);
    }
    return avg;
  }

  /**
   * The replicas' trainer settings: {@code single}'s with the learning rate {@code rate}, or, when
   * {@code rate} is 0, {@code replicas} times the single trainer's (each replica takes 1/P of the
   * steps; at the single trainer's rate the average moves about as far as one replica, and the
   * group learns far too slowly — measured with {@code evaluate --data-parallel}).
   */
  public static TrainerConfig replicaConfig(TrainerConfig single, int replicas, double rate) {
    float lr = rate > 0 ? (float) rate : single.optimizer().learningRate() * replicas;
    return single.withOptimizer(single.optimizer().withLearningRate(lr));
  }

  /** ‖a − b‖₂ over every tensor: how far a replica drifted from an average in a round. */
  public static double distance(SaeParameters a, SaeParameters b) {
    checkSameShape(a, b);
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

  private static void checkSameShape(SaeParameters a, SaeParameters b) {
    if (a.inputDim() != b.inputDim() || a.latentDim() != b.latentDim()) {
      throw new IllegalArgumentException("parameters differ in shape: d=" + a.inputDim() + " n="
          + a.latentDim() + " and d=" + b.inputDim() + " n=" + b.latentDim());
    }
  }
}
